"""The main Prefect flow: discover → extract → validate → load.

Orchestration only: every step calls a pure function of extractors/, expectations/ or
warehouse/. Extraction fans out (threads by default, Dask when asked); one loader task is the
only writer of the DuckDB file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from extractors.extract import REPORT_SUFFIXES, extract_path
from extractors.report import Report
from flows.settings import RunSettings
from warehouse.loader import LoadSummary, load_batch
from warehouse.rows import report_id_of


@dataclass
class RunSummary:
    """What a run did, for the CLI, the Prefect artifact and the tests."""

    files: int = 0
    skipped_unchanged: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    failed_rules: dict[str, int] = field(default_factory=dict)
    loaded: int = 0
    quarantined: int = 0
    problems: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        """The run as a markdown artifact: new/changed/failed reports and the rules that failed."""
        lines = ["# xxgk run", "", f"- files seen: {self.files}", f"- unchanged (skipped): {self.skipped_unchanged}",
                 f"- loaded: {self.loaded}", f"- quarantined: {self.quarantined}", "", "| status | reports |",
                 "|---|---|"]
        lines += [f"| {status} | {count} |" for status, count in sorted(self.statuses.items())]
        if self.failed_rules:
            lines += ["", "| rule failed | reports |", "|---|---|"]
            lines += [f"| {rule} | {count} |" for rule, count in sorted(self.failed_rules.items())]
        if self.problems:
            lines += ["", "## Problems", *[f"- {p}" for p in self.problems]]
        return "\n".join(lines)


@task(retries=2, retry_delay_seconds=1)
def discover_files(source_dir: str) -> list[str]:
    """Report files under a folder, sorted so runs are reproducible."""
    root = Path(source_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"{source_dir}: not a folder")
    return [str(p) for p in sorted(root.rglob("*")) if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES]


@task
def extract_file(path: str) -> Report:
    """One file → Report; never raises (bad input becomes an error/unsupported status)."""
    return extract_path(path)


@task
def validate_reports(reports: list[Report], docs_dir: str) -> pd.DataFrame:
    """One Great Expectations validation over the whole batch; statuses follow its results.

    The Data Docs are built in the same task: they come from the GE context that validated.
    """
    from expectations.data_docs import build_data_docs
    from expectations.runner import batch_statuses, validate_batch

    results = validate_batch(reports)
    statuses = batch_statuses(results)
    for report in reports:
        report.status = statuses.get(report_id_of(report.sha256), report.status)
    build_data_docs(Path(docs_dir))
    return results


@task(retries=3, retry_delay_seconds=2)
def load_reports(warehouse: str, reports: list[Report], check_results: pd.DataFrame | None) -> LoadSummary:
    """The single writer: one transaction per batch; a busy file is retried."""
    return load_batch(Path(warehouse), reports, check_results)


@task(retries=3, retry_delay_seconds=2)
def check_across_reports(warehouse: str) -> int:
    """Cross-report rules (Y-1…, parent vs children) over everything loaded, written back."""
    from expectations.cross_report import evaluate_cross_report
    from warehouse.connection import open_readonly

    with open_readonly(Path(warehouse)) as con:
        results = evaluate_cross_report(con)
    if results.empty:
        return 0
    return load_batch(Path(warehouse), [], results).check_results_written


@flow(name="xxgk-run", log_prints=True)
def xxgk_run(source: str, warehouse: str | None = None, data_dir: str | None = None) -> RunSummary:
    """Load every report file under `source` into the warehouse; bad files are quarantined."""
    settings = RunSettings.from_env(warehouse=warehouse, data_dir=data_dir)
    logger = get_run_logger()
    summary = RunSummary()
    paths = discover_files(source)
    summary.files = len(paths)
    reports = [future.result() for future in [extract_file.submit(p) for p in paths]]
    extracted = [r for r in reports if r.status in ("ok", "invalid")]
    check_results = validate_reports(extracted, str(settings.data_dir / "docs")) if extracted else None
    load = load_reports(str(settings.warehouse), reports, check_results)
    check_across_reports(str(settings.warehouse))
    written = set(load.loaded) | set(load.quarantined)
    new_reports = [r for r in reports if report_id_of(r.sha256) in written]
    summary.skipped_unchanged = len(load.skipped)
    summary.loaded, summary.quarantined = len(load.loaded), len(load.quarantined)
    summary.statuses = dict(Counter(r.status for r in new_reports))
    summary.failed_rules = dict(Counter(
        c.rule for r in new_reports for c in r.checks if c.status == "fail" and c.severity == "error"))
    summary.problems = [e for r in new_reports for e in r.errors]
    for problem in summary.problems:
        logger.warning(problem)
    create_markdown_artifact(key="xxgk-run", markdown=summary.markdown(), description="xxgk run summary")
    return summary

