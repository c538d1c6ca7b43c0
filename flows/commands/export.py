"""`xxgk export --format parquet|csv|xlsx --out DIR [--labels zh] [--relation NAME]`: relations to files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.settings import default_warehouse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the tables and views of the warehouse to Parquet, CSV or Excel files",
        description="Export every relation (tables, marts and views), or those named with --relation, to "
        "DIR/<relation>.<format>, reading through a read-only connection. CSV starts with a UTF-8 byte-order "
        "mark so Excel shows Chinese text (--no-bom for plain UTF-8); xlsx writes one workbook per relation. "
        "Exit status 1 when a relation could not be written, 2 when there is no warehouse.",
    )
    parser.add_argument("--format", choices=("parquet", "csv", "xlsx"), required=True, help="file format")
    parser.add_argument("--out", required=True, type=Path, help="folder to write into (created if missing)")
    parser.add_argument("--labels", choices=("keys", "zh"), default="keys",
                        help="column headers: the warehouse's keys (default) or the form's Chinese labels")
    parser.add_argument("--relation", action="append", metavar="NAME",
                        help="export only this relation (repeatable), e.g. --relation agency_year")
    parser.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte-order mark")
    parser.add_argument("--warehouse", help="DuckDB file (default: $XXGK_WAREHOUSE or data/xxgk.duckdb)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from flows.terminal import warehouse_error
    from warehouse.connection import WarehouseError
    from warehouse.export import ExportSettings, export_relations

    path = args.warehouse or default_warehouse()
    settings = ExportSettings(args.format, labels=args.labels, csv_bom=not args.no_bom,
                              relations=tuple(args.relation) if args.relation else None)
    try:
        written, skipped = export_relations(Path(path), args.out, settings)
    except (WarehouseError, duckdb.Error, OSError, ValueError) as exc:
        return warehouse_error("export", exc if isinstance(exc, WarehouseError) else WarehouseError(f"{path}: {exc}"))
    for relation, file in written.items():
        print(f"{relation:<28} {file}")
    for relation, reason in skipped.items():
        print(f"xxgk export: {relation} not written: {reason}", file=sys.stderr)
    return 1 if skipped else 0
