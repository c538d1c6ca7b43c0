"""Rate limit, robots.txt, settings validation, state bookkeeping and progress switching."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.crawl import CrawlSettings, CrawlState, FetchRecord, Link, LinkKind
from flows.crawl.progress import progress_wanted
from flows.crawl.ratelimit import HostRateLimiter
from flows.crawl.robots import robots_policy, robots_url
from tests.crawl.conftest import Crawls


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limit_spaces_requests_per_host() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(1.0, clock=clock, sleep=clock.sleep)
    limiter.wait("a.gov.cn")
    limiter.wait("b.gov.cn")  # another host does not wait
    limiter.wait("a.gov.cn")
    limiter.wait("a.gov.cn", interval_seconds=5.0)  # robots Crawl-delay: longer interval after this one
    limiter.wait("a.gov.cn")
    assert clock.slept == [1.0, 1.0, 5.0]


def test_robots_rules_follow_rfc_9309() -> None:
    parsed = robots_policy(200, b"User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n")
    assert parsed.allows("http://g.cn/nb/1.html", "xxgk") and not parsed.allows("http://g.cn/private/x", "xxgk")
    assert parsed.crawl_delay("xxgk") == 3.0
    assert robots_policy(404, b"").allows("http://g.cn/private/x", "xxgk")
    assert not robots_policy(503, b"").allows("http://g.cn/nb/", "xxgk")
    assert not robots_policy(None, b"").allows("http://g.cn/nb/", "xxgk")
    assert robots_url("https://g.cn:8443/a/b.html?x=1#f") == "https://g.cn:8443/robots.txt"


@pytest.mark.parametrize(
    "bad", [{"retries": -1}, {"max_bytes": 0}, {"read_timeout_seconds": 0}, {"article_keywords": ()},
            {"user_agent": " "}],
)
def test_settings_reject_nonsense(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="CrawlSettings"):
        CrawlSettings(**bad)  # type: ignore[arg-type]


def test_progress_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    assert progress_wanted(True) and not progress_wanted(False)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.setenv("CI", "true")
    assert not progress_wanted(None)
    monkeypatch.delenv("CI")
    assert progress_wanted(None)


def test_a_crawl_with_progress_shown_finds_the_same_reports(crawls: Crawls, settings: CrawlSettings) -> None:
    crawls.settings = replace(settings, progress=True)
    assert len(crawls.run(max_pages=1).reports) == 2


def test_state_merge_and_corrupt_file(tmp_path: Path) -> None:
    record = FetchRecord("s", "http://g.cn/r.pdf", LinkKind.ATTACHMENT, datetime.now(UTC), 200, 8, "ab" * 32,
                         etag='"e"')
    worker = CrawlState()
    worker.remember(record.url, record, report=True)
    worker.mark_reported("ab" * 32)
    main = CrawlState()
    main.merge(worker)
    memo = main.memo(record.url)
    assert memo is not None and memo.conditional_headers() == {"If-None-Match": '"e"'}
    assert main.is_reported("ab" * 32)
    page = CrawlState()
    page.remember("http://g.cn/", record)  # a page whose links are unknown must be downloaded
    assert page.memo("http://g.cn/").conditional_headers() == {}  # type: ignore[union-attr]
    page.remember("http://g.cn/", record, links=[Link("http://g.cn/2", LinkKind.LISTING, "下一页", "")])
    assert page.memo("http://g.cn/").conditional_headers()  # type: ignore[union-attr]
    broken = tmp_path / "crawl-state.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"crawl-state\.json: unreadable crawl state"):
        CrawlState.load(broken)
    assert len(CrawlState.load(tmp_path / "absent.json")) == 0
