"""The pure rules: each one broken on its own (and in pairs) fails exactly as expected, with evidence."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from expectations.rules import RULES, rule_from_dict
from expectations.validate import evaluate_report
from extractors.narrative import extract_narrative
from extractors.report import Cell, Report, status_for
from tests.conftest import SHARED
from tests.fixtures.reports import report_from_answer
from tests.fixtures.values import make_answer, with_cell

SUITE = Path(__file__).resolve().parents[2] / "expectations" / "suites" / "reports.json"
ERROR_OR_INFO = ("error", "info")


def failing(report: Report, text: str | None = None, severities: tuple[str, ...] = ERROR_OR_INFO) -> dict[str, Any]:
    return {c.rule: c for c in evaluate_report(report, text) if c.status == "fail" and c.severity in severities}


def base_answer(template: str = "2021") -> dict[str, Any]:
    """A consistent answer where the cells the tests change are comfortably non-zero."""
    for seed in range(500):
        answer = make_answer(seed, template)
        s3 = answer["section3"]
        if (
            s3["granted"]["natural_person"] >= 3
            and s3["partially_granted"]["total"] >= 1
            and s3["new_requests"]["total"]
        ):
            return answer
    raise AssertionError("no suitable seed")


def bump(answer: dict[str, Any], *changes: tuple[int, str, str, Any]) -> dict[str, Any]:
    for section, row, col, delta in changes:
        answer = with_cell(answer, section, row, col, answer[f"section{section}"][row][col] + delta)
    return answer


def test_consistent_reports_pass_every_error_rule() -> None:
    for seed in range(60):
        for template in ("2021", "2019"):
            report = report_from_answer(make_answer(seed, template))
            checks = evaluate_report(report)
            assert failing(report) == {}, (seed, template)
            assert status_for(checks) == "ok"
            assert {c.rule for c in checks} == {r.rule for r in RULES}


BREAKS = {
    "T3-1 alone": (
        [(3, "carried_forward", "natural_person", 1), (3, "carried_forward", "total", 1)],
        {"T3-1"},
        "carried_forward.natural_person",
    ),
    "T3-2 alone": (
        [(3, "granted", "natural_person", 1), (3, "granted", "total", 1)],
        {"T3-2"},
        "outcome_total.natural_person",
    ),
    "T3-3 alone": ([(3, "granted", "total", -1), (3, "partially_granted", "total", 1)], {"T3-3"}, "granted.total"),
    "T3-3 with its column (T3-7 localises)": (
        [(3, "granted", "total", 1)],
        {"T3-2", "T3-3", "T3-7"},
        "suspect cell granted.total",
    ),
    "T4-1 alone": ([(4, "admin_review", "total", 1)], {"T4-1"}, "admin_review.total"),
    "T3-1 and T4-1": (
        [
            (3, "carried_forward", "natural_person", 1),
            (3, "carried_forward", "total", 1),
            (4, "litigation_direct", "total", 2),
        ],
        {"T3-1", "T4-1"},
        "litigation_direct.total",
    ),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_breaking_rules_fails_exactly_those_rules(name: str) -> None:
    changes, expected, evidence = BREAKS[name]
    report = report_from_answer(bump(base_answer(), *changes))
    failed = failing(report)
    assert set(failed) == expected
    assert any(evidence in c.detail for c in failed.values())
    assert status_for(evaluate_report(report)) == "invalid"


def test_evidence_names_cells_and_arithmetic() -> None:
    answer = base_answer()
    values = {("new_requests", 12), ("carried_over", 1), ("outcome_total", 11), ("carried_forward", 1)}
    for row, value in values:
        answer = with_cell(answer, 3, row, "total", value)
    result = next(c for c in evaluate_report(report_from_answer(answer)) if c.rule == "T3-1")
    assert result.status == "fail"
    assert (
        "new_requests.total 12 + carried_over.total 1 ≠ outcome_total.total 11 + carried_forward.total 1"
        in result.detail
    )
    assert {"s3_new_requests__total", "s3_outcome_total__total"} <= set(result.cells)


def test_misread_cell_is_localised_but_never_changed() -> None:
    answer = base_answer()
    printed = answer["section3"]["granted"]["natural_person"] + 3
    report = report_from_answer(with_cell(answer, 3, "granted", "natural_person", printed))
    suspect = failing(report)["T3-7"]
    assert suspect.severity == "info"
    assert suspect.cells == ["s3_granted__natural_person"]
    assert f"printed {printed}, {printed - 3} would satisfy" in suspect.detail
    assert report.value(3, "granted", "natural_person") == printed


def test_negative_and_fractional_cells_break_the_domain_rules() -> None:
    answer = base_answer()
    old = answer["section3"]["granted"]["natural_person"]
    report = report_from_answer(with_cell(answer, 3, "granted", "natural_person", -1))
    assert set(failing(report)) == {"T3-2", "T3-3", "T3-4", "T3-7"}
    assert "granted.natural_person -1 is negative" in failing(report)["T3-4"].detail
    assert f"{old} would satisfy" in failing(report)["T3-7"].detail
    review = answer["section4"]["admin_review"]
    upheld_fix = with_cell(answer, 4, "admin_review", "upheld", -1)
    report = report_from_answer(
        with_cell(upheld_fix, 4, "admin_review", "total", review["total"] - review["upheld"] - 1)
    )
    assert set(failing(report)) == {"T4-2"}
    report = report_from_answer(with_cell(answer, 2, "normative_documents", "issued", 2.5))
    assert set(failing(report)) == {"T2-1"}
    assert "not an integer" in failing(report)["T2-1"].detail
    fee = report_from_answer(with_cell(answer, 2, "admin_fees", "amount_wan_yuan", 0.35))
    assert failing(fee) == {}


def test_no_requests_means_no_outcomes() -> None:
    answer = base_answer()
    for row, cols in answer["section3"].items():
        for col in cols:
            answer = with_cell(answer, 3, row, col, 0)
    assert failing(report_from_answer(answer)) == {}
    broken = bump(answer, (3, "granted", "natural_person", 1), (3, "granted", "total", 1))
    failed = failing(report_from_answer(broken))
    assert set(failed) == {"T3-2", "T3-5"}
    assert "new_requests.total 0 + carried_over.total 0 = 0 but granted.natural_person 1" in failed["T3-5"].detail


def test_printed_subtotals_are_checked_and_optional() -> None:
    report = report_from_answer(base_answer())
    parts = sum(
        report.value(3, "new_requests", c) or 0
        for c in (
            "commercial_enterprise",
            "research_institution",
            "public_interest_org",
            "legal_service_org",
            "other_org",
        )
    )
    report.set_cell(Cell(3, "new_requests", "legal_person_subtotal", Decimal(parts), str(parts)))
    assert failing(report) == {}
    report.set_cell(Cell(3, "new_requests", "legal_person_subtotal", Decimal(parts + 2), str(parts + 2)))
    assert set(failing(report)) == {"T3-6"}
    assert "new_requests.legal_person_subtotal" in failing(report)["T3-6"].detail


def test_single_row_other_outcomes_use_other_subtotal() -> None:
    answer = base_answer("2019")
    report = report_from_answer(answer)
    assert report.value(3, "other_misc", "total") is None and report.value(3, "other_subtotal", "total") is not None
    results = {c.rule: c for c in evaluate_report(report)}
    assert results["T3-2"].status == results["T3-3"].status == results["T3-6"].status == "pass"
    broken = report_from_answer(bump(answer, (3, "other_subtotal", "natural_person", 2)))
    assert "suspect cell other_subtotal.natural_person" in failing(broken)["T3-7"].detail


def test_missing_tables_are_uncertain_and_named() -> None:
    answer = base_answer()
    answer["section3"] = {row: dict.fromkeys(cols) for row, cols in answer["section3"].items()}
    answer["section4"] = {}
    report = report_from_answer(answer)
    results = {c.rule: c for c in evaluate_report(report)}
    for rule in ("T3-1", "T3-2", "T3-3", "T3-4", "T3-5", "T4-1", "T4-2"):
        assert results[rule].status == "uncertain", rule
    assert "table 三 (section 3) is missing" in results["T3-1"].detail
    assert "table 四 (section 4) is missing" in results["T4-1"].detail
    assert results["D-2"].status == "fail" and "table 三" in results["D-2"].detail
    assert status_for(list(results.values())) == "ok"
    partly = base_answer()
    partly = with_cell(partly, 3, "carried_over", "total", None)
    result = next(c for c in evaluate_report(report_from_answer(partly)) if c.rule == "T3-1")
    assert result.status == "uncertain" and result.cells == ["s3_carried_over__total"]


def test_level_rules_warn_by_agency_level() -> None:
    answer = base_answer()
    for col, value in (("issued", 3), ("repealed", 0), ("in_force", 0)):
        answer = with_cell(answer, 2, "regulations", col, value)
    for level, status in (("township", "fail"), ("county", "fail"), ("prefecture", "pass"), (None, "uncertain")):
        report = report_from_answer(answer)
        report.agency.level = level
        result = next(c for c in evaluate_report(report) if c.rule == "T2-2")
        assert (result.status, result.severity) == (status, "warning"), level
    big_fee = report_from_answer(with_cell(base_answer(), 2, "admin_fees", "amount_wan_yuan", 5000))
    big_fee.agency.level = "township"
    assert next(c for c in evaluate_report(big_fee) if c.rule == "T2-4").status == "fail"
    assert status_for(evaluate_report(big_fee)) == "ok"


def _seed() -> tuple[Report, str]:
    text = (SHARED / "corpus" / "seed" / "wenchang-2023.md").read_text(encoding="utf-8")
    answer = json.loads((SHARED / "corpus" / "seed" / "wenchang-2023.answer.json").read_text(encoding="utf-8"))
    report = report_from_answer(answer)
    report.narrative = extract_narrative(text)
    return report, text


def test_seed_report_document_and_narrative_rules() -> None:
    report, text = _seed()
    results = {c.rule: c for c in evaluate_report(report, text)}
    for rule in ("D-1", "D-2", "N-3", "N-5", "N-6"):
        assert results[rule].status == "pass", (rule, results[rule].detail)
    assert "title 2023, statistics period start 2023" in results["D-1"].detail
    assert results["N-1"].status == "uncertain"  # 未收到 is a negation: N-3's business
    wrong_year = text.replace("2023年1月1日至2023年12月31日", "2022年1月1日至2022年12月31日")
    result = next(c for c in evaluate_report(report, wrong_year) if c.rule == "D-1")
    assert result.status == "fail" and "statistics period start 2022" in result.detail
    no_heading = text.replace("五、存在的主要问题及改进情况", "存在问题")
    result = next(c for c in evaluate_report(report, no_heading) if c.rule == "D-2")
    assert result.status == "fail" and "missing heading 五" in result.detail


def test_narrative_disagreeing_with_tables_warns() -> None:
    report, text = _seed()
    said = text.replace("2023年未收到群众政府信息公开申请", "2023年收到政府信息公开申请5件")
    report.narrative = extract_narrative(said)
    results = {c.rule: c for c in evaluate_report(report, said)}
    assert results["N-1"].status == "fail" and results["N-1"].severity == "warning"
    assert "(requests_received_text 5) ≠ new_requests.total 0" in results["N-1"].detail
    fee = text.replace("本年度文昌镇未收取政府信息公开处理费", "本年度共收取信息处理费300元")
    report.narrative = extract_narrative(fee)
    result = next(c for c in evaluate_report(report, fee) if c.rule == "N-6")
    assert result.status == "fail" and "fee 300 元" in result.detail
    silent = text.replace("本年度文昌镇未收取政府信息公开处理费", "无")
    report.narrative = extract_narrative(silent)
    assert next(c for c in evaluate_report(report, silent) if c.rule == "N-6").status == "fail"


@pytest.mark.parametrize(
    "name, rule, status",
    [
        ("js-huaian-hongzequ-2023", "T4-1", "invalid"),
        ("js-huaian-shizhengfu-2024", None, "ok"),
    ],
)
def test_corpus_answer_keys_get_the_right_status(name: str, rule: str | None, status: str) -> None:
    answer = json.loads((SHARED / "corpus" / "real" / f"{name}.answer.json").read_text(encoding="utf-8"))
    checks = evaluate_report(report_from_answer(answer))
    assert status_for(checks) == status
    failed = {c.rule for c in checks if c.status == "fail" and c.severity == "error"}
    assert failed == ({rule} if rule else set())
    if rule == "T4-1":
        detail = next(c.detail for c in checks if c.rule == "T4-1")
        assert "admin_review.total 0 ≠ admin_review.upheld 10 + admin_review.corrected 1" in detail


def test_stored_suite_is_generated_from_the_rules() -> None:
    stored = json.loads(SUITE.read_text(encoding="utf-8"))
    definitions = [e["kwargs"]["definition"] for e in stored["expectations"]]
    assert definitions == [json.loads(json.dumps(r.to_dict())) for r in RULES], (
        "expectations/suites/reports.json is stale: run `python -m expectations.runner`"
    )
    assert [rule_from_dict(d) for d in definitions] == list(RULES)


def test_known_parts_exceeding_a_printed_total_fail_even_with_blanks() -> None:
    """The 洪泽 2023 pattern with blanks: 总计 0 beside parts 10 and 1 is wrong whatever the blanks hold."""
    answer = base_answer()
    for column, value in (("upheld", 10), ("corrected", 1), ("other_result", None), ("pending", None), ("total", 0)):
        answer = with_cell(answer, 4, "admin_review", column, value)
    result = next(c for c in evaluate_report(report_from_answer(answer)) if c.rule == "T4-1")
    assert result.status == "fail"
    assert "admin_review.other_result blank" in result.detail and "can only add" in result.detail
    answer = with_cell(answer, 4, "admin_review", "total", 12)  # 10 + 1 + blanks may still reach 12
    result = next(c for c in evaluate_report(report_from_answer(answer)) if c.rule == "T4-1")
    assert result.status == "uncertain"
