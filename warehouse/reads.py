"""What the crawler asks the warehouse before fetching: conditional-GET validators and known files.

Both read through short-lived read-only connections, so they are safe while a load runs, and
both answer "nothing known" for a warehouse that does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warehouse.connection import open_readonly


@dataclass(frozen=True)
class FetchValidators:
    """The last successful response for a URL: send these back as If-None-Match / If-Modified-Since."""

    etag: str | None
    last_modified: str | None
    sha256: str | None


def latest_validators(warehouse: Path | str) -> dict[str, FetchValidators]:
    """URL → validators of its latest 200 response in `fetches`."""
    if not Path(warehouse).exists():
        return {}
    with open_readonly(warehouse) as con:
        rows = con.execute("""
            SELECT url, arg_max(etag, fetched_at), arg_max(last_modified, fetched_at), arg_max(sha256, fetched_at)
            FROM fetches WHERE status = 200 GROUP BY url""").fetchall()
    return {url: FetchValidators(etag, modified, sha) for url, etag, modified, sha in rows}


def known_sha256(warehouse: Path | str) -> set[str]:
    """Every file version the warehouse has seen (loaded, superseded or quarantined): never re-extract these."""
    if not Path(warehouse).exists():
        return set()
    with open_readonly(warehouse) as con:
        return {sha for (sha,) in con.execute("SELECT sha256 FROM documents").fetchall()}


COMPARISON_COLUMNS = ("agency", "level", "year", "status", "new_requests", "granted", "grant_rate",
                      "denied_total", "admin_review_total", "litigation_total")


def agency_comparison(warehouse: Path | str, limit: int = 10) -> list[tuple[object, ...]]:
    """The question users ask first: requests received, granted and refused per agency-year,
    invalid reports included but marked (from the `agency_year_all` mart), busiest first."""
    if not Path(warehouse).exists():
        return []
    with open_readonly(warehouse) as con:
        return con.execute(f"""
            SELECT agency, level, year, status, new_requests, granted, round(grant_rate, 3), denied_total,
                   admin_review_total, litigation_total
            FROM agency_year_all ORDER BY new_requests DESC NULLS LAST, agency, year LIMIT {int(limit)}
        """).fetchall()
