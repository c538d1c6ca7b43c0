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
from extractors.extract import REPORT_SUFFIXES
from extractors.report import CheckStatus, Report, Severity
from flows.extract_pool import ExtractJob, IsolationSettings, extraction_pool


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
    add_workers_argument(parser)
    parser.set_defaults(handler=run)


def add_workers_argument(parser: argparse.ArgumentParser) -> None:
    """`--workers N`: how many files are extracted at once, each in its own process (xxgk extract/run)."""
    parser.add_argument("--workers", type=_workers, default=None, metavar="N",
                        help="extract N files at once, each in its own worker process under a memory and time "
                        "limit (default: one per core, or $XXGK_WORKERS; 1 = one worker process)")


def _workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--workers needs a whole number of at least 1, not {text!r}")
    return int(text)


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
    jobs = (ExtractJob.of_path(path) for path in report_files([p for p in args.paths if p not in missing]))
    with extraction_pool(IsolationSettings.from_env(args.workers)) as pool:
        assert pool is not None
        for report in pool.map(jobs):
            _print(check_report(report), args)  # extraction in the pool, the rules here
    return 2 if missing else 0


def _print(report: Report, args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps(report.to_json(with_provenance=args.provenance), ensure_ascii=False), flush=True)
    else:
        print(summary_line(report), flush=True)


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
