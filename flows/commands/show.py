"""`xxgk show REPORT KEY [--png OUT.png]`: a number, its raw text, where it is printed, the rules about it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.settings import default_warehouse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "show",
        help="show where one number of a report comes from (value, raw text, page/bbox, rules, image)",
        description="Print one cell of one report from the warehouse (read-only): value, raw text, file, PDF "
        "page and bbox or HTML/DOCX table/row/column, and every rule whose evidence involves it. REPORT is a "
        "report_id, a sha256 prefix or 'AGENCY YEAR'; KEY is SECTION.ROW.COLUMN as in the cells table "
        "(e.g. 3.new_requests.total) or a flat key from check_results.cells. Exit 1 when the report or "
        "cell is not found, 2 when there is no warehouse.",
    )
    parser.add_argument("report", metavar="REPORT", help="report_id, sha256 prefix, or 'AGENCY YEAR'")
    parser.add_argument("key", metavar="KEY", help="cell key, e.g. 3.new_requests.total")
    parser.add_argument("--png", type=Path, metavar="OUT.png",
                        help="draw the cell where it is printed, boxed (PDF: the page region; HTML/DOCX: its row)")
    parser.add_argument("--warehouse", metavar="FILE", help="DuckDB file (default $XXGK_WAREHOUSE or data/xxgk.duckdb)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from flows.terminal import warehouse_error
    from warehouse.connection import WarehouseError, open_readonly
    from warehouse.provenance import NotFound, find_cell, find_report, row_cells

    path = args.warehouse or default_warehouse()
    try:
        with open_readonly(path) as con:
            report = find_report(con, args.report)
            cell = find_cell(con, report, args.key)
            row = row_cells(con, report, cell) if cell.page is None else []
    except WarehouseError as exc:
        return warehouse_error("show", exc)
    except NotFound as exc:
        print(f"xxgk show: {exc}", file=sys.stderr)
        return 1
    location = (f"page {cell.page}, bbox {cell.bbox} (points: x0, top, x1, bottom)" if cell.page is not None
                else f"table {cell.table_no}, row {cell.row_no}, column {cell.col_no} (0-based)")
    print(f"report   {report.report_id}  {report.agency} {report.year}  ({report.status}, {report.format})")
    print(f"cell     {cell.key}  {cell.row_label or ''} › {cell.col_label or ''}")
    print(f"value    {'NULL' if cell.value is None else _number(cell.value)}")
    print(f"raw      {cell.raw!r}" + (f"  flags {', '.join(cell.flags)}" if cell.flags else ""))
    print(f"source   {report.source}")
    if report.archive_path and report.archive_path != report.source:
        print(f"archive  {report.archive_path}")
    print(f"where    {location}")
    for rule in cell.rules or []:
        print(f"rule     {rule.rule} {rule.status} ({rule.severity}): {rule.detail}")
    if not cell.rules:
        print("rule     no failing or uncertain rule names this cell (passing results list no cells)")
    if args.png:
        return _write_png(args.png, report, cell, row)
    return 0


def _number(value: object) -> str:
    from decimal import Decimal

    return str(int(value)) if isinstance(value, Decimal) and value == value.to_integral_value() else str(value)


def _write_png(out: Path, report: object, cell: object, row: list) -> int:
    from warehouse.cell_image import render_pdf_cell, render_row_cell
    from warehouse.provenance import CellRef, NotFound, ReportRef

    assert isinstance(report, ReportRef) and isinstance(cell, CellRef)
    try:
        image = (render_pdf_cell(report.file(), report, cell) if cell.page is not None
                 else render_row_cell(report, cell, row))
    except (NotFound, ValueError, OSError) as exc:
        print(f"xxgk show: {exc}", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    print(f"image    {out}")
    return 0
