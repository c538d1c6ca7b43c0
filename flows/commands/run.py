"""`xxgk run`: the whole Prefect flow — read sources → extract → validate → load (docs/contract.md §2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands.extract import add_workers_argument
from flows.outcome import EXIT_STATUSES_HELP, EXIT_USAGE
from flows.settings import RunSettings, default_warehouse, prefect_environment


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the Prefect flow: read or crawl sources, extract, validate, load the warehouse",
        description="Run the whole flow on a folder of report files or on crawled agency sites. Re-running on "
        "the same inputs changes nothing; bad files are quarantined and the run goes on. A source fails when "
        "nothing could be read from it (a site's entry page cannot be fetched or yields no report file, a folder "
        "holds none): one 'WARNING <host or folder>: <reason>' line each. Flows report to PREFECT_API_URL, or "
        "to a local Prefect server started for the run (database in DATA/prefect/).",
        epilog=EXIT_STATUSES_HELP,
    )
    inputs = add_source_arguments(parser)
    # Throughput (docs/throughput.md): extraction workers, and re-extraction of the archive.
    inputs.add_argument("--reextract", action="store_true",
                        help="instead of reading sources: re-read every archived document an older extractor "
                        "version read, reload the reports that changed and print what changed")
    add_workers_argument(parser)
    parser.set_defaults(handler=run)


def add_source_arguments(parser: argparse.ArgumentParser) -> argparse._MutuallyExclusiveGroup:
    """The inputs and outputs `xxgk run` and `xxgk serve` share; returns the group of inputs."""
    inputs = parser.add_mutually_exclusive_group(required=True)
    inputs.add_argument("--source", help="a folder of report files, or a start URL (an agency's 年报 column)")
    inputs.add_argument("--sources", metavar="FILE.toml", help="a TOML file of [[source]] sites to crawl")
    parser.add_argument("--warehouse", default=None,
                        help=f"DuckDB file to load (default $XXGK_WAREHOUSE or {default_warehouse()})")
    parser.add_argument("--data", default=None,
                        help="data folder for the raw archive, crawl state and Data Docs (default $XXGK_DATA or data)")
    parser.add_argument("--dask", metavar="local|ADDRESS", default=None,
                        help="fetch and extract on Dask: 'local' starts a LocalCluster, an address such as "
                        "tcp://10.0.0.5:8786 uses an existing scheduler")
    return inputs


def usage_error(args: argparse.Namespace) -> str | None:
    """Why the inputs cannot work, checked before Prefect is imported; None when they can."""
    if args.sources is not None:
        from flows.crawl import load_sources

        try:
            load_sources(Path(args.sources))
        except ValueError as error:
            return str(error)
        return None
    if args.source.startswith(("http://", "https://")):
        from flows.crawl import source_from_url

        try:
            source_from_url(args.source)
        except ValueError as error:
            return str(error)
        return None
    return None if Path(args.source).is_dir() else f"--source {args.source}: not a folder or an http(s) URL"


def run(args: argparse.Namespace) -> int:
    if args.reextract:
        return reextract(args)
    problem = usage_error(args)
    if problem:
        print(f"xxgk run: {problem}")
        return EXIT_USAGE
    prefect_environment()
    from flows.pipeline import summary_of, xxgk_run
    from flows.prefect_server import LocalServerSettings, prefect_api

    settings = RunSettings.from_env(warehouse=args.warehouse, data_dir=args.data)
    local = LocalServerSettings.for_data_dir(settings.data_dir, ui=False, scheduler=False)
    with prefect_api(local, reuse_serving=True):
        summary = summary_of(xxgk_run(source=args.source, sources_file=args.sources, warehouse=args.warehouse,
                                      data_dir=args.data, dask=args.dask, workers=args.workers, return_state=True))
    print(f"files {summary.files}, unchanged {summary.skipped_unchanged}, loaded {summary.loaded} "
          f"({len(summary.new)} new, {len(summary.changed)} changed), quarantined {summary.quarantined}")
    if summary.fetches:
        print(f"requests {summary.fetches}, failed {len(summary.fetch_errors)}, "
              f"links not followed {summary.skipped_links}")
    print("reports by status: " + (", ".join(f"{k} {v}" for k, v in sorted(summary.statuses.items())) or "none new"))
    if summary.failed_rules:
        print("rules failed: " + ", ".join(f"{k} ×{v}" for k, v in sorted(summary.failed_rules.items())))
    for problem in summary.problems:
        print(f"  problem: {problem}")
    if settings.warehouse.exists():
        print_comparison(settings.warehouse)
    print_where_things_are(settings)
    for warning in summary.warnings():
        print(warning, file=sys.stderr)
    return summary.exit_status


def print_where_things_are(settings: RunSettings) -> None:
    """The files a run wrote, and the next command when the warehouse holds invalid reports."""
    docs = settings.data_dir / "docs" / "index.html"
    print(f"\nwarehouse: {settings.warehouse.resolve()}" + ("" if settings.warehouse.exists() else " (not created)"))
    print(f"Data Docs: {docs.resolve()}" + ("" if docs.exists() else " (not built yet: no report validated)"))
    invalid = invalid_reports(settings.warehouse)
    if invalid:
        are = "reports are" if invalid > 1 else "report is"
        print(f"{invalid} {are} invalid; see which rules failed: xxgk checks --warehouse {settings.warehouse}")


def invalid_reports(warehouse: Path) -> int:
    from warehouse.connection import open_readonly

    if not warehouse.exists():
        return 0
    with open_readonly(warehouse) as con:
        if not con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name = 'reports'").fetchall():
            return 0
        return len(con.execute("SELECT report_id FROM reports WHERE status = 'invalid'").fetchall())


def reextract(args: argparse.Namespace) -> int:
    """`--reextract`: the archive read again by this extractor, and what changed."""
    prefect_environment()
    from flows.prefect_server import LocalServerSettings, prefect_api
    from flows.reextract import xxgk_reextract

    settings = RunSettings.from_env(warehouse=args.warehouse, data_dir=args.data)
    with prefect_api(LocalServerSettings.for_data_dir(settings.data_dir, ui=False, scheduler=False),
                     reuse_serving=True):
        summary = xxgk_reextract(warehouse=args.warehouse, data_dir=args.data, workers=args.workers)
    print("\n".join(summary.lines()))
    return 0


def print_comparison(warehouse: Path) -> None:
    """Requests received, granted and refused per agency-year: the comparison users ask for first."""
    from warehouse.reads import COMPARISON_COLUMNS, agency_comparison

    print("\n" + " | ".join(COMPARISON_COLUMNS))
    for row in agency_comparison(warehouse):
        print(" | ".join("—" if v is None else str(v) for v in row))
