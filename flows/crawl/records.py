"""What a crawl hands back: the fetch log, the report files found, and what was left alone."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path


class LinkKind(StrEnum):
    """Why a URL is fetched; it decides what the crawler does with the answer."""

    ROBOTS = "robots"
    LISTING = "listing"  # a page of the 年报 column: yields pagination, articles, attachments
    ARTICLE = "article"  # one report's page: the report inline, or attachment links
    ATTACHMENT = "attachment"  # a report file (PDF, DOC, DOCX, WPS, XLS, or an .html file)


@dataclass(frozen=True)
class Link:
    """A URL found on a page, with why it is wanted and the text that pointed at it."""

    url: str
    kind: LinkKind
    text: str = ""
    context: str = ""  # the text of the link that led to the page this link is on

    @property
    def title_hint(self) -> str | None:
        """The text most likely to name the report: the link's own, unless the referrer's says more."""
        if self.context and not any(word in self.text for word in ("报告", "年报")):
            return self.context
        return self.text or self.context or None


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP request as the warehouse `fetches` relation logs it (one row per request)."""

    source: str
    url: str
    kind: LinkKind
    fetched_at: datetime  # UTC, when the request started
    status: int | None = None  # None when no response arrived
    bytes: int = 0  # body bytes received (decoded), also for a download cut off at the cap
    sha256: str | None = None  # of the complete body, None when there is none
    error: str | None = None  # one sentence; None when the request did what it should
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: int = 0

    def to_row(self) -> dict[str, object]:
        """A plain dict for a DataFrame or an INSERT."""
        row = asdict(self)
        row["kind"] = str(self.kind)
        return row


@dataclass(frozen=True)
class ReportFile:
    """A new or changed report file, archived and ready for extraction."""

    path: Path  # in the content-addressed archive
    url: str
    sha256: str
    source: str
    format: str  # file extension without dot: pdf, docx, doc, wps, xls, html
    title: str | None = None  # link text, referring link text or page title: a hint for year and agency
    agency: str | None = None  # from the sources file, when given
    region: str | None = None


@dataclass(frozen=True)
class SkippedLink:
    """A link the crawler chose not to fetch, and why (off-host, robots.txt, page limit)."""

    url: str
    reason: str


@dataclass
class CrawlResult:
    """Everything one source's crawl produced."""

    source: str
    reports: list[ReportFile] = field(default_factory=list)
    fetches: list[FetchRecord] = field(default_factory=list)
    unchanged: int = 0  # report files answered 304 or with a sha256 seen before
    skipped: list[SkippedLink] = field(default_factory=list)
    errors: list[FetchRecord] = field(default_factory=list)  # final failures, after retries

    @property
    def fetched_urls(self) -> list[str]:
        """Every URL requested, in order, once per request (retries and redirects included)."""
        return [record.url for record in self.fetches]
