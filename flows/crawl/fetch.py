"""One HTTP GET done carefully: streamed under a size cap and a deadline, never raising.

`fetch_once` is a single request, for callers (a Prefect task) that bring their own retries:
`Fetched.raise_for_retry()` turns a retryable answer into an exception. `Fetcher.get` adds what a
crawl needs on top: the per-host rate limit, retries with backoff, and redirects followed only
while they stay allowed (same host, robots.txt, no loop).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from flows.crawl.archive import sha256_hex
from flows.crawl.crawl_settings import CrawlSettings
from flows.crawl.ratelimit import HostRateLimiter
from flows.crawl.records import FetchRecord, LinkKind

_RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class RetryableFetchError(Exception):
    """A request failed in a way worth retrying (5xx, 429, timeout, connection error)."""

    def __init__(self, record: FetchRecord) -> None:
        super().__init__(f"{record.url}: {record.error}")
        self.record = record


@dataclass(frozen=True)
class Fetched:
    """The outcome of one request: its log record, plus the body when it is complete."""

    record: FetchRecord
    body: bytes = b""
    location: str | None = None  # absolute redirect target, for a 3xx
    retryable: bool = False
    retry_after_seconds: float | None = None

    @property
    def ok(self) -> bool:
        """A complete 2xx body arrived."""
        status = self.record.status
        return self.record.error is None and status is not None and 200 <= status < 300

    @property
    def not_modified(self) -> bool:
        return self.record.status == 304 and self.record.error is None

    def raise_for_retry(self) -> Fetched:
        """Raise RetryableFetchError when a retry might help; otherwise return self."""
        if self.retryable:
            raise RetryableFetchError(self.record)
        return self


def make_client(settings: CrawlSettings) -> httpx.Client:
    """An httpx client that never follows redirects itself (we check each hop)."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_seconds,
        read=settings.read_timeout_seconds,
        write=settings.read_timeout_seconds,
        pool=settings.connect_timeout_seconds,
    )
    return httpx.Client(
        headers={"User-Agent": settings.user_agent},
        timeout=timeout,
        follow_redirects=False,
        trust_env=settings.trust_env,
    )


def fetch_once(
    client: httpx.Client,
    url: str,
    *,
    source: str,
    kind: LinkKind,
    settings: CrawlSettings,
    validators: Mapping[str, str] | None = None,
) -> Fetched:
    """GET `url` once. Every failure becomes a record with an error; nothing is raised."""
    fetched_at = datetime.now(UTC)
    started = time.monotonic()
    partial = _Partial()
    try:
        with client.stream("GET", url, headers=dict(validators or {})) as response:
            partial.take_headers(response)
            _read_response(response, url, settings, started, partial)
    except httpx.TimeoutException as error:
        partial.fail(f"timed out ({type(error).__name__}) after {time.monotonic() - started:.1f} s", retryable=True)
    except httpx.TransportError as error:
        partial.fail(f"connection failed ({type(error).__name__}: {error})", retryable=True)
    except (httpx.InvalidURL, ValueError) as error:  # ValueError: e.g. a malformed IDNA host
        partial.fail(f"invalid URL ({error})", retryable=False)
    record = FetchRecord(
        source=source,
        url=url,
        kind=kind,
        fetched_at=fetched_at,
        status=partial.status,
        bytes=partial.received,
        sha256=sha256_hex(partial.body) if partial.complete_body else None,
        error=partial.error,
        content_type=partial.header("content-type"),
        etag=partial.header("etag"),
        last_modified=partial.header("last-modified"),
        elapsed_ms=round((time.monotonic() - started) * 1000),
    )
    body = partial.body if partial.complete_body else b""
    return Fetched(record, body, partial.location, partial.retryable, partial.retry_after_seconds)


