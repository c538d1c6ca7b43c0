"""The crawler against the fixture website: what is fetched, skipped, archived, and refetched."""

from __future__ import annotations

import socket
from pathlib import Path

from flows.crawl import CrawlState, LinkKind, Source, crawl
from flows.crawl.records import CrawlResult, FetchRecord
from tests.crawl.conftest import CAP_BYTES, Crawls, fast_settings
from tests.crawl.site import B_DOWNLOAD, FixtureSite, minimal_pdf

A_REPORTS = {
    "/a/xxgknb/2024/t20240120_101.html": "html",  # inline report
    "/a/files/P020230118.pdf": "pdf",  # relative link on an article page
    "/a/files/report-2021.docx": "docx",  # absolute link on an article page
    "/a/xxgknb/2021/t20210120_104.html": "html",  # reached through a redirect
    "/a/xxgknb/flaky.html": "html",  # after two 500s
}


def _path(site: FixtureSite, url: str) -> str:
    return url.removeprefix(site.url(""))


def _errors_by_path(site: FixtureSite, result: CrawlResult) -> dict[str, FetchRecord]:
    return {_path(site, record.url): record for record in result.errors}


def test_first_crawl_finds_every_report_of_agency_a(first_crawl: tuple[Crawls, CrawlResult]) -> None:
    runs, result = first_crawl
    assert {_path(runs.site, r.url): r.format for r in result.reports} == A_REPORTS
    assert all(r.source == "agency-a" for r in result.reports)
    titles = {_path(runs.site, r.url): r.title for r in result.reports}
    # An attachment named only by its file name takes the title of the link to its article.
    assert titles["/a/files/P020230118.pdf"] == "文昌镇2022年政府信息公开工作年度报告"


def test_reports_are_archived_by_content_hash_with_the_served_bytes(first_crawl: tuple[Crawls, CrawlResult]) -> None:
    runs, result = first_crawl
    for report in result.reports:
        assert report.path == runs.archive / report.sha256[:2] / f"{report.sha256}.{report.format}"
        served = runs.site.resources[_path(runs.site, report.url)].body
        assert report.path.read_bytes() == served
    archived = sorted(p for p in runs.archive.rglob("*") if p.is_file())
    assert len(archived) == len(A_REPORTS)  # no error page, no oversize file, no duplicate


def test_same_report_under_a_second_url_is_counted_unchanged(first_crawl: tuple[Crawls, CrawlResult]) -> None:
    runs, result = first_crawl
    assert "/a/files/copy-of-2022.pdf" in runs.site.requested_paths()
    assert result.unchanged == 1


def test_only_wanted_links_on_the_host_and_allowed_by_robots_are_fetched(
    first_crawl: tuple[Crawls, CrawlResult],
) -> None:
    runs, result = first_crawl
    requested = set(runs.site.requested_paths())
    for never in ("/a/", "/a/guide.html", "/private/2020-report.html", "/a/xxgknb/mirror.html"):
        assert never not in requested
    skipped = {_path(runs.site, s.url): s.reason for s in result.skipped}
    assert skipped["/private/2020-report.html"] == "disallowed by robots.txt"
    assert "localhost" in skipped[f"http://localhost:{runs.site.port}/a/xxgknb/mirror.html"]
    # Pagination of all three kinds was followed.
    assert {"/a/xxgknb/index_1.html", "/a/xxgknb/list?page=3", "/a/xxgknb/list?page=4"} <= requested


def test_every_request_is_logged_with_the_fetches_columns(first_crawl: tuple[Crawls, CrawlResult]) -> None:
    runs, result = first_crawl
    assert len(result.fetches) == len(runs.site.requests)
    robots = result.fetches[0]
    assert (robots.kind, robots.status, _path(runs.site, robots.url)) == (LinkKind.ROBOTS, 200, "/robots.txt")
    pdf = next(r for r in result.fetches if r.url.endswith("/P020230118.pdf"))
    assert pdf.status == 200 and pdf.error is None and pdf.content_type == "application/pdf"
    assert pdf.bytes == len(minimal_pdf("文昌镇2022年报")) and pdf.sha256 is not None
    assert pdf.etag and pdf.last_modified and pdf.elapsed_ms >= 0 and pdf.fetched_at.tzinfo is not None
    assert set(pdf.to_row()) >= {"url", "status", "bytes", "sha256", "fetched_at", "error", "content_type",
                                 "etag", "last_modified", "elapsed_ms"}


def test_server_errors_are_retried_with_backoff(first_crawl: tuple[Crawls, CrawlResult]) -> None:
    runs, result = first_crawl
    flaky = [r.status for r in result.fetches if r.url.endswith("/flaky.html")]
    assert flaky == [500, 500, 200]
    assert runs.sleeps[:2] == [0.01, 0.02]  # exponential backoff, before the slow page's retries


