"""The real flow crawling the fixture website into a real DuckDB file (issue 6 §3, "Bad input").

Two agencies serve rendered reports (inline HTML, GBK page, PDF and DOCX attachments) among a
404, a page failing with 500 twice, a redirect, a redirect loop, a slow page, oversize downloads,
an HTML error page served as .pdf, an off-host link and a robots.txt-disallowed path; a third
source is an unreachable host. The runs share one data folder and warehouse, like nightly runs.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from flows.crawl import state_file
from flows.pipeline import RunSummary, summary_of, xxgk_run
from tests.crawl.conftest import fast_settings
from tests.crawl.site import FixtureSite
from tests.fixtures.render_html import render_html
from tests.flows.report_site import (
    B_PDF_2022,
    DOCX_2021,
    FLAKY_2019,
    GBK_2023,
    INLINE_2023,
    PDF_2022,
    TABLES,
    cell_values,
    closed_port,
    contents,
    query,
    rendered_site,
    sources_toml,
    wrong_cells,
)

pytestmark = pytest.mark.usefixtures("prefect_server")

# A busy machine must not time out good pages; the slow page stays well beyond the timeout.
SETTINGS = replace(fast_settings(), read_timeout_seconds=1.0)
SLOW_PAGE_SECONDS = 3.0


@dataclass
class Nightly:
    """The site, the paths of one data folder and warehouse, and the summaries of runs so far."""

    site: FixtureSite
    answers: dict[str, dict]
    sources: Path
    data: Path
    warehouse: Path
    dead_url: str

    def run(self) -> RunSummary:
        state = xxgk_run(sources_file=str(self.sources), warehouse=str(self.warehouse), data_dir=str(self.data),
                         crawl_settings=SETTINGS, return_state=True)
        assert state.is_failed(), "the dead host must fail the run"
        return summary_of(state)


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nightly]:
    root = tmp_path_factory.mktemp("nightly")
    rendered = rendered_site(root)
    with FixtureSite(rendered.content, slow_seconds=SLOW_PAGE_SECONDS) as site:
        dead = f"http://127.0.0.1:{closed_port()}/xxgk/ndbg/index.html"
        sources = sources_toml(root / "sources.toml", ("agency-a", site.url("/a/xxgknb/index.html")),
                               ("agency-b", site.url("/b/ndbg/index.html")), ("dead-host", dead))
        yield Nightly(site, rendered.answers, sources, root / "data", root / "data" / "xxgk.duckdb", dead)


@pytest.fixture(scope="module")
def first(nightly: Nightly) -> RunSummary:
    return nightly.run()


def test_first_run_loads_every_report_under_its_url(nightly: Nightly, first: RunSummary) -> None:
    urls = {nightly.site.url(path) for path in nightly.answers}
    loaded = dict(query(nightly.warehouse, "SELECT source, status FROM reports"))
    assert set(loaded) == urls
    assert set(loaded.values()) == {"ok"}
    assert (first.loaded, first.quarantined, len(first.new), first.changed) == (7, 0, 7, [])
    assert query(nightly.warehouse, "SELECT count(*) FROM quarantine") == [(0,)]


@pytest.mark.parametrize("path", [PDF_2022, DOCX_2021, GBK_2023, INLINE_2023, B_PDF_2022])
def test_loaded_numbers_match_the_answer_key(nightly: Nightly, first: RunSummary, path: str) -> None:
    cells = cell_values(nightly.warehouse, nightly.site.url(path))
    assert cells, f"no cells for {path}"
    assert wrong_cells(nightly.answers[path], cells) == []


def test_inline_report_cells_point_at_the_article_page(nightly: Nightly, first: RunSummary) -> None:
    url = nightly.site.url(INLINE_2023)
    files = query(nightly.warehouse, "SELECT DISTINCT c.source_file FROM cells c JOIN reports r USING (report_id) "
                                     "WHERE r.source = ?", url)
    assert files == [(url,)]


def test_raw_files_are_archived_by_content_hash(nightly: Nightly, first: RunSummary) -> None:
    archived = query(nightly.warehouse, "SELECT sha256, archive_path FROM documents")
    assert len(archived) == 7
    for sha256, archive_path in archived:
        path = Path(archive_path)
        assert path.is_file() and path.name.startswith(sha256) and path.is_relative_to(nightly.data / "raw")


def test_every_request_is_logged_with_its_outcome(nightly: Nightly, first: RunSummary) -> None:
    rows = query(nightly.warehouse, "SELECT url, status, error, source_name FROM fetches ORDER BY fetched_at")
    assert len(rows) == first.fetches
    by_url: dict[str, list[tuple[int | None, str | None]]] = {}
    for url, status, error, _ in rows:
        by_url.setdefault(url, []).append((status, error))
    url = nightly.site.url
    assert [status for status, _ in by_url[url(FLAKY_2019)]] == [500, 500, 200]
    assert by_url[url("/a/xxgknb/missing.html")][-1][0] == 404
    assert by_url[url("/a/xxgknb/old/2020.html")] == [(301, None)]
    for broken in ("/a/xxgknb/slow.html", "/a/xxgknb/loop-b.html", "/a/files/huge.pdf",
                   "/a/files/unannounced-huge.pdf", "/a/files/error-page.pdf", "/a/xxgknb/missing.html"):
        assert by_url[url(broken)][-1][1], f"{broken} should end as a fetch error"
    assert any(u.startswith(nightly.dead_url.rsplit("/xxgk", 1)[0]) and e for u, (_, e) in
               ((u, v[-1]) for u, v in by_url.items()))
    assert {name for *_, name in rows} == {"agency-a", "agency-b", "dead-host"}


def test_off_host_and_disallowed_links_are_never_fetched(nightly: Nightly, first: RunSummary) -> None:
    requested = nightly.site.requested_paths()
    assert "/private/2020-report.html" not in requested
    assert "/a/xxgknb/mirror.html" not in requested  # linked via localhost: another host
    logged = {url for (url,) in query(nightly.warehouse, "SELECT url FROM fetches")}
    assert not any("/private/" in u or "localhost" in u for u in logged)
    assert first.skipped_links >= 2


def test_the_duplicate_download_is_not_extracted_twice(nightly: Nightly, first: RunSummary) -> None:
    assert "/a/files/copy-of-2022.pdf" in nightly.site.requested_paths()
    assert first.files == 7 and first.skipped_unchanged >= 1


def test_crawl_state_is_saved_after_the_load(nightly: Nightly, first: RunSummary) -> None:
    assert state_file(nightly.data).is_file()
    assert not list(nightly.data.glob("crawl-state.*.pending"))


@pytest.fixture(scope="module")
def second(nightly: Nightly, first: RunSummary) -> tuple[RunSummary, dict, int]:
    before = contents(nightly.warehouse)
    fetches_before = query(nightly.warehouse, "SELECT count(*) FROM fetches")[0][0]
    return nightly.run(), before, fetches_before


def test_second_run_fetches_nothing_new_and_loads_nothing(nightly: Nightly, second: tuple) -> None:
    summary, before, fetches_before = second
    assert (summary.files, summary.loaded, summary.quarantined) == (0, 0, 0)
    assert summary.skipped_unchanged >= 7
    assert contents(nightly.warehouse) == before
    new_rows = query(nightly.warehouse, "SELECT url, status, error FROM fetches ORDER BY fetched_at "
                                        f"OFFSET {fetches_before}")
    assert len(new_rows) == summary.fetches
    report_urls = {nightly.site.url(path) for path in nightly.answers}
    for url, status, error in new_rows:
        assert status in (304, 301, 404, None) or error or url.endswith("/robots.txt"), (url, status)
        if url in report_urls:
            assert status == 304


def test_a_changed_report_replaces_the_old_one(nightly: Nightly, second: tuple) -> None:
    answer = copy.deepcopy(nightly.answers[INLINE_2023])
    answer["section4"]["admin_review"]["upheld"] += 1
    answer["section4"]["admin_review"]["total"] += 1
    nightly.site.put(INLINE_2023, render_html(answer), "text/html; charset=utf-8")
    url = nightly.site.url(INLINE_2023)
    old_id = query(nightly.warehouse, "SELECT report_id FROM reports WHERE source = ?", url)

    summary = nightly.run()

    assert (summary.loaded, summary.changed, summary.new) == (1, [url], [])
    assert query(nightly.warehouse, "SELECT count(*) FROM reports") == [(7,)]
    assert query(nightly.warehouse, "SELECT report_id FROM reports_history WHERE source = ?", url) == old_id
    assert wrong_cells(answer, cell_values(nightly.warehouse, url)) == []


def test_the_artifact_names_new_changed_and_failed(nightly: Nightly, first: RunSummary) -> None:
    text = first.markdown()
    assert "## New reports" in text and nightly.site.url(PDF_2022) in text
    assert "## Fetch errors" in text and "/a/xxgknb/missing.html" in text
    assert set(TABLES) <= {t for (t,) in query(nightly.warehouse, "SELECT table_name FROM duckdb_tables()")}
