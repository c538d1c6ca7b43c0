"""`xxgk query "SQL" [--warehouse FILE] [--format table|csv|json] [--max-width N]`: read-only SQL."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flows.settings import default_warehouse

FORMATS = ("table", "csv", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "query",
        help="run read-only SQL on the warehouse and print the result",
        description="Run one SQL query on a read-only connection (a running `xxgk run` is not disturbed). "
        "On a terminal the result is a table fitted to its width like the DuckDB CLI (wide values and "
        "columns cut with …); piped or redirected, the default is CSV with every row and column. json "
        "prints one object per row (JSON Lines). Exit status 1 when the query fails, 2 when there is no "
        "warehouse.",
    )
    parser.add_argument("sql", help='the query, e.g. "SELECT * FROM township_comparison LIMIT 5"')
    parser.add_argument("--warehouse", help="DuckDB file (default: $XXGK_WAREHOUSE or data/xxgk.duckdb)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="output format (default: table on a terminal, csv when piped)")
    parser.add_argument("--max-rows", type=int, default=40, help="rows shown by the table format (default: 40)")
    parser.add_argument("--max-width", type=int, default=None,
                        help="width of the table format in characters (default: the terminal's)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from flows.terminal import terminal_width, warehouse_error
    from warehouse.connection import SEALED_HINT, WarehouseError, is_refused_access, open_sealed

    path = args.warehouse or default_warehouse()
    file_format = args.format or ("table" if sys.stdout.isatty() else "csv")
    try:
        with open_sealed(path) as con:
            relation = con.sql(args.sql)
            if relation is None:
                print(f"xxgk query: {path}: the statement returned no rows to print.", file=sys.stderr)
                return 0
            if file_format == "table":
                relation.show(max_width=args.max_width or terminal_width(), max_rows=args.max_rows)
                return 0
            columns = relation.columns
            rows = relation.fetchall()
    except (WarehouseError, duckdb.Error) as exc:
        if is_refused_access(exc):
            print(f"xxgk query: {path}: {exc}".splitlines()[0], file=sys.stderr)
            print(f"xxgk query: {SEALED_HINT}.", file=sys.stderr)
            return 1
        return warehouse_error("query", WarehouseError(f"{path}: {exc}") if isinstance(exc, duckdb.Error) else exc)
    if file_format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=_json_value))
    return 0


def _json_value(value: Any) -> Any:
    """Decimals stay numbers (integers when whole), times become ISO strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