def test_bad_inputs_end_as_fetch_errors_and_the_crawl_goes_on(first_crawl: tuple[Crawls, CrawlResult]) -> None:
    runs, result = first_crawl
    errors = _errors_by_path(runs.site, result)
    assert errors["/a/xxgknb/missing.html"].status == 404
    assert "timed out" in str(errors["/a/xxgknb/slow.html"].error)
    assert "redirect loop" in str(errors["/a/xxgknb/loop-b.html"].error)
    assert "error page" in str(errors["/a/files/error-page.pdf"].error)
    announced = errors["/a/files/huge.pdf"]
    assert "too large" in str(announced.error) and announced.bytes == 0  # refused on Content-Length
    streamed = errors["/a/files/unannounced-huge.pdf"]
    assert "too large" in str(streamed.error) and CAP_BYTES < streamed.bytes < 2 * CAP_BYTES
    assert len(errors) == 6
    slow_attempts = [r for r in result.fetches if r.url.endswith("/slow.html")]
    assert len(slow_attempts) == 3  # timeouts are retried too


def test_second_crawl_is_a_no_op(crawls: Crawls) -> None:
    first = crawls.run()
    archived_before = sorted(crawls.archive.rglob("*"))
    requests_before = len(crawls.site.requests)
    second = crawls.run()
    assert second.reports == []
    assert second.unchanged == first.unchanged + len(first.reports)
    assert sorted(crawls.archive.rglob("*")) == archived_before
    for path, headers in crawls.site.requests[requests_before:]:
        if path in A_REPORTS:
            assert "If-None-Match" in headers and "If-Modified-Since" in headers
    statuses = {_path(crawls.site, r.url): r.status for r in second.fetches}
    assert all(statuses[path] == 304 for path in A_REPORTS)
    assert statuses["/a/xxgknb/index.html"] == 304  # links come from the state, not a download


def test_a_changed_report_is_fetched_and_archived_again(crawls: Crawls) -> None:
    crawls.run(max_pages=2)  # the reports, without the slow bad inputs of page 3
    changed = minimal_pdf("文昌镇2022年报（更正版）")
    crawls.site.put("/a/files/P020230118.pdf", changed, "application/pdf")
    third = crawls.run(max_pages=2)
    assert [(_path(crawls.site, r.url), r.path.read_bytes()) for r in third.reports] == [
        ("/a/files/P020230118.pdf", changed)
    ]


def test_state_survives_a_save_and_load(crawls: Crawls, tmp_path: Path) -> None:
    first = crawls.run(max_pages=2)
    saved = tmp_path / "data" / "crawl-state.json"
    crawls.state.save(saved)
    crawls.state = CrawlState.load(saved)
    again = crawls.run(max_pages=2)
    assert again.reports == [] and again.unchanged == len(first.reports)
    assert {r.status for r in again.fetches if r.kind is not LinkKind.ROBOTS} <= {301, 304, 404}


def test_state_rebuilt_from_the_fetches_log_skips_known_reports(crawls: Crawls) -> None:
    first = crawls.run(max_pages=2)
    rows = [record.to_row() for record in first.fetches]
    crawls.state = CrawlState.from_fetches(rows, reported=[r.sha256 for r in first.reports])
    again = crawls.run(max_pages=2)
    assert again.reports == []
    assert again.unchanged == first.unchanged + len(first.reports)


def test_gbk_agency_with_a_script_pager_and_a_download_script(crawls: Crawls) -> None:
    result = crawls.run("/b/ndbg/index.html", name="agency-b", agency="沙坡头区人民政府", region="中卫市")
    reports = {_path(crawls.site, r.url): r for r in result.reports}
    assert set(reports) == {"/b/ndbg/202401/t20240201_1.html", B_DOWNLOAD}
    inline = reports["/b/ndbg/202401/t20240201_1.html"]
    assert (inline.format, inline.title) == ("html", "沙坡头区2023年政府信息公开工作年度报告")
    assert inline.path.read_bytes().decode("gbk").count("政府信息公开工作年度报告") >= 1
    assert reports[B_DOWNLOAD].format == "pdf"
    assert {r.agency for r in result.reports} == {"沙坡头区人民政府"}
    assert result.errors == []


def test_max_pages_limits_the_list_pages_followed(crawls: Crawls) -> None:
    result = crawls.run(max_pages=1)
    assert "/a/xxgknb/index_1.html" not in crawls.site.requested_paths()
    assert [s.reason for s in result.skipped if s.url.endswith("index_1.html")] == ["beyond max_pages (1 list pages)"]
    assert {_path(crawls.site, r.url) for r in result.reports} == {
        "/a/xxgknb/2024/t20240120_101.html", "/a/files/P020230118.pdf"}


def test_an_unreachable_host_is_an_error_not_an_exception(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    source = Source("gone", f"http://127.0.0.1:{closed_port}/xxgknb/index.html")
    result = crawl(source, tmp_path, CrawlState(), fast_settings(), sleep=lambda _: None)
    assert result.reports == []
    assert len(result.fetches) == 3  # robots.txt, retried twice
    assert "connection failed" in str(result.errors[0].error)
    # RFC 9309: robots.txt unreachable means nothing may be fetched.
    assert [s.reason for s in result.skipped] == ["disallowed by robots.txt"]
