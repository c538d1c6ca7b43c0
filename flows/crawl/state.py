"""What the last crawl learned, so the next one asks only for what changed.

The warehouse `fetches` table is the authoritative log; this JSON file is a cache of it that
also remembers each page's links (so a 304 on a list page still leads to its articles).
Losing it costs one full re-download, never data: `CrawlState.from_fetches` rebuilds it.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from flows.crawl.records import FetchRecord, Link, LinkKind

STATE_FORMAT_VERSION = 1


def state_file(data_dir: Path) -> Path:
    """Where the crawl state lives inside the data folder."""
    return data_dir / "crawl-state.json"


@dataclass(frozen=True)
class UrlMemo:
    """Validators and content hash of a URL's last good answer, and what it turned out to be."""

    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    links: tuple[Link, ...] | None = None  # a page's links; None: not a page, or links unknown
    report: bool = False  # the answer was a report file (attachment or inline HTML report)

    @property
    def answers_304(self) -> bool:
        """Whether a 304 for this URL tells us all we need: validators, and links or a known report."""
        has_validators = self.etag is not None or self.last_modified is not None
        return has_validators and (self.links is not None or self.report)

    def conditional_headers(self) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for a conditional GET, when a 304 would be enough."""
        if not self.answers_304:
            return {}
        headers = {"If-None-Match": self.etag} if self.etag else {}
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"etag": self.etag, "last_modified": self.last_modified,
                                   "sha256": self.sha256, "report": self.report}
        if self.links is not None:
            data["links"] = [[link.url, str(link.kind), link.text, link.context] for link in self.links]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> UrlMemo:
        raw_links = data.get("links")
        links = None
        if isinstance(raw_links, list):
            links = tuple(Link(str(url), LinkKind(kind), str(text), str(context))
                          for url, kind, text, context in raw_links)
        return cls(_str_or_none(data.get("etag")), _str_or_none(data.get("last_modified")),
                   _str_or_none(data.get("sha256")), links, bool(data.get("report", False)))


class CrawlState:
    """Per-URL memos plus the sha256 of every report already handed out for extraction.

    Thread-safe, so sources crawled in parallel threads can share one state. Save it only after
    the reports it lists were loaded: a state saved too early would hide a report whose load failed.
    """

    def __init__(self, urls: Mapping[str, UrlMemo] | None = None, reported: Iterable[str] = ()) -> None:
        self._urls: dict[str, UrlMemo] = dict(urls or {})
        self._reported: set[str] = set(reported)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ persistence
    @classmethod
    def load(cls, path: Path) -> CrawlState:
        """The state saved at `path`, or an empty one when there is no file yet."""
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_FORMAT_VERSION:
                raise ValueError(f"unknown version {data.get('version')!r}")
            urls = {url: UrlMemo.from_json(memo) for url, memo in data["urls"].items()}
            return cls(urls, data["reported"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"{path}: unreadable crawl state ({error}); delete it to start afresh") from error

    def save(self, path: Path) -> None:
        """Write atomically, so a crash mid-write leaves the previous state intact."""
        with self._lock:
            data = {
                "version": STATE_FORMAT_VERSION,
                "urls": {url: memo.to_json() for url, memo in sorted(self._urls.items())},
                "reported": sorted(self._reported),
            }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
        os.replace(tmp, path)

    @classmethod
    def from_fetches(cls, rows: Iterable[Mapping[str, object]], reported: Iterable[str] = ()) -> CrawlState:
        """Rebuild from `fetches` rows (oldest first) and the sha256s in the `reports` table.

        Page links are not in the log, so rebuilt pages are fetched unconditionally once.
        """
        urls: dict[str, UrlMemo] = {}
        for row in rows:
            if row.get("status") == 200 and not row.get("error") and row.get("sha256"):
                urls[str(row["url"])] = UrlMemo(_str_or_none(row.get("etag")), _str_or_none(row.get("last_modified")),
                                                _str_or_none(row.get("sha256")))
        return cls(urls, reported)

    def merge(self, other: CrawlState) -> None:
        """Take in what another crawl (e.g. on a Dask worker) learned; its newer memos win."""
        with other._lock:
            urls, reported = dict(other._urls), set(other._reported)
        with self._lock:
            self._urls.update(urls)
            self._reported |= reported

    # ------------------------------------------------------------------ queries and updates
    def memo(self, url: str) -> UrlMemo | None:
        with self._lock:
            return self._urls.get(url)

    def remember(self, url: str, record: FetchRecord, *, links: Iterable[Link] | None = None,
                 report: bool = False) -> None:
        """Store a good answer for `url` (the record may be a redirect target's)."""
        memo = UrlMemo(record.etag, record.last_modified, record.sha256,
                       tuple(links) if links is not None else None, report)
        with self._lock:
            self._urls[url] = memo

    def is_reported(self, sha256: str) -> bool:
        with self._lock:
            return sha256 in self._reported

    def mark_reported(self, sha256: str) -> None:
        with self._lock:
            self._reported.add(sha256)

    def __len__(self) -> int:
        with self._lock:
            return len(self._urls)


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)
