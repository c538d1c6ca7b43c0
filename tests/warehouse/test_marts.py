"""Every mart on hand-computed expectations (a small county with one invalid report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.warehouse.builders import applicants, make_report, section3, township
from warehouse.connection import open_readonly
from warehouse.loader import load_batch


def scenario() -> list[Any]:
    t1, t2, t3, t4 = (township(n) for n in ("文昌镇", "滨河镇", "东园镇", "宁安镇"))
    t1_2023 = section3(carried_over=2, granted=6, partially_granted=1, denied_state_secret=1,
                       denied_process_info=2, unavailable_not_held=1, outcome_total=11, carried_forward=1)
    t1_2023 |= applicants("new_requests", natural_person=8, commercial_enterprise=2)
    t1_2023 |= {(4, "admin_review", "total"): 2, (4, "admin_review", "corrected"): 1,
                (4, "litigation_direct", "total"): 1, (4, "litigation_direct", "corrected"): 0,
                (2, "normative_documents", "issued"): 3, (2, "admin_fees", "amount_wan_yuan"): "12.5"}
    return [
        make_report(t1, 2023, t1_2023),
        make_report(t2, 2023, section3(new_requests=20, carried_over=0, granted=18, denied_third_party_rights=2,
                                       outcome_total=20, carried_forward=0)),
        make_report(t3, 2023, section3(new_requests=30, granted=5, outcome_total=30), status="invalid",
                    failed=("T3-2",)),
        make_report(t4, 2023, section3(new_requests=5, granted=5, outcome_total=5)),
        make_report(t1, 2022, section3(new_requests=4, carried_over=0, granted=2, outcome_total=2, carried_forward=2)),
        make_report(t2, 2022, section3(new_requests=25, granted=24, outcome_total=24, carried_forward=1)),
    ]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("marts") / "xxgk.duckdb"
    load_batch(path, scenario(), None)
    return path


def rows(path: Path, sql: str) -> list[dict[str, Any]]:
    with open_readonly(path) as con:
        relation = con.sql(sql)
        return [dict(zip(relation.columns, r, strict=True)) for r in relation.fetchall()]


def test_agency_year_measures_and_rates(loaded: Path) -> None:
    [row] = rows(loaded, "SELECT * FROM agency_year WHERE agency = '沙坡头区文昌镇' AND year = 2023")
    assert (row["new_requests"], row["carried_over"], row["granted"], row["partially_granted"]) == (10, 2, 6, 1)
    assert (row["new_requests_natural_person"], row["new_requests_organisations"]) == (8, 2)
    assert (row["denied_state_secret"], row["denied_process_info"], row["denied_total"]) == (1, 2, 3)
    assert row["denied_law_prohibited"] is None
    assert (row["unavailable_total"], row["not_processed_total"], row["other_total"]) == (1, None, None)
    assert (row["outcome_total"], row["carried_forward"]) == (11, 1)
    assert (row["grant_rate"], row["disclosure_rate"], row["denial_rate"]) == (0.5455, 0.6364, 0.2727)
    assert (row["admin_review_total"], row["admin_review_corrected"]) == (2, 1)
    assert (row["litigation_total"], row["litigation_corrected"], row["corrected_share"]) == (1, 0, 0.3333)
    assert row["normative_documents_issued"] == 3
    assert str(row["admin_fees_amount_wan_yuan"]) == "12.5000"
    assert (row["township"], row["county_code"], row["city_code"], row["county"]) == (
        "文昌镇", "640502", "640500", "沙坡头区")


def test_invalid_reports_only_in_all_variants_and_flagged(loaded: Path) -> None:
    assert rows(loaded, "SELECT count(*) AS n FROM agency_year") == [{"n": 5}]
    [invalid] = rows(loaded, "SELECT agency, status, is_valid, failed_rules FROM agency_year_all WHERE NOT is_valid")
    assert invalid == {"agency": "沙坡头区东园镇", "status": "invalid", "is_valid": False, "failed_rules": "T3-2"}
    for mart in ("requests_wide", "township_comparison", "year_over_year"):
        assert rows(loaded, f"SELECT count(*) AS n FROM {mart} WHERE NOT is_valid") == [{"n": 0}]
    assert rows(loaded, "SELECT count(*) AS n FROM requests_wide_all WHERE NOT is_valid") == [{"n": 3}]


def test_township_comparison_ranks_valid_reports_within_county_and_city(loaded: Path) -> None:
    got = {r["agency"]: r for r in rows(loaded, "SELECT * FROM township_comparison WHERE year = 2023")}
    assert set(got) == {"沙坡头区文昌镇", "沙坡头区滨河镇", "中宁县宁安镇"}
    t1, t2, t4 = got["沙坡头区文昌镇"], got["沙坡头区滨河镇"], got["中宁县宁安镇"]
    assert (t1["peers_in_county"], t1["new_requests_rank_in_county"], t2["new_requests_rank_in_county"]) == (2, 2, 1)
    assert (t1["grant_rate_rank_in_county"], t2["grant_rate_rank_in_county"]) == (2, 1)
    assert (t1["denied_rank_in_county"], t2["denied_rank_in_county"]) == (1, 2)
    assert (t1["share_of_county_requests"], t2["share_of_county_requests"]) == (0.3333, 0.6667)
    assert (t4["peers_in_county"], t4["new_requests_rank_in_county"], t4["share_of_county_requests"]) == (1, 1, 1)
    assert [g["new_requests_rank_in_city"] for g in (t2, t1, t4)] == [1, 2, 3]
    assert {g["peers_in_city"] for g in (t1, t2, t4)} == {3}


def test_township_comparison_all_ranks_invalid_reports_too(loaded: Path) -> None:
    got = {r["agency"]: r for r in rows(loaded, "SELECT * FROM township_comparison_all WHERE county_code = '640502' "
                                                "AND year = 2023")}
    assert {a: r["new_requests_rank_in_county"] for a, r in got.items()} == {
        "沙坡头区东园镇": 1, "沙坡头区滨河镇": 2, "沙坡头区文昌镇": 3}
    assert got["沙坡头区东园镇"]["status"] == "invalid"


def test_year_over_year_changes_and_carry_check(loaded: Path) -> None:
    got = {r["agency"]: r for r in rows(loaded, "SELECT * FROM year_over_year")}
    assert set(got) == {"沙坡头区文昌镇", "沙坡头区滨河镇"}
    t1, t2 = got["沙坡头区文昌镇"], got["沙坡头区滨河镇"]
    assert (t1["previous_year"], t1["previous_new_requests"], t1["new_requests"]) == (2022, 4, 10)
    assert (t1["new_requests_change"], t1["new_requests_relative_change"]) == (6, 1.5)
    assert (t1["grant_rate_change"], t1["carried_over_matches_previous"]) == (pytest.approx(0.5455 - 1), True)
    assert (t2["new_requests_change"], t2["new_requests_relative_change"], t2["carried_over_matches_previous"]) == (
        -5, -0.2, False)


def test_requests_wide_pivots_applicant_columns(loaded: Path) -> None:
    got = rows(loaded, "SELECT * FROM requests_wide WHERE agency = '沙坡头区文昌镇' AND year = 2023 ORDER BY row_order")
    assert [r["row_key"] for r in got][:3] == ["new_requests", "carried_over", "granted"]
    first = got[0]
    assert (first["natural_person"], first["commercial_enterprise"], first["other_org"], first["total"]) == (
        8, 2, None, 10)
    assert first["row_label"] == "一、本年新收政府信息公开申请数量"


@pytest.mark.parametrize("template, values", [
    ("2019", {(3, "other_subtotal", "total"): 3}),
    ("2021", {(3, "other_no_correction", "total"): 1, (3, "other_misc", "total"): 2}),
    ("2021", {(3, "other_no_correction", "total"): 1, (3, "other_misc", "total"): 2,
              (3, "other_subtotal", "total"): 3}),  # a derived subtotal is not added twice
])
def test_other_total_from_subtotal_or_its_rows(warehouse: Path, template: str, values: dict[Any, Any]) -> None:
    load_batch(warehouse, [make_report(township("文昌镇"), 2020, values, template=template)], None)
    assert rows(warehouse, "SELECT other_total FROM agency_year") == [{"other_total": 3}]
