"""`xxgk checks [--report ID] [--warehouse FILE] [--all]`: the rules a report failed, as a table."""

from __future__ import annotations

import argparse
import sys

from flows.settings import default_warehouse

_QUERY = """
SELECT c.report_id, r.agency, r.year, r.source, c.rule, c.status, c.severity, c.detail
FROM check_results c LEFT JOIN reports r USING (report_id)
WHERE (? OR c.status = 'fail') AND (? IS NULL OR c.report_id = ? OR r.sha256 LIKE ? || '%')
ORDER BY r.agency, r.year, c.report_id, c.rule
"""
_STATUS_STYLE = {"fail": "bold red", "uncertain": "yellow", "pass": "green"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "checks",
        help="print the consistency rules that failed, from the warehouse (read-only)",
        description="Print failing rules (docs/format.md §5) with their evidence from the warehouse's check_results, "
        "joined to the report's agency, year and source. The warehouse is opened read-only.",
    )
    parser.add_argument("--report", metavar="ID", help="only this report (report_id, or a sha256 prefix)")
    parser.add_argument("--warehouse", metavar="FILE", help="DuckDB file (default $XXGK_WAREHOUSE or data/xxgk.duckdb)")
    parser.add_argument("--all", action="store_true", help="every result, also pass and uncertain")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from warehouse.connection import WarehouseError, open_readonly

    try:
        con = open_readonly(args.warehouse or default_warehouse())
    except WarehouseError as exc:
        print(f"xxgk checks: {exc}", file=sys.stderr)
        return 2
    with con:
        rows = con.execute(_QUERY, [args.all, args.report, args.report, args.report]).fetchall()
    console = Console(soft_wrap=False)
    if not rows:
        what = "results" if args.all else "failing rules"
        console.print(f"No {what}" + (f" for report {args.report}." if args.report else " in the warehouse."))
        return 0
    noun = "check result" if args.all else "failing rule"
    table = Table(title=f"{len(rows)} {noun}{'s' if len(rows) != 1 else ''}", show_lines=True)
    for column in ("report", "agency", "year", "rule", "status", "severity", "evidence", "source"):
        table.add_column(column, overflow="fold", no_wrap=column in ("report", "rule", "status"))
    for report_id, agency, year, source, rule, status, severity, detail in rows:
        table.add_row(
            report_id,
            agency or "?",
            str(year or "?"),
            rule,
            f"[{_STATUS_STYLE.get(status, '')}]{status}[/]",
            severity or "",
            detail or "",
            source or "",
        )
    console.print(table)
    return 0
