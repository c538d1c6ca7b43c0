"""Cross-report rules on a real DuckDB file with the contract's reports and cells relations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations.cross_report import evaluate_cross_report
from extractors.report import CHECK_RESULT_COLUMNS

DDL = """
CREATE TABLE reports (report_id VARCHAR, agency VARCHAR, agency_code VARCHAR, year INTEGER, level VARCHAR,
                      status VARCHAR{scope});
CREATE TABLE cells (report_id VARCHAR, section INTEGER, row_key VARCHAR, col_key VARCHAR, value DECIMAL(18, 4));
"""


def warehouse(path: Path, reports: list[tuple[Any, ...]], cells: list[tuple[Any, ...]], scope: bool = True):
    con = duckdb.connect(str(path))
    con.execute(DDL.format(scope=", scope VARCHAR" if scope else ""))
    width = 7 if scope else 6
    con.executemany(f"INSERT INTO reports VALUES ({', '.join('?' * width)})", [r[:width] for r in reports])
    con.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?)", cells)
    return con


def table3(report_id: str, carried_over: int, carried_forward: int, new: int = 10) -> list[tuple[Any, ...]]:
    return [
        (report_id, 3, "carried_over", "total", carried_over),
        (report_id, 3, "carried_forward", "total", carried_forward),
        (report_id, 3, "carried_over", "natural_person", carried_over),
        (report_id, 3, "carried_forward", "natural_person", carried_forward),
        (report_id, 3, "new_requests", "total", new),
    ]


def stock(report_id: str, issued: int, repealed: int, in_force: int) -> list[tuple[Any, ...]]:
    return [
        (report_id, 2, "normative_documents", k, v)
        for k, v in (("issued", issued), ("repealed", repealed), ("in_force", in_force))
    ]


def outcome(results: pd.DataFrame, report_id: str, rule: str) -> pd.Series:
    rows = results[(results.report_id == report_id) & (results.rule == rule)]
    assert len(rows) == 1, (report_id, rule, rows)
    return rows.iloc[0]


def test_year_rules(tmp_path: Path) -> None:
    reports = [
        ("a22", "洪泽区", "320813", 2022, "county", "ok", "own"),
        ("a23", "洪泽区", "320813", 2023, "county", "ok", "own"),
        ("b22", "文昌镇", None, 2022, "township", "ok", "own"),
        ("b23", "文昌镇", None, 2023, "township", "ok", "own"),
        ("c23", "孤立镇", None, 2023, "township", "ok", "own"),
    ]
    cells = [
        *table3("a22", 0, 3, new=40),
        *table3("a23", 2, 1, new=900),
        *stock("a22", 1, 0, 10),
        *stock("a23", 2, 1, 12),
        *table3("b22", 0, 1),
        *table3("b23", 1, 0),
        *stock("b22", 0, 0, 1),
        *stock("b23", 0, 5, 0),
    ]
    con = warehouse(tmp_path / "w.duckdb", reports, cells)
    results = evaluate_cross_report(con)
    assert list(results.columns) == list(CHECK_RESULT_COLUMNS)
    y1 = outcome(results, "a23", "Y-1")
    assert (y1.status, y1.severity) == ("fail", "error")  # matched on agency_code: identity confirmed
    assert "carried_over.total 2 (2023) ≠ carried_forward.total 3 (2022, report a22)" in y1.detail
    assert list(y1.cells) == ["s3_carried_over__natural_person", "s3_carried_over__total"]
    assert outcome(results, "a23", "Y-2").status == "fail"  # 12 ≠ 10 + 2 − 1
    assert outcome(results, "a23", "Y-3").status == "fail"  # new requests 40 → 900
    b1 = outcome(results, "b23", "Y-1")
    assert (b1.status, b1.severity) == ("pass", "warning")  # matched by name only
    t23 = outcome(results, "b23", "T2-3")
    assert t23.status == "fail" and "normative_documents.repealed 5 > 1 (2022 in force)" in t23.detail
    assert results[results.report_id.isin(["a22", "b22", "c23"])].empty


def test_aggregate_is_at_least_its_constituents(tmp_path: Path) -> None:
    reports = [
        ("city", "淮安市", "320800", 2024, "prefecture", "ok", "aggregate"),
        ("own", "淮安市", "320800", 2024, "prefecture", "ok", "own"),
        ("d1", "洪泽区", "320813", 2024, "county", "ok", "own"),
        ("t1", "某镇", "320813101", 2024, "township", "ok", "own"),
    ]
    cells = [
        *table3("city", 0, 0, new=50),
        *table3("own", 0, 0, new=30),
        *table3("d1", 0, 0, new=25),
        *table3("t1", 0, 0, new=5),
    ]
    results = evaluate_cross_report(warehouse(tmp_path / "w.duckdb", reports, cells))
    p1 = outcome(results, "city", "P-1")
    assert p1.status == "fail" and "new_requests.total 50 < 60 summed over 3 constituent reports" in p1.detail
    assert results[(results.rule == "Y-1")].empty  # aggregate and own report are never paired


def test_without_scope_column_aggregates_are_skipped(tmp_path: Path) -> None:
    reports = [("x", "淮安市", "320800", 2024, "prefecture", "ok", "aggregate")]
    results = evaluate_cross_report(warehouse(tmp_path / "w.duckdb", reports, table3("x", 0, 0), scope=False))
    assert results.empty


def test_a_series_with_unknown_scope_years_keeps_every_consecutive_pair(tmp_path: Path) -> None:
    """Issue 14: a six-year HTML series whose wording left some years `unknown` scope had only 2 of
    its consecutive pairs checked by Y-1. An unknown scope never separates two years; an aggregate
    and an own-scope report of the same agency still do."""
    scopes = {2019: "own", 2020: "unknown", 2021: "own", 2022: "unknown", 2023: "unknown", 2024: "own"}
    reports = [(f"s{year}", "洪泽区", "320813", year, "county", "ok", scope) for year, scope in scopes.items()]
    reports.append(("agg2023", "洪泽区", "320813", 2023, "county", "ok", "aggregate"))
    cells = [cell for year in scopes for cell in table3(f"s{year}", 1, 1)] + table3("agg2023", 1, 1)
    results = evaluate_cross_report(warehouse(tmp_path / "w.duckdb", reports, cells))
    y1 = results[results.rule == "Y-1"]
    assert sorted(y1.report_id) == ["s2020", "s2021", "s2022", "s2023", "s2024"]
    assert set(y1.status) == {"pass"}
