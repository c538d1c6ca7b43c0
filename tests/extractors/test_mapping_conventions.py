"""The mapper's conventions, pinned cell by cell: blank = 0 and its flags, printed subtotals for
T3-6, marked and omitted values as null (never 0), flattened text, and honest statuses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractors.document import Document
from extractors.mapping import map_document
from extractors.report import Report
from extractors.template import (
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_GROUPS,
    SECTION3_LEGAL_PERSON_SUBTOTAL,
    SECTION3_SUBTOTALS,
)
from extractors.text import read_text
from tests.fixtures.checked import extract_bytes, extract_path
from tests.fixtures.compare import wrong_cells
from tests.fixtures.render_html import HtmlLayout, render_flattened_text, render_html
from tests.fixtures.report_form import SUMMARY_ROW_KEYS, FormOptions, expected_answer
from tests.fixtures.values import make_answer, with_cell

SEEDS = (41, 42)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHANGHAI = FormOptions(blank_zeros=frozenset({3, 4}), totals_on_summary_rows_only=True)


def _html(answer: dict, options: FormOptions) -> Report:
    return extract_bytes(render_html(answer, HtmlLayout(form=options)), "r.html")


def _check(report: Report, rule: str) -> str:
    return next(c.status for c in report.checks if c.rule == rule)


@pytest.mark.parametrize("seed", SEEDS)
def test_blank_totals_are_derived_and_blank_zeros_imputed_with_flags(seed: int) -> None:
    answer = make_answer(seed)
    report = _html(answer, SHANGHAI)
    assert wrong_cells(answer, report) == []
    for (section, row, col), cell in report.cells.items():
        printed_total = col == "total" and row in SUMMARY_ROW_KEYS
        if section == 3 and col == "total" and not printed_total:
            expected = "derived" if cell.value else "imputed_zero"
            assert expected in cell.flags, (row, col, cell.flags)
        elif section in (3, 4) and cell.value == 0 and not printed_total:
            assert cell.flags >= {"blank", "imputed_zero"}, (section, row, col, cell.flags)
    assert [_check(report, r) for r in ("T3-1", "T3-2", "T3-3", "T4-1")] == ["pass"] * 4


@pytest.mark.parametrize("layout", ["canonical", "stacked_header", "transposed"])
def test_an_all_blank_section4_is_zero_once_section3_proves_the_convention(layout: str) -> None:
    answer = make_answer(SEEDS[0])
    for group in answer["section4"].values():
        group.update(dict.fromkeys(group, 0))
    report = _html(answer, FormOptions(blank_zeros=frozenset({3, 4}), section4_layout=layout))
    assert wrong_cells(answer, report) == []
    section4 = [c for c in report.cells.values() if c.section == 4]
    assert len(section4) == 15 and all(c.flags >= {"blank", "imputed_zero"} for c in section4)


@pytest.mark.parametrize("seed", SEEDS)
def test_blanks_stay_null_when_imputing_them_breaks_the_printed_rules(seed: int) -> None:
    answer = make_answer(seed)
    broken = with_cell(answer, 3, "granted", "natural_person", answer["section3"]["granted"]["natural_person"] + 3)
    report = _html(broken, FormOptions(blank_zeros=frozenset({3, 4})))
    blanks = [c for c in report.cells.values() if "blank" in c.flags]
    assert blanks and all(c.value is None and not c.flags & {"imputed_zero", "derived"} for c in blanks)
    assert report.value(3, "granted", "natural_person") == broken["section3"]["granted"]["natural_person"]


@pytest.mark.parametrize("seed", SEEDS)
def test_printed_subtotals_are_kept_under_the_keys_t3_6_checks(seed: int) -> None:
    answer = make_answer(seed)
    options = FormOptions(legal_person_subtotal=True, group_subtotals=True)
    report = _html(answer, options)
    assert wrong_cells(answer, report) == []
    for subtotal, group in SECTION3_SUBTOTALS.items():
        parts = sum(answer["section3"][r]["natural_person"] for r in SECTION3_GROUPS[group])
        assert report.value(3, subtotal, "natural_person") == parts
    legal_person = sum(answer["section3"]["new_requests"][c] for c in SECTION3_APPLICANT_COLUMNS[1:])
    assert report.value(3, "new_requests", SECTION3_LEGAL_PERSON_SUBTOTAL) == legal_person
    assert _check(report, "T3-6") == "pass" and _check(report, "T3-2") == "pass"


def test_a_wrong_printed_subtotal_fails_t3_6_without_moving_any_value() -> None:
    answer = make_answer(SEEDS[0])
    page = render_html(answer, HtmlLayout(form=FormOptions(legal_person_subtotal=True)))
    total = answer["section3"]["outcome_total"]
    legal_person = sum(total[c] for c in SECTION3_APPLICANT_COLUMNS[1:])
    row = f"<td>{total['other_org']}</td><td>{legal_person}</td><td>{total['total']}</td>"
    assert page.count(row.encode()) == 1
    wrong = page.replace(row.encode(), row.replace(f"<td>{legal_person}</td>", f"<td>{legal_person + 5}</td>").encode())
    report = extract_bytes(wrong, "r.html")
    assert wrong_cells(answer, report) == []
    assert _check(report, "T3-6") == "fail" and report.status == "invalid"


@pytest.mark.parametrize("marker", ["—", "/", "无"])
def test_marked_zeros_are_null_with_the_marker_kept(marker: str) -> None:
    answer = make_answer(SEEDS[0])
    options = FormOptions(zero_marker=marker)
    report = _html(answer, options)
    assert wrong_cells(expected_answer(answer, options), report) == []
    marked = [c for c in report.cells.values() if c.raw == marker]
    assert marked and all(c.value is None and "na_marker" in c.flags for c in marked)


@pytest.mark.parametrize("seed", SEEDS)
def test_omitted_tables_are_null_never_zero(seed: int) -> None:
    answer = make_answer(seed)
    options = FormOptions(omit_tables=frozenset({2, 4}))
    report = _html(answer, options)
    assert report.status in ("ok", "invalid")
    assert not [c for c in report.cells.values() if c.section in (2, 4)]
    assert wrong_cells(expected_answer(answer, options), report) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_a_report_whose_request_table_is_a_sentence_is_unsupported(seed: int) -> None:
    report = _html(make_answer(seed), FormOptions(omit_tables=frozenset({3})))
    assert report.status == "unsupported" and "section 三" in report.errors[0]
    assert report.to_json()["section3"] is None


def test_the_blank_official_form_is_unsupported(shared_corpus: Path) -> None:
    report = extract_path(shared_corpus / "real" / "template-gbgkbh-2021-30-blank.docx")
    assert report.status == "unsupported"
    assert not report.cells


@pytest.mark.parametrize("raw", ["251000元", "25.1万元", "251,000"])
def test_2019_procurement_amount_keeps_its_printed_text(raw: str) -> None:
    answer = make_answer(SEEDS[0], "2019")
    answer["section2"]["gov_procurement"].update(amount_raw=raw, amount_yuan=251000.0)
    report = _html(answer, FormOptions())
    assert wrong_cells(answer, report) == []
    assert "derived" in report.cells[(2, "gov_procurement", "amount_yuan")].flags


@pytest.mark.parametrize("leading_pipe", [True, False], ids=["markdown-rows", "unframed-rows"])
@pytest.mark.parametrize("options", [
    FormOptions(),
    FormOptions(split_section3_at=(9, 20), repeat_header=False, narrow_continuations=True),
    FormOptions(blank_zeros=frozenset({3, 4}), single_value="duplicated", section4_layout="transposed"),
], ids=["official", "split-narrow", "blank-zeros-duplicated-transposed"])
@pytest.mark.parametrize("seed", SEEDS)
def test_html_flattened_to_text_extracts_every_cell(options: FormOptions, leading_pipe: bool, seed: int) -> None:
    answer = make_answer(seed)
    report = extract_bytes(render_flattened_text(answer, options, leading_pipe=leading_pipe), "page.txt")
    assert report.status in ("ok", "invalid"), report.errors
    assert wrong_cells(expected_answer(answer, options), report) == []


def test_chongqing_runs_of_empty_pipes_map_section2() -> None:
    path = FIXTURES / "text" / "chongqing-flattened-empty-pipes.txt"
    report = Report(str(path), "")
    map_document(read_text(path.read_bytes(), path.name), report)
    values = {(k[1], k[2]): c.value for k, c in report.cells.items() if k[0] == 2}
    assert values == {
        ("regulations", "issued"): 0, ("regulations", "repealed"): 0, ("regulations", "in_force"): 0,
        ("normative_documents", "issued"): 1, ("normative_documents", "repealed"): 0,
        ("normative_documents", "in_force"): 3, ("admin_licensing", "decisions"): 5,
        ("admin_penalty", "decisions"): 12, ("admin_coercion", "decisions"): 0,
        ("admin_fees", "amount_wan_yuan"): 0,
    }


def test_shanghai_2019_total_column_is_derived_from_the_printed_cells() -> None:
    """上海 2019: 821 + 18 = 767 + 72, the eleven printed outcome cells sum to 767 (docs/format.md §6.5)."""
    report = extract_path(FIXTURES / "html" / "shanghai-2019-total-column-only-on-summary-rows.html")
    assert report.status == "ok", report.errors
    assert report.value(3, "granted", "total") == Decimal(413)
    assert "derived" in report.cells[(3, "granted", "total")].flags
    assert report.value(3, "other_subtotal", "natural_person") == Decimal(6)
    assert report.value(3, "other_misc", "natural_person") is None
    assert report.cells[(3, "denied_state_secret", "natural_person")].flags >= {"blank", "imputed_zero"}


def test_a_document_without_tables_maps_nothing() -> None:
    report = Report("empty.txt", "")
    map_document(Document("empty.txt", format="text"), report)
    assert report.cells == {} and report.template is None
