"""Single requests (for Prefect task retries) and the redirect rules of `Fetcher.get`."""

from __future__ import annotations

import httpx
import pytest

from flows.crawl import CrawlSettings, Fetcher, HostRateLimiter, LinkKind, RetryableFetchError, fetch_once, make_client
from flows.crawl.fetch import Fetched
from tests.crawl.site import FixtureSite


def _once(site: FixtureSite, settings: CrawlSettings, path: str, **validators: str) -> Fetched:
    with make_client(settings) as client:
        return fetch_once(client, site.url(path), source="t", kind=LinkKind.ATTACHMENT, settings=settings,
                          validators={k.replace("_", "-"): v for k, v in validators.items()})


def test_a_500_asks_for_a_retry_and_a_404_does_not(site: FixtureSite, settings: CrawlSettings) -> None:
    failing = _once(site, settings, "/a/xxgknb/flaky.html")
    assert failing.record.status == 500 and failing.retryable
    with pytest.raises(RetryableFetchError, match="HTTP 500"):
        failing.raise_for_retry()
    missing = _once(site, settings, "/a/xxgknb/missing.html")
    assert missing.raise_for_retry() is missing and not missing.ok


def test_conditional_get_answers_304_without_a_body(site: FixtureSite, settings: CrawlSettings) -> None:
    first = _once(site, settings, "/a/files/P020230118.pdf")
    assert first.ok and first.body.startswith(b"%PDF")
    again = _once(site, settings, "/a/files/P020230118.pdf", If_None_Match=str(first.record.etag))
    assert again.not_modified and again.body == b"" and again.record.sha256 is None


def test_a_redirect_is_returned_not_followed_by_a_single_request(site: FixtureSite, settings: CrawlSettings) -> None:
    hop = _once(site, settings, "/a/xxgknb/old/2020.html")
    assert hop.record.status == 301 and hop.location == site.url("/a/xxgknb/2021/t20210120_104.html")


def test_redirects_are_followed_only_where_allowed(site: FixtureSite, settings: CrawlSettings) -> None:
    with make_client(settings) as client:
        fetcher = Fetcher(client, settings, HostRateLimiter(0), "t")
        followed = fetcher.get(site.url("/a/xxgknb/old/2020.html"), LinkKind.ARTICLE)
        refused = fetcher.get(site.url("/a/xxgknb/old/2020.html"), LinkKind.ARTICLE,
                              may_follow=lambda url: "not wanted")
    assert [r.status for r in followed.records] == [301, 200] and followed.final.ok
    assert refused.final.record.error is not None and "not wanted" in refused.final.record.error


def test_too_many_redirects_stop(site: FixtureSite) -> None:
    settings = CrawlSettings(max_redirects=0, trust_env=False, min_interval_seconds=0)
    with make_client(settings) as client:
        outcome = Fetcher(client, settings, HostRateLimiter(0), "t").get(
            site.url("/a/xxgknb/old/2020.html"), LinkKind.ARTICLE)
    assert "more than 0 redirects" in str(outcome.final.record.error)


def test_retry_after_is_honoured_within_the_backoff_cap() -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(200, content=b"%PDF-1.4")])
    client = httpx.Client(transport=httpx.MockTransport(lambda request: next(answers)))
    settings = CrawlSettings(max_backoff_seconds=5, min_interval_seconds=0)
    slept: list[float] = []
    outcome = Fetcher(client, settings, HostRateLimiter(0), "t", sleep=slept.append).get(
        "http://gov.example/r.pdf", LinkKind.ATTACHMENT)
    assert slept == [5] and outcome.final.ok and [r.status for r in outcome.records] == [503, 200]
