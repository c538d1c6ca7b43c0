"""A warehouse loaded run by run must equal one loaded at once with the same current files.

A rerun after a crash, a nightly run that brings one corrected file, a re-extraction: each
re-evaluates the cross-report rules (Y-1…, P-1) over the whole warehouse. Their results must
follow the reports that are current now, not the ones that were current when a result was written.
"""

from __future__ import annotations

from pathlib import Path

from expectations.cross_report import evaluate_cross_report
from extractors.report import Report
from tests.warehouse.builders import make_report, township
from warehouse.connection import open_readonly
from warehouse.loader import load_batch

BINHE = township("滨河镇")


def carried(year: int, carried_over: int, carried_forward: int, source: str, version: int = 0) -> Report:
    values = {(3, "new_requests", "total"): 10, (3, "carried_over", "total"): carried_over,
              (3, "carried_forward", "total"): carried_forward}
    return make_report(BINHE, year, values, source=source, version=version)


def check_results(warehouse: Path) -> list[tuple[object, ...]]:
    with open_readonly(warehouse) as con:
        return sorted(con.execute("SELECT report_id, rule, status, severity, detail FROM check_results").fetchall())


def test_a_cross_year_result_whose_last_year_report_was_superseded_is_removed(tmp_path: Path) -> None:
    """The 2023 file at a URL is replaced by the 2022 report: the 2024 report has no last year any more,
    so its Y-1 failure against the superseded file must go, as in a warehouse that never saw that file."""
    this_year = carried(2024, 5, 0, "reports/2024.pdf")
    last_year = carried(2023, 0, 3, "reports/older.pdf")
    republished = carried(2022, 0, 3, "reports/older.pdf", version=1)  # same URL, now the 2022 report

    run_by_run = tmp_path / "run-by-run.duckdb"
    load_batch(run_by_run, [last_year, this_year], cross_report=evaluate_cross_report)
    assert ("Y-1", "fail") in {(rule, status) for _, rule, status, *_ in check_results(run_by_run)}
    second = load_batch(run_by_run, [republished], cross_report=evaluate_cross_report)

    at_once = tmp_path / "at-once.duckdb"
    load_batch(at_once, [republished, this_year], cross_report=evaluate_cross_report)

    assert check_results(run_by_run) == check_results(at_once)
    assert not [row for row in check_results(run_by_run) if row[1].startswith("Y-")]
    assert second.check_results_removed == 4 and second.published  # Y-1, Y-2, Y-3, T2-3 of the 2024 report
