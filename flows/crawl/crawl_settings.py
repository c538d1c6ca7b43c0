"""Crawler knobs in one validated place, with polite production defaults."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_USER_AGENT = "xxgk-crawler/0.1 (archives government information-disclosure annual reports)"


@dataclass(frozen=True)
class CrawlSettings:
    """How hard, how long and how much the crawler may fetch.

    Defaults are for real government sites: one request per second per host, generous timeouts
    (many agency servers are slow), a size cap far above any real report but far below a runaway
    download.
    """

    user_agent: str = DEFAULT_USER_AGENT
    robots_agent: str = "xxgk"  # the token matched against robots.txt User-agent lines
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 30.0  # longest silence between two chunks
    total_timeout_seconds: float = 300.0  # whole request, so a trickling server cannot hold us forever
    retries: int = 3  # extra attempts after a 5xx, 429, timeout or connection error
    backoff_seconds: float = 1.0  # first retry delay; doubles each attempt
    max_backoff_seconds: float = 60.0  # also caps a server's Retry-After
    min_interval_seconds: float = 1.0  # per host, between request starts
    max_crawl_delay_seconds: float = 30.0  # robots.txt Crawl-delay is honoured up to this
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    max_pages: int = 20  # list pages per source when the source does not say
    max_requests: int = 2000  # per source: a runaway-crawl safety net
    article_keywords: tuple[str, ...] = ("年度报告", "年报", "信息公开工作")
    trust_env: bool = True  # honour HTTP(S)_PROXY / NO_PROXY from the environment
    progress: bool | None = None  # None: show rich progress only on a terminal outside CI

    def __post_init__(self) -> None:
        positive = {
            "connect_timeout_seconds": self.connect_timeout_seconds,
            "read_timeout_seconds": self.read_timeout_seconds,
            "total_timeout_seconds": self.total_timeout_seconds,
            "max_bytes": self.max_bytes,
            "max_pages": self.max_pages,
            "max_requests": self.max_requests,
        }
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"CrawlSettings.{name} must be positive, not {value!r}")
        non_negative = {
            "retries": self.retries,
            "backoff_seconds": self.backoff_seconds,
            "max_backoff_seconds": self.max_backoff_seconds,
            "min_interval_seconds": self.min_interval_seconds,
            "max_crawl_delay_seconds": self.max_crawl_delay_seconds,
            "max_redirects": self.max_redirects,
        }
        for name, value in non_negative.items():
            if value < 0:
                raise ValueError(f"CrawlSettings.{name} must not be negative, not {value!r}")
        if not self.user_agent.strip() or not self.robots_agent.strip():
            raise ValueError("CrawlSettings.user_agent and robots_agent must not be empty")
        if not self.article_keywords or not all(k.strip() for k in self.article_keywords):
            raise ValueError("CrawlSettings.article_keywords must be non-empty strings")
