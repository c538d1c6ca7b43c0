"""The crawler: agency websites → archived report files, plus a log of every request.

No Prefect and no DuckDB in here, so it runs and tests alone; flows/ wraps it in tasks.
"""

from flows.crawl.archive import raw_dir
from flows.crawl.crawl_settings import CrawlSettings
from flows.crawl.crawler import crawl
from flows.crawl.fetch import Fetched, Fetcher, RetryableFetchError, fetch_once, make_client
from flows.crawl.ratelimit import HostRateLimiter
from flows.crawl.records import CrawlResult, FetchRecord, Link, LinkKind, ReportFile, SkippedLink
from flows.crawl.sources import Source, load_sources, source_from_url
from flows.crawl.state import CrawlState, state_file

__all__ = [
    "CrawlResult",
    "CrawlSettings",
    "CrawlState",
    "FetchRecord",
    "Fetched",
    "Fetcher",
    "HostRateLimiter",
    "Link",
    "LinkKind",
    "ReportFile",
    "RetryableFetchError",
    "SkippedLink",
    "Source",
    "crawl",
    "fetch_once",
    "load_sources",
    "make_client",
    "raw_dir",
    "source_from_url",
    "state_file",
]
