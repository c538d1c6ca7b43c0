"""What analysts read and type works on the `make run` warehouse: the documented queries return
rows, the types are those the docs promise, and every failed rule leads to its cells."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.analysts.conftest import SampleRun

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = (ROOT / "docs" / "queries.md", ROOT / "docs" / "analysts.md", ROOT / "README.md")
BLOCKS = [(doc.name, sql) for doc in DOCUMENTS if doc.exists()
          for sql in re.findall(r"```sql\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)]


@pytest.fixture(scope="module")
def con(sample_run: SampleRun) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(sample_run.warehouse), read_only=True)


def test_the_query_documents_hold_queries() -> None:
    assert sum(name == "queries.md" for name, _ in BLOCKS) >= 10


@pytest.mark.parametrize("document, sql", BLOCKS, ids=[f"{d}:{s.splitlines()[0][:50]}" for d, s in BLOCKS])
def test_documented_query_returns_rows(con: duckdb.DuckDBPyConnection, document: str, sql: str) -> None:
    assert con.execute(sql).fetchall(), f"{document}: this example returns no rows on the sample warehouse"


def column_types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_name = ?", [relation]).fetchall())


NOT_COUNTS = {"year", "previous_year", "row_order", "admin_fees_amount_wan_yuan"}


@pytest.mark.parametrize("relation", ["agency_year", "agency_year_all", "requests_wide", "township_comparison",
                                      "year_over_year_all"])
def test_counts_are_bigint_the_fee_decimal_rates_double(con: duckdb.DuckDBPyConnection, relation: str) -> None:
    types = column_types(con, relation)
    numeric = {c: t for c, t in types.items() if t not in ("VARCHAR", "BOOLEAN") and c not in NOT_COUNTS}
    rates = {c for c in numeric if c.endswith(("_rate", "_share", "_relative_change", "_rate_change"))
             or c == "share_of_county_requests"}
    assert {c: t for c, t in numeric.items() if c in rates and t != "DOUBLE"} == {}
    assert {c: t for c, t in numeric.items() if c not in rates and t != "BIGINT"} == {}
    if "admin_fees_amount_wan_yuan" in types:
        assert types["admin_fees_amount_wan_yuan"] == "DECIMAL(18,4)"


def test_cells_keep_the_contract_decimal(con: duckdb.DuckDBPyConnection) -> None:
    assert column_types(con, "cells")["value"].startswith("DECIMAL")


def test_rates_are_fractions(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT min(grant_rate) >= 0 AND max(grant_rate) <= 1 FROM agency_year_all").fetchone() == (
        True,)


def test_requests_wide_tells_apart_rows_of_different_groups(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("SELECT DISTINCT row_group, group_label, row_label FROM requests_wide "
                       "WHERE row_label LIKE '3.%' ORDER BY row_group").fetchall()
    expected = {("unavailable", "（四）无法提供"), ("not_processed", "（五）不予处理"), ("other", "（六）其他处理")}
    assert {(g, label) for g, label, _ in rows} >= expected


def test_an_ok_report_lists_no_failed_rules_even_when_y1_fails(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""SELECT a.status, a.failed_rules FROM agency_year_all a JOIN check_results c USING (report_id)
                          WHERE c.rule = 'Y-1' AND c.status = 'fail'""").fetchall()
    assert rows == [("ok", None)]
    assert con.execute("SELECT DISTINCT status, failed_rules FROM agency_year_all WHERE status = 'invalid'"
                       ).fetchall() == [("invalid", "T3-1,T3-3")]


def test_every_cell_a_rule_names_resolves_to_a_cells_row(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT count(*) FROM check_cells").fetchone()[0] > 10
    assert con.execute("SELECT rule, cell FROM check_cells WHERE section IS NULL").fetchall() == []
