"""`xxgk export --format parquet|csv --out DIR [--warehouse FILE]`: every relation to files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.settings import default_warehouse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write every table and view of the warehouse to Parquet or CSV files",
        description="Export every relation (tables, marts and views) to DIR/<relation>.<format>, "
        "reading through a read-only connection. Exit status 1 when the warehouse cannot be read.",
    )
    parser.add_argument("--format", choices=("parquet", "csv"), required=True, help="file format")
    parser.add_argument("--out", required=True, type=Path, help="folder to write into (created if missing)")
    parser.add_argument("--warehouse", help="DuckDB file (default: $XXGK_WAREHOUSE or data/xxgk.duckdb)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.connection import WarehouseError
    from warehouse.export import export_relations

    path = args.warehouse or default_warehouse()
    try:
        written = export_relations(Path(path), args.out, args.format)
    except (WarehouseError, duckdb.Error, OSError) as exc:
        print(f"xxgk export: {path}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    for relation, file in written.items():
        print(f"{relation:<28} {file}")
    return 0
