"""Crawl one agency site: list pages → article pages → report files, politely and only once.

Synchronous on purpose: requests to one host are serialised by the rate limit anyway, so
async would buy nothing within a source; parallelism comes from running sources side by side
(Prefect task runners, Dask workers), which call plain functions most simply.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx

from flows.crawl.archive import archive_bytes
from flows.crawl.crawl_settings import CrawlSettings
from flows.crawl.fetch import Fetched, Fetcher, FetchOutcome, make_client
from flows.crawl.filetypes import ATTACHMENT_EXTENSIONS, mismatch_reason, report_extension, sniff, url_extension
from flows.crawl.links import article_links, is_inline_report, listing_links, parse_page
from flows.crawl.progress import CrawlProgress, progress_wanted
from flows.crawl.ratelimit import HostRateLimiter
from flows.crawl.records import CrawlResult, Link, LinkKind, ReportFile, SkippedLink
from flows.crawl.robots import RobotsPolicy, robots_policy, robots_url
from flows.crawl.sources import Source
from flows.crawl.state import CrawlState, UrlMemo

log = logging.getLogger(__name__)


def crawl(
    source: Source,
    archive_dir: Path,
    state: CrawlState,
    settings: CrawlSettings | None = None,
    *,
    client: httpx.Client | None = None,
    limiter: HostRateLimiter | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> CrawlResult:
    """Fetch what is new or changed on `source`, archive its report files under `archive_dir`.

    Never raises for a bad site: every failure ends as a fetch record with an error and the crawl
    goes on. `state` is updated in place; save it once the returned reports are loaded. Pass a
    shared `limiter` when several crawls may hit the same host at once.
    """
    settings = settings or CrawlSettings()
    limiter = limiter or HostRateLimiter(settings.min_interval_seconds)
    own_client = client is None
    http = client or make_client(settings)
    try:
        fetcher = Fetcher(http, settings, limiter, source.name, sleep)
        return _SourceCrawl(source, archive_dir, state, settings, fetcher).run()
    finally:
        if own_client:
            http.close()


class _SourceCrawl:
    """The bookkeeping of one crawl: queue, seen URLs, page budget, the growing result."""

    def __init__(self, source: Source, archive_dir: Path, state: CrawlState, settings: CrawlSettings,
                 fetcher: Fetcher) -> None:
        self.source = source
        self.archive_dir = archive_dir
        self.state = state
        self.settings = settings
        self.fetcher = fetcher
        self.result = CrawlResult(source.name)
        self.queue: deque[Link] = deque()
        self.seen: set[str] = set()
        self.listings_queued = 0
        self.max_listings = source.max_pages or settings.max_pages
        self.robots: dict[str, RobotsPolicy] = {}  # robots.txt URL → its policy, one per origin (host and port)

    def run(self) -> CrawlResult:
        with CrawlProgress(self.source.name, progress_wanted(self.settings.progress)) as progress:
            self._robots_for(self.source.start_url)
            self._enqueue(Link(self.source.start_url, LinkKind.LISTING, ""))
            while self.queue:
                if len(self.result.fetches) >= self.settings.max_requests:
                    reason = f"request cap of {self.settings.max_requests} reached"
                    self.result.skipped.extend(SkippedLink(link.url, reason) for link in self.queue)
                    break
                link = self.queue.popleft()
                self._visit(link)
                progress.update(link.url, len(self.result.fetches), len(self.result.reports), len(self.result.errors))
        log.info("%s: %d requests, %d new or changed reports, %d unchanged, %d skipped, %d errors",
                 self.source.name, len(self.result.fetches), len(self.result.reports), self.result.unchanged,
                 len(self.result.skipped), len(self.result.errors))
        return self.result

    # ------------------------------------------------------------------ what may be fetched
    def _robots_for(self, url: str) -> RobotsPolicy:
        """The robots.txt of `url`'s origin: the same host on another port is another site (RFC 9309 §2.3)."""
        location = robots_url(url)
        if location not in self.robots:
            self.robots[location] = self._read_robots(location)
        return self.robots[location]

    def _read_robots(self, location: str) -> RobotsPolicy:
        outcome = self.fetcher.get(location, LinkKind.ROBOTS, may_follow=self._off_host)
        final = outcome.final.record
        if final.status is not None and 400 <= final.status < 500:
            # No robots.txt is the normal case, not an error (RFC 9309 §2.3.1.3).
            outcome.records[-1] = replace(final, error=None)
        elif final.error is not None:
            self.result.errors.append(final)
        self.result.fetches.extend(outcome.records)
        policy = robots_policy(final.status, outcome.final.body)
        delay = policy.crawl_delay(self.settings.robots_agent)
        if delay is not None:
            # the limiter paces the host, whatever the port: the slowest origin's delay wins
            capped = min(delay, self.settings.max_crawl_delay_seconds)
            self.fetcher.crawl_delay_seconds = max(capped, self.fetcher.crawl_delay_seconds or 0.0)
        return policy

    def _off_host(self, url: str) -> str | None:
        try:
            host = httpx.URL(url).host
        except (httpx.InvalidURL, ValueError) as error:
            return f"invalid URL ({error})"
        return None if host == self.source.host else f"{host} is not the source's host {self.source.host}"

    def _refusal(self, url: str) -> str | None:
        """Why `url` must not be fetched, or None."""
        off_host = self._off_host(url)
        if off_host:
            return off_host
        if not self._robots_for(url).allows(url, self.settings.robots_agent):
            return "disallowed by robots.txt"
        return None

    def _may_follow(self, url: str) -> str | None:
        refusal = self._refusal(url)
        if refusal is None:
            self.seen.add(url)
        return refusal

    def _enqueue(self, link: Link) -> None:
        if link.url in self.seen:
            return
        self.seen.add(link.url)
        refusal = self._refusal(link.url)
        if refusal is None and link.kind is LinkKind.LISTING:
            if self.listings_queued >= self.max_listings:
                refusal = f"beyond max_pages ({self.max_listings} list pages)"
            else:
                self.listings_queued += 1
        if refusal is not None:
            self.result.skipped.append(SkippedLink(link.url, refusal))
        else:
            self.queue.append(link)

    # ------------------------------------------------------------------ fetching and reading
    def _visit(self, link: Link) -> None:
        memo = self.state.memo(link.url)
        headers = memo.conditional_headers() if memo is not None else {}
        outcome = self.fetcher.get(link.url, link.kind, headers, self._may_follow)
        self.result.fetches.extend(outcome.records)
        final = outcome.final
        if final.record.error is not None:
            self.result.errors.append(final.record)
        elif final.not_modified and memo is not None:
            self._reuse(memo)
        elif final.ok:
            self._read(link, outcome)

    def _reuse(self, memo: UrlMemo) -> None:
        """A 304: the page's links are as they were; a report file is unchanged."""
        if memo.report:
            self.result.unchanged += 1
        for child in memo.links or ():
            self._enqueue(child)

    def _read(self, link: Link, outcome: FetchOutcome) -> None:
        final = outcome.final
        served_as = url_extension(final.record.url) or url_extension(link.url)
        kind = sniff(final.body)
        declared_html = (final.record.content_type or "").lower().startswith("text/html")
        # HTML behind a .pdf link is an error page (refused below); any other HTML is a page.
        if served_as not in ATTACHMENT_EXTENSIONS and (kind == "html" or (kind is None and declared_html)):
            self._read_page(link, final)
            return
        extension = report_extension(final.body, served_as)
        problem = mismatch_reason(final.body, served_as)
        if problem is not None or extension is None:
            self._fail(outcome, problem or f"not a report file type (starts with {final.body[:8]!r})")
            return
        self.state.remember(link.url, final.record, report=True)
        self._report(link, final, extension, link.title_hint)

    def _read_page(self, link: Link, final: Fetched) -> None:
        page = parse_page(final.body, final.record.url, final.record.content_type)
        if link.kind is LinkKind.LISTING:
            children = listing_links(page, self.settings)
        else:
            children = [replace(child, context=link.text) for child in article_links(page)]
        inline = link.kind is not LinkKind.LISTING and is_inline_report(page)
        self.state.remember(link.url, final.record, links=children, report=inline)
        if inline:
            self._report(link, final, "html", link.title_hint or page.title)
        for child in children:
            self._enqueue(child)

    def _report(self, link: Link, final: Fetched, extension: str, title: str | None) -> None:
        digest = final.record.sha256
        assert digest is not None  # a complete 2xx body always has one
        if self.state.is_reported(digest):
            self.result.unchanged += 1
            return
        path, _ = archive_bytes(self.archive_dir, final.body, extension)
        self.result.reports.append(ReportFile(
            path=path, url=final.record.url, sha256=digest, source=self.source.name, format=extension,
            title=title, agency=self.source.agency, region=self.source.region,
        ))
        self.state.mark_reported(digest)

    def _fail(self, outcome: FetchOutcome, problem: str) -> None:
        """Turn a delivered-but-wrong answer into an error in the log."""
        failed = replace(outcome.final.record, error=problem)
        self.result.fetches[-1] = failed
        self.result.errors.append(failed)
