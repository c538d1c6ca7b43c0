"""`xxgk extract PATH... [--json]`: extract and check report files without touching any warehouse.

The output is docs/contract.md §1. Extraction and validation are composed here, not in
extractors/, which stays free of the rules (the layers are enforced by `lint-imports`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from expectations.validate import check_report
from extractors.extract import REPORT_SUFFIXES, extract_path
from extractors.report import CheckStatus, Report, Severity


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="extract report files (PDF, HTML, DOCX, text) and print them; no warehouse is touched",
        description="Extract one or more report files; a folder means every report file under it. "
        "Exit status 0 when every file was processed, whatever its status; 2 on a usage error.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders")
    parser.add_argument("--json", action="store_true", help="print one JSON object per file (JSON Lines)")
    parser.add_argument("--provenance", action="store_true",
                        help="with --json, add a `cells` list: raw text, flags and location of every value")
    parser.set_defaults(handler=run)


def report_files(paths: list[str]) -> Iterator[Path]:
    """Each path as given; folders expand to their report files, sorted for a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)
        else:
            yield path


def run(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        print(f"xxgk extract: {path}: no such file or folder", file=sys.stderr)
    for path in report_files([p for p in args.paths if p not in missing]):
        report = extract_and_check(path)
        if args.json:
            print(json.dumps(report.to_json(with_provenance=args.provenance), ensure_ascii=False), flush=True)
        else:
            print(summary_line(report), flush=True)
    return 2 if missing else 0


def extract_and_check(path: Path | str) -> Report:
    """One file → a Report with its checks and final status (what `xxgk extract` prints)."""
    return check_report(extract_path(path))


def summary_line(report: Report) -> str:
    """One human line: status, who, which year, how many cells, what failed."""
    agency = report.agency.name or "unknown agency"
    failed = sorted({c.rule for c in report.checks if c.status == CheckStatus.FAIL and c.severity == Severity.ERROR})
    parts = [f"{report.status:<11}", report.source, f"{agency} {report.year or '?'}",
             f"template {report.template or '?'}", f"{sum(c.value is not None for c in report.cells.values())} values"]
    if failed:
        parts.append("failed: " + ", ".join(failed))
    if report.errors:
        parts.append("; ".join(report.errors))
    return " | ".join(parts)
