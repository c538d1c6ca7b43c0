"""Layouts nobody has shown us yet, drawn as HTML and DOCX → extract → every cell as expected.

Each switch of tests/fixtures/report_form.FormOptions is a way real reports differ from the
official form (docs/format.md §6). Every layout is drawn with two seeds; the expected values come
from `expected_answer`, which says what hiding values (marks, omitted tables) must give.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.report import Report
from tests.fixtures.checked import extract_bytes
from tests.fixtures.compare import wrong_cells
from tests.fixtures.render_docx import DocxLayout, render_docx
from tests.fixtures.render_html import HtmlLayout, render_html
from tests.fixtures.report_form import FormOptions, expected_answer
from tests.fixtures.values import make_answer

SEEDS = (31, 32)

LAYOUTS: dict[str, tuple[str, FormOptions]] = {
    # blank-as-zero (docs/format.md §6.5)
    "blank-zeros": ("2021", FormOptions(blank_zeros=frozenset({3, 4}))),
    "shanghai-2019-totals-only-on-summary-rows": (
        "2019", FormOptions(blank_zeros=frozenset({3, 4}), totals_on_summary_rows_only=True)),
    "section4-blanks-without-section3-convention": ("2021", FormOptions(blank_zeros=frozenset({4}))),
    "blank-zeros-with-local-extras": ("2021", FormOptions(
        blank_zeros=frozenset({3}), legal_person_subtotal=True, group_subtotals=True)),
    "totals-only-on-summary-rows": ("2021", FormOptions(totals_on_summary_rows_only=True)),
    # a marked zero (`/`) is null, so 三's sums cannot hold and the blank totals stay null (never guessed)
    "totals-only-on-summary-rows-zeros-as-slashes": ("2019", FormOptions(
        totals_on_summary_rows_only=True, zero_marker="/")),
    # local extras (T3-6)
    "legal-person-subtotal-column": ("2021", FormOptions(legal_person_subtotal=True)),
    "group-subtotal-rows": ("2021", FormOptions(group_subtotals=True)),
    "both-local-extras-2019": ("2019", FormOptions(legal_person_subtotal=True, group_subtotals=True)),
    "legal-person-subtotal-split-narrow-no-header": ("2021", FormOptions(
        legal_person_subtotal=True, split_section3_at=10, repeat_header=False, narrow_continuations=True)),
    # page breaks inside section 三
    "header-repeated-inside-one-table": ("2021", FormOptions(header_inside_at=9)),
    "three-chunks-repeated-header": ("2021", FormOptions(split_section3_at=(8, 19))),
    "three-chunks-no-header": ("2021", FormOptions(split_section3_at=(6, 17), repeat_header=False)),
    "three-chunks-narrow-continuations": (
        "2021", FormOptions(split_section3_at=(10, 21), narrow_continuations=True)),
    "two-chunks-narrow-no-header-2019": (
        "2019", FormOptions(split_section3_at=11, repeat_header=False, narrow_continuations=True)),
    # section 四
    "section4-transposed": ("2021", FormOptions(section4_layout="transposed")),
    "section4-transposed-under-litigation-label": ("2021", FormOptions(section4_layout="transposed_grouped")),
    "section4-stacked-header": ("2021", FormOptions(section4_layout="stacked_header")),
    "section4-transposed-blank-zeros": (
        "2021", FormOptions(section4_layout="transposed", blank_zeros=frozenset({3, 4}))),
    "section4-transposed-no-headings-blank-zeros": ("2021", FormOptions(
        section4_layout="transposed", headings="none", blank_zeros=frozenset({3, 4}))),
    "one-big-table-no-headings-section4-grouped-blanks": ("2021", FormOptions(
        one_table=True, headings="none", section4_layout="transposed_grouped", totals_on_summary_rows_only=True,
        blank_zeros=frozenset({4}))),
    "section4-stacked-header-blank-zeros": (
        "2021", FormOptions(section4_layout="stacked_header", blank_zeros=frozenset({3, 4}))),
    # section 二
    "section2-values-duplicated-garbled-captions": (
        "2021", FormOptions(single_value="duplicated", garbled_captions=True, unit_split=True)),
    "section2-values-drift": ("2021", FormOptions(single_value="drift", split_section2=True)),
    "section2-2019-signed-changes": ("2019", FormOptions(plus_sign=True, single_value="drift")),
    # the 洪泽 hybrid
    "hybrid-2021-single-other-row": ("2021", FormOptions(single_other_row=True)),
    # headings and table placement
    "arabic-headings": ("2021", FormOptions(headings="arabic")),
    "unnumbered-headings": ("2021", FormOptions(headings="unnumbered")),
    "no-headings": ("2021", FormOptions(headings="none")),
    "one-big-table": ("2021", FormOptions(one_table=True)),
    "one-big-table-no-headings": ("2019", FormOptions(one_table=True, headings="none")),
    "section2-and-4-omitted": ("2021", FormOptions(omit_tables=frozenset({2, 4}))),
    # garbled labels (docs/format.md §6.3)
    "garbled-labels": ("2021", FormOptions(garbled_labels=True)),
    "garbled-labels-subtotal-column-narrow-totals-only-2019": ("2019", FormOptions(
        garbled_labels=True, legal_person_subtotal=True, totals_on_summary_rows_only=True,
        split_section3_at=4, repeat_header=False, narrow_continuations=True)),
    "garbled-labels-split-narrow": ("2021", FormOptions(
        garbled_labels=True, split_section3_at=(10, 21), repeat_header=False, narrow_continuations=True)),
    # numbers
    "full-width-digits": ("2021", FormOptions(number_style="fullwidth")),
    "thousands-separators": ("2021", FormOptions(number_style="thousands")),
    "unit-suffix": ("2021", FormOptions(number_style="unit")),
    "zeros-as-dashes": ("2021", FormOptions(zero_marker="—")),
    "zeros-as-slashes-2019": ("2019", FormOptions(zero_marker="/")),
    "zeros-as-wu": ("2021", FormOptions(zero_marker="无")),
}


def _answer(seed: int, template: str, options: FormOptions) -> dict:
    scale = 4000 if options.number_style == "thousands" else 40
    return make_answer(seed, template, scale=scale)


def assert_every_cell(expected: dict, report: Report) -> None:
    assert report.status in ("ok", "invalid"), report.errors
    assert report.template == expected["template"]
    assert wrong_cells(expected, report) == []


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("template", "options"), LAYOUTS.values(), ids=LAYOUTS.keys())
def test_html_layout_extracts_every_cell(template: str, options: FormOptions, seed: int) -> None:
    answer = _answer(seed, template, options)
    report = extract_bytes(render_html(answer, HtmlLayout(form=options, word_markup=seed % 2 == 0, seed=seed)),
                           f"layout-{seed}.html")
    assert_every_cell(expected_answer(answer, options), report)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("template", "options"), LAYOUTS.values(), ids=LAYOUTS.keys())
def test_docx_layout_extracts_every_cell(template: str, options: FormOptions, seed: int, tmp_path: Path) -> None:
    answer = _answer(seed, template, options)
    path = tmp_path / f"layout-{seed}.docx"
    render_docx(answer, path, DocxLayout(form=options))
    assert_every_cell(expected_answer(answer, options), extract_bytes(path.read_bytes(), path.name))
