"""Failures an operator sees (issue 9): exit statuses, one WARNING line per failed source, a Failed
flow run whose artifact leads with the problems, and where the run's files are."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.cli import main
from flows.outcome import SourceFailure, short_reason
from flows.pipeline import RunSummary, summary_of, xxgk_run
from tests.crawl.conftest import fast_settings
from tests.crawl.site import FixtureSite
from tests.flows.report_site import closed_port, rendered_site, sources_toml

pytestmark = pytest.mark.usefixtures("prefect_server")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NO_LINKS_PAGE = "/empty/index.html"  # a reachable 年报 column that lists no report


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureSite]:
    root = tmp_path_factory.mktemp("site")
    with FixtureSite(rendered_site(root).content, slow_seconds=0) as served:
        served.put(NO_LINKS_PAGE, "<html><body><p>栏目建设中</p></body></html>".encode(), "text/html; charset=utf-8")
        yield served


def test_some_sources_failing_fail_the_flow_run_and_lead_the_artifact(site: FixtureSite, tmp_path: Path) -> None:
    dead_port = closed_port()
    sources = sources_toml(tmp_path / "sources.toml", ("agency-b", site.url("/b/ndbg/index.html")),
                           ("dead-host", f"http://127.0.0.1:{dead_port}/xxgk/index.html"),
                           ("empty-column", site.url(NO_LINKS_PAGE)))

    state = xxgk_run(sources_file=str(sources), warehouse=str(tmp_path / "xxgk.duckdb"), data_dir=str(tmp_path),
                     crawl_settings=fast_settings(), return_state=True)
    summary = summary_of(state)

    assert state.is_failed() and state.message == summary.headline()
    assert summary.loaded == 2 and summary.exit_status == 1
    site_port = site.url("/").split(":")[2].split("/")[0]
    assert summary.warnings() == [f"WARNING 127.0.0.1:{dead_port} (dead-host): connection refused",
                                  f"WARNING 127.0.0.1:{site_port} (empty-column): no report file found (1 requests)"]
    text = summary.markdown()
    assert text.startswith("# xxgk run\n\n2 of 3 sources failed: 2 reports loaded")
    assert text.index("## Failed sources") < text.index("## Counts") < text.index("## New reports")


def test_an_unreachable_source_exits_3_with_a_warning_naming_it(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()

    status = main(["run", "--source", f"http://127.0.0.1:{port}/", "--data", str(tmp_path),
                   "--warehouse", str(tmp_path / "xxgk.duckdb")])

    assert status == 3
    assert f"WARNING 127.0.0.1:{port}: connection refused" in capsys.readouterr().err.splitlines()


def test_a_folder_without_report_files_says_so_and_exits_3(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "notes.csv").write_text("not a report", encoding="utf-8")

    status = main(["run", "--source", str(folder), "--data", str(tmp_path / "data"),
                   "--warehouse", str(tmp_path / "data" / "xxgk.duckdb")])

    assert status == 3
    (warning,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("WARNING")]
    assert warning.startswith(f"WARNING {folder}: no report files (") and ".pdf" in warning


def test_quarantined_and_invalid_reports_still_exit_0_and_the_run_says_where_things_are(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(EXAMPLES / "hongze-2023-printed-error.html", folder)  # invalid: a printed total is wrong
    (folder / "empty.pdf").write_bytes(b"")  # quarantined
    data, warehouse = tmp_path / "data", tmp_path / "data" / "xxgk.duckdb"

    status = main(["run", "--source", str(folder), "--data", str(data), "--warehouse", str(warehouse)])

    out, err = capsys.readouterr()
    assert status == 0 and not [line for line in err.splitlines() if line.startswith("WARNING ")]
    assert f"warehouse: {warehouse.resolve()}" in out.splitlines()
    # Where the docs are, not whether this process built them there: GE keeps the first run's docs
    # site for the whole process (expectations/data_docs.py), and the suite runs many flows in one.
    assert any(line.startswith(f"Data Docs: {(data / 'docs' / 'index.html').resolve()}") for line in out.splitlines())
    assert f"1 report is invalid; see which rules failed: xxgk checks --warehouse {warehouse}" in out


@pytest.mark.parametrize(("error", "reason"), [
    ("connection failed (ConnectError: [Errno 111] Connection refused)", "connection refused"),
    ("connection failed (ConnectError: [Errno -2] Name or service not known)", "name or service not known"),
    ("HTTP 404 Not Found", "HTTP 404 Not Found"),
])
def test_fetch_errors_are_said_in_a_few_words(error: str, reason: str) -> None:
    assert short_reason(error) == reason


@pytest.mark.parametrize(("sources", "failed", "status"), [(1, 0, 0), (3, 1, 1), (3, 2, 1), (3, 3, 3), (1, 1, 3)])
def test_exit_status_is_0_1_or_3_by_how_many_sources_failed(sources: int, failed: int, status: int) -> None:
    summary = RunSummary(sources=sources,
                         failed_sources=[SourceFailure(f"host{n}", "connection refused") for n in range(failed)])
    assert summary.exit_status == status