class _Partial:
    """What is known about a response so far, filled in as it streams."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: httpx.Headers | None = None
        self.body = b""
        self.received = 0
        self.error: str | None = None
        self.retryable = False
        self.location: str | None = None
        self.retry_after_seconds: float | None = None

    @property
    def complete_body(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    def take_headers(self, response: httpx.Response) -> None:
        self.status = response.status_code
        self.headers = response.headers

    def header(self, name: str) -> str | None:
        return self.headers.get(name) if self.headers is not None else None

    def fail(self, error: str, *, retryable: bool) -> None:
        self.error = error
        self.retryable = retryable


def _read_response(response: httpx.Response, url: str, settings: CrawlSettings, started: float,
                   partial: _Partial) -> None:
    status = response.status_code
    if 300 <= status < 400 and status != 304:
        if "location" not in response.headers:
            partial.fail(f"HTTP {status} redirect without a Location header", retryable=False)
        else:
            partial.location = str(httpx.URL(url).join(response.headers["location"]))
        return
    if status == 304:
        return
    if status >= 400:
        partial.fail(f"HTTP {status} {response.reason_phrase}".strip(), retryable=status in _RETRYABLE_STATUSES)
        partial.retry_after_seconds = _retry_after_seconds(response.headers.get("retry-after"))
        return
    declared = _content_length(response.headers.get("content-length"))
    if declared is not None and declared > settings.max_bytes:
        partial.fail(_oversize(declared, settings.max_bytes, "announced"), retryable=False)
        return
    chunks: list[bytes] = []
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        partial.received += len(chunk)
        if partial.received > settings.max_bytes:
            partial.fail(_oversize(partial.received, settings.max_bytes, "received at least"), retryable=False)
            return
        if time.monotonic() - started > settings.total_timeout_seconds:
            partial.fail(f"took longer than {settings.total_timeout_seconds:g} s in total", retryable=True)
            return
    partial.body = b"".join(chunks)


def _oversize(size: int, cap: int, verb: str) -> str:
    return f"too large: {verb} {size:,} bytes, the cap is {cap:,}; download abandoned"


def _content_length(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class FetchOutcome:
    """Every request made for one URL (retries, redirect hops) and the final answer."""

    records: list[FetchRecord]
    final: Fetched


class Fetcher:
    """Requests for one source's crawl: rate-limited, retried, redirects checked hop by hop."""

    def __init__(
        self,
        client: httpx.Client,
        settings: CrawlSettings,
        limiter: HostRateLimiter,
        source: str,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.settings = settings
        self.limiter = limiter
        self.source = source
        self.crawl_delay_seconds: float | None = None  # from robots.txt, once it is known
        self._sleep = sleep

    def get(
        self,
        url: str,
        kind: LinkKind,
        validators: Mapping[str, str] | None = None,
        may_follow: Callable[[str], str | None] = lambda _: None,
    ) -> FetchOutcome:
        """GET with retries; follow a redirect only when `may_follow(target)` gives no reason against."""
        records: list[FetchRecord] = []
        chain = [url]
        attempt = 0
        while True:
            fetched = self._once(chain[-1], kind, validators)
            if fetched.retryable and attempt < self.settings.retries:
                records.append(fetched.record)
                self._sleep(self._backoff(attempt, fetched.retry_after_seconds))
                attempt += 1
                continue
            target = fetched.location
            refusal = self._refuse_redirect(chain, target, may_follow) if target is not None else None
            if refusal is not None:
                fetched = replace(fetched, record=replace(fetched.record, error=refusal), location=None)
            records.append(fetched.record)
            if fetched.location is None:
                return FetchOutcome(records, fetched)
            chain.append(fetched.location)
            attempt = 0

    def _once(self, url: str, kind: LinkKind, validators: Mapping[str, str] | None) -> Fetched:
        self.limiter.wait(httpx.URL(url).host, self.crawl_delay_seconds)
        return fetch_once(self.client, url, source=self.source, kind=kind, settings=self.settings,
                          validators=validators)

    def _backoff(self, attempt: int, retry_after_seconds: float | None) -> float:
        wanted = retry_after_seconds if retry_after_seconds is not None else self.settings.backoff_seconds * 2**attempt
        return min(wanted, self.settings.max_backoff_seconds)

    def _refuse_redirect(self, chain: list[str], target: str, may_follow: Callable[[str], str | None]) -> str | None:
        if target in chain:
            return f"redirect loop: {' -> '.join([*chain, target])}"
        if len(chain) > self.settings.max_redirects:
            return f"more than {self.settings.max_redirects} redirects, stopped at {target}"
        reason = may_follow(target)
        return f"redirect to {target} not followed: {reason}" if reason else None
