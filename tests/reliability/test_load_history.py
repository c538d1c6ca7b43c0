"""A warehouse loaded run by run must equal one loaded at once with the same current files.

A rerun after a crash, a nightly run that brings one corrected file, a re-extraction: each
re-evaluates the cross-report rules (Y-1…, P-1) over the whole warehouse. Their results must
follow the reports that are current now, not the ones that were current when a result was written.
"""

from __future__ import annotations

from pathlib import Path

from expectations.cross_report import evaluate_cross_report
from extractors.report import Agency, Report
from tests.warehouse.builders import CellValues, make_report, section3, township
from warehouse.connection import open_readonly
from warehouse.loader import LoadSummary, load_batch

BINHE = township("滨河镇")
SHAPOTOU = Agency(name="沙坡头区", level="county", province="宁夏回族自治区", city="中卫市", county="沙坡头区",
                  code="640502", scope="aggregate")


def check_results(warehouse: Path) -> list[tuple[object, ...]]:
    with open_readonly(warehouse) as con:
        return sorted(con.execute("SELECT report_id, rule, status, severity, detail FROM check_results").fetchall())


def run_by_run_and_at_once(tmp_path: Path, first: list[Report], second: list[Report],
                           current: list[Report]) -> tuple[LoadSummary, Path, Path]:
    """`first` then `second` loaded in two runs, and the reports left `current` loaded in one."""
    run_by_run, at_once = tmp_path / "run-by-run.duckdb", tmp_path / "at-once.duckdb"
    load_batch(run_by_run, first, cross_report=evaluate_cross_report)
    summary = load_batch(run_by_run, second, cross_report=evaluate_cross_report)
    load_batch(at_once, current, cross_report=evaluate_cross_report)
    return summary, run_by_run, at_once


def carried(year: int, carried_over: int, carried_forward: int, source: str, version: int = 0) -> Report:
    values: CellValues = {(3, "new_requests", "total"): 10, (3, "carried_over", "total"): carried_over,
                          (3, "carried_forward", "total"): carried_forward}
    return make_report(BINHE, year, values, source=source, version=version)


def test_a_cross_year_result_whose_last_year_report_was_superseded_is_removed(tmp_path: Path) -> None:
    """The 2023 file at a URL is replaced by the 2022 report: the 2024 report has no last year any more,
    so its Y-1 failure against the superseded file must go, as in a warehouse that never saw that file."""
    this_year = carried(2024, 5, 0, "reports/2024.pdf")
    last_year = carried(2023, 0, 3, "reports/older.pdf")
    republished = carried(2022, 0, 3, "reports/older.pdf", version=1)  # same URL, now the 2022 report

    second, run_by_run, at_once = run_by_run_and_at_once(tmp_path, [last_year, this_year], [republished],
                                                         [republished, this_year])

    assert check_results(run_by_run) == check_results(at_once)
    assert not [row for row in check_results(run_by_run) if row[1].startswith("Y-")]
    assert second.check_results_removed == 4 and second.published  # Y-1, Y-2, Y-3, T2-3 of the 2024 report


def test_an_aggregate_result_whose_constituents_were_superseded_is_removed(tmp_path: Path) -> None:
    """The county's aggregate loses its only constituent of that year: no P-1 is left to compare."""
    county = make_report(SHAPOTOU, 2023, section3(new_requests=5), source="reports/county-2023.pdf")
    township_2023 = make_report(BINHE, 2023, section3(new_requests=9), source="reports/binhe.pdf")
    republished = make_report(BINHE, 2022, section3(new_requests=9), source="reports/binhe.pdf", version=1)

    second, run_by_run, at_once = run_by_run_and_at_once(tmp_path, [county, township_2023], [republished],
                                                         [county, republished])

    assert check_results(run_by_run) == check_results(at_once)
    assert second.check_results_removed == 1  # the P-1 failure of 2023 (5 < 9)
