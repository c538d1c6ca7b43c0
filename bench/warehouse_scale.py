"""Warehouse at scale: load N synthetic reports, then time the analyst queries and print the figures.

    .venv/bin/python bench/warehouse_scale.py [--reports 100000] [--warehouse /tmp/xxgk-scale.duckdb]

Prints load time, query times (township_comparison for one county must answer in < 1 s) and the
file size. The reports are generated straight into the warehouse (warehouse/synthetic.py).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from warehouse.connection import open_readonly
from warehouse.synthetic import SyntheticSettings, generate


def timed(con, sql: str, params: list[object], repeats: int = 5) -> tuple[float, int]:
    """Median wall time of `repeats` runs (the first one included) and the row count."""
    times, rows = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        rows = len(con.execute(sql, params).fetchall())
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--warehouse", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.warehouse or Path(tmp) / "scale.duckdb"
        path.unlink(missing_ok=True)
        start = time.perf_counter()
        generate(path, SyntheticSettings(args.reports))
        load_seconds = time.perf_counter() - start
        print(f"reports loaded:        {args.reports:,} in {load_seconds:.1f} s "
              f"({args.reports / load_seconds:,.0f} reports/s, marts included)")
        print(f"file size:             {path.stat().st_size / 2**20:,.1f} MiB")
        with open_readonly(path) as con:
            cells = con.execute("SELECT count(*) FROM cells").fetchone()
            print(f"cells:                 {cells[0] if cells else 0:,}")
            county, year = con.execute(
                "SELECT county_code, max(year) FROM agency_year GROUP BY county_code ORDER BY count(*) DESC LIMIT 1"
            ).fetchone() or (None, None)
            report_id = con.execute("SELECT report_id FROM agency_year WHERE county_code = ? LIMIT 1",
                                    [county]).fetchone()
            queries = {
                "township_comparison, one county, all years":
                    ("SELECT * FROM township_comparison WHERE county_code = ?", [county]),
                "township_comparison, one county, one year":
                    ("SELECT * FROM township_comparison WHERE county_code = ? AND year = ?", [county, year]),
                "year_over_year, one county":
                    ("SELECT * FROM year_over_year WHERE county_key = ?", [county]),
                "agency_year, sum by province and year":
                    ("SELECT province, year, sum(new_requests) FROM agency_year GROUP BY ALL", []),
                "requests_wide, one report":
                    ("SELECT * FROM requests_wide WHERE report_id = ?", [report_id[0] if report_id else None]),
                "cells, one report":
                    ("SELECT * FROM cells WHERE report_id = ?", [report_id[0] if report_id else None]),
            }
            for label, (sql, params) in queries.items():
                seconds, rows = timed(con, sql, params)
                print(f"{label:<45} {seconds * 1000:8.1f} ms  ({rows} rows)")


if __name__ == "__main__":
    main()
