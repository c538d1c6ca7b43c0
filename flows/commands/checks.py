"""`xxgk checks [--report ID] [--warehouse FILE] [--all] [--cells]`: the rules a report failed, with evidence."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from typing import Any

from flows.settings import default_warehouse

_QUERY = """
SELECT c.report_id, r.agency, r.year, r.source, c.rule, c.status, c.severity, c.detail
FROM check_results c LEFT JOIN reports r USING (report_id)
WHERE (? OR c.status = 'fail') AND (? IS NULL OR c.report_id = ? OR r.sha256 LIKE ? || '%')
ORDER BY r.agency, r.year, c.report_id, c.rule
"""
_CELLS = """
SELECT report_id, rule, coalesce(section || '.' || row_key || '.' || col_key, cell), value, raw, page, bbox,
       table_no, row_no, col_no
FROM check_cells WHERE list_contains(?, report_id) ORDER BY report_id, rule, cell
"""
_STATUS_STYLE = {"fail": "bold red", "uncertain": "yellow", "pass": "green"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "checks",
        help="print the consistency rules that failed, from the warehouse (read-only)",
        description="Print failing rules (docs/format.md §5) with their evidence from the warehouse's check_results, "
        "joined to the report's agency, year and source. A table on a wide terminal, one block per result "
        "when the terminal is narrow or the output is piped. The warehouse is opened read-only; exit 2 "
        "when there is none.",
    )
    parser.add_argument("--report", metavar="ID", help="only this report (report_id, or a sha256 prefix)")
    parser.add_argument("--warehouse", metavar="FILE", help="DuckDB file (default $XXGK_WAREHOUSE or data/xxgk.duckdb)")
    parser.add_argument("--all", action="store_true", help="every result, also pass and uncertain")
    parser.add_argument("--cells", action="store_true",
                        help="under each result, the cells it involves: value, raw text and location")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from flows.terminal import NARROW_COLUMNS, terminal_width, warehouse_error
    from warehouse.connection import WarehouseError, open_readonly

    try:
        con = open_readonly(args.warehouse or default_warehouse())
    except WarehouseError as exc:
        return warehouse_error("checks", exc)
    with con:
        rows = con.execute(_QUERY, [args.all, args.report, args.report, args.report]).fetchall()
        cells = con.execute(_CELLS, [sorted({r[0] for r in rows})]).fetchall() if args.cells and rows else []
    if not rows:
        what = "results" if args.all else "failing rules"
        print(f"No {what}" + (f" for report {args.report}." if args.report else " in the warehouse."))
        return 0
    noun = "check result" if args.all else "failing rule"
    title = f"{len(rows)} {noun}{'s' if len(rows) != 1 else ''}"
    width = terminal_width(default=80)
    if args.cells or width < NARROW_COLUMNS:
        print_blocks(title, rows, cells, width)
    else:
        print_table(title, rows)
    return 0


def print_table(title: str, rows: Sequence[tuple[Any, ...]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=True)
    for column in ("report", "agency", "year", "rule", "status", "severity", "evidence", "source"):
        table.add_column(column, overflow="fold", no_wrap=column in ("report", "rule", "status"))
    for report_id, agency, year, source, rule, status, severity, detail in rows:
        table.add_row(report_id, agency or "?", str(year or "?"), rule,
                      f"[{_STATUS_STYLE.get(status, '')}]{status}[/]", severity or "", detail or "", source or "")
    Console(soft_wrap=False).print(table)


def print_blocks(title: str, rows: Sequence[tuple[Any, ...]], cells: Sequence[tuple[Any, ...]], width: int) -> None:
    """One block per result: a heading line, the evidence wrapped to the width, the source, the cells."""
    by_result: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for cell in cells:
        by_result.setdefault((cell[0], cell[1]), []).append(cell)
    wrap = textwrap.TextWrapper(width=max(width, 40), initial_indent="  ", subsequent_indent="  ")
    cell_wrap = textwrap.TextWrapper(width=max(width, 40), initial_indent="  · ", subsequent_indent="    ")
    print(title)
    for report_id, agency, year, source, rule, status, severity, detail in rows:
        print(f"\n{rule} {status} ({severity or '?'}) · {agency or '?'} {year or '?'} · report {report_id}")
        print(wrap.fill(detail or ""))
        print(wrap.fill(f"source: {source or '?'}"))
        for _, _, key, value, raw, page, bbox, table_no, row_no, col_no in by_result.get((report_id, rule), []):
            where = (f"page {page} bbox {bbox}" if page is not None
                     else f"table {table_no} row {row_no} col {col_no}" if table_no is not None else "not located")
            print(cell_wrap.fill(f"{key} = {_plain(value)} (raw {raw!r}), {where}"))
    if cells:
        print("\nSee a cell where it is printed: xxgk show REPORT KEY --png cell.png")


def _plain(value: object) -> str:
    from decimal import Decimal

    if value is None:
        return "NULL"
    return str(int(value)) if isinstance(value, Decimal) and value == value.to_integral_value() else str(value)
