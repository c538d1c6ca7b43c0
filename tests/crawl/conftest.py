"""Fixtures for crawler tests: the fixture website and fast, quiet, loopback-only settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.crawl import CrawlSettings, CrawlState, Source, crawl
from flows.crawl.records import CrawlResult
from tests.crawl.site import FixtureSite

# Generous against a busy 2-core machine, yet well under the slow page's delay.
READ_TIMEOUT_SECONDS = 0.5
SLOW_PAGE_SECONDS = 2.5
CAP_BYTES = 1_000_000


def fast_settings() -> CrawlSettings:
    """No politeness delay, tiny backoff, short timeouts, a 1 MB cap, no progress display."""
    return CrawlSettings(
        min_interval_seconds=0,
        retries=2,
        backoff_seconds=0.01,
        read_timeout_seconds=READ_TIMEOUT_SECONDS,
        max_bytes=CAP_BYTES,
        progress=False,
        trust_env=False,  # a proxy from the environment must never see loopback requests
    )


@pytest.fixture
def settings() -> CrawlSettings:
    return fast_settings()


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite(slow_seconds=SLOW_PAGE_SECONDS) as running:
        yield running


class Crawls:
    """Crawls of the fixture site sharing one archive and one state, like nightly runs."""

    def __init__(self, site: FixtureSite, archive: Path, settings: CrawlSettings) -> None:
        self.site = site
        self.archive = archive
        self.settings = settings
        self.state = CrawlState()
        self.sleeps: list[float] = []

    def run(self, start_path: str = "/a/xxgknb/index.html", **source: object) -> CrawlResult:
        name = str(source.pop("name", "agency-a"))
        return crawl(Source(name, self.site.url(start_path), **source),  # type: ignore[arg-type]
                     self.archive, self.state, self.settings, sleep=self.sleeps.append)


@pytest.fixture
def crawls(site: FixtureSite, tmp_path: Path, settings: CrawlSettings) -> Crawls:
    return Crawls(site, tmp_path / "raw", settings)


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Crawls, CrawlResult]]:
    """One first crawl of agency A, shared by the tests that only read its result."""
    with FixtureSite(slow_seconds=SLOW_PAGE_SECONDS) as running:
        runs = Crawls(running, tmp_path_factory.mktemp("first") / "raw", fast_settings())
        yield runs, runs.run()
