"""Small questions the flows ask the warehouse: which files it has seen, the first comparison.

Each reads through a short-lived read-only connection, so it is safe while a load runs, and
answers "nothing known" for a warehouse that does not exist yet.
"""

from __future__ import annotations

from pathlib import Path

from warehouse.connection import open_readonly


def known_sha256(warehouse: Path | str) -> set[str]:
    """Every file version the warehouse has seen (loaded, superseded or quarantined): never re-extract these."""
    if not Path(warehouse).exists():
        return set()
    with open_readonly(warehouse) as con:
        if not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'documents'").fetchall():
            return set()
        return {sha for (sha,) in con.execute("SELECT DISTINCT sha256 FROM documents").fetchall()}


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
