"""Agency websites to crawl: the `[[source]]` tables of a sources file (docs/contract.md §2)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import httpx

_KNOWN_KEYS = frozenset({"name", "start_url", "agency", "region", "max_pages"})


@dataclass(frozen=True)
class Source:
    """One agency site: where its 信息公开年报 column starts and what we know about its owner."""

    name: str
    start_url: str
    agency: str | None = None
    region: str | None = None
    max_pages: int | None = None  # list pages to follow; None means CrawlSettings.max_pages

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError(f"source for {self.start_url!r} has an empty name")
        url = httpx.URL(self.start_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"source {self.name!r}: start_url {self.start_url!r} is not an http(s) URL")
        if self.max_pages is not None and (isinstance(self.max_pages, bool) or self.max_pages < 1):
            raise ValueError(f"source {self.name!r}: max_pages must be a positive integer, not {self.max_pages!r}")

    @property
    def host(self) -> str:
        """The only host this source's crawl may fetch from."""
        return httpx.URL(self.start_url).host


def source_from_url(url: str) -> Source:
    """A source for `xxgk run --source URL`: named after its host, nothing else known."""
    return Source(name=httpx.URL(url).host or url, start_url=url)


def load_sources(path: Path) -> list[Source]:
    """Read every `[[source]]` table of a TOML file; reject typos and duplicate names loudly."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read sources file: {error}") from error
    tables = document.get("source")
    if not isinstance(tables, list) or not tables:
        raise ValueError(f"{path}: no [[source]] tables found")
    sources: list[Source] = []
    for number, table in enumerate(tables, start=1):
        sources.append(_source_from_table(path, number, table))
    names = [source.name for source in sources]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"{path}: source names must be unique, repeated: {', '.join(duplicates)}")
    return sources


def _source_from_table(path: Path, number: int, table: dict[str, object]) -> Source:
    where = f"{path}: [[source]] #{number}"
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise ValueError(f"{where} has unknown keys {unknown} (allowed: {sorted(_KNOWN_KEYS)})")
    for required in ("name", "start_url"):
        if not isinstance(table.get(required), str):
            raise ValueError(f"{where} needs a string {required!r}")
    for optional in ("agency", "region"):
        if table.get(optional) is not None and not isinstance(table[optional], str):
            raise ValueError(f"{where}: {optional!r} must be a string")
    max_pages = table.get("max_pages")
    if max_pages is not None and not isinstance(max_pages, int):
        raise ValueError(f"{where}: 'max_pages' must be an integer")
    try:
        return Source(
            name=str(table["name"]),
            start_url=str(table["start_url"]),
            agency=_optional_str(table.get("agency")),
            region=_optional_str(table.get("region")),
            max_pages=max_pages,
        )
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from error


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
