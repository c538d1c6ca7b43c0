"""The form as agencies retype it (tests/fixtures/wording.py) → extract → every cell as expected.

Each wording is drawn on its own and in combination with layouts that lean on labels
(transposed tables, split chunks, no headings, the 洪泽 hybrid), as HTML (plain and Word
markup) and DOCX, both templates, two seeds each. Cases the mapper cannot read yet are strict
xfails that name the cause, so a fix shows up as an unexpected pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors.report import Report
from tests.fixtures.checked import extract_bytes
from tests.fixtures.compare import wrong_cells
from tests.fixtures.render_docx import DocxLayout, render_docx
from tests.fixtures.render_html import HtmlLayout, render_html
from tests.fixtures.report_form import FormOptions, expected_answer
from tests.fixtures.values import make_answer
from tests.fixtures.wording import WORDINGS

SEEDS = (51, 52)
TEMPLATES = ("2021", "2019")

# Every compatible wording at once: the most retyped form we can draw.
EVERYTHING = frozenset({"ascii_brackets", "item_parenthesised", "quotes_none", "short_labels", "typos",
                        "section4_terse", "headings_alt", "applicant_header_alt", "caption_named",
                        "no_info_header", "normative_2019_wording"})

CASES: dict[str, Any] = {  # FormOptions, or a pytest.param of one with its xfail mark
    **{name: FormOptions(wording=frozenset({name})) for name in WORDINGS},
    "everything-retyped": FormOptions(wording=EVERYTHING),
    "everything-retyped-transposed-split-section2": FormOptions(
        wording=EVERYTHING, transpose_section3=True, section4_layout="transposed_grouped", split_section2=True),
    "section4-terse-transposed": FormOptions(wording=frozenset({"section4_terse"}), section4_layout="transposed"),
    # no heading between 三 and a terse 四 (`维持 | 纠正 …` over `复议 | …`): the words alone open 四
    "section4-terse-transposed-no-headings": FormOptions(
        wording=frozenset({"section4_terse"}), section4_layout="transposed", headings="none"),
    "section4-verbose-transposed-grouped": FormOptions(
        wording=frozenset({"section4_verbose"}), section4_layout="transposed_grouped"),
    "section4-terse-stacked-header": FormOptions(
        wording=frozenset({"section4_terse"}), section4_layout="stacked_header"),
    "other-variant-character-hybrid": FormOptions(wording=frozenset({"other_variant_character"}),
                                                  single_other_row=True),
    "long-labels-split-narrow-no-header": FormOptions(
        wording=frozenset({"long_labels", "item_comma"}), split_section3_at=(8, 19), repeat_header=False,
        narrow_continuations=True),
    "short-labels-no-headings-one-table": FormOptions(
        wording=frozenset({"short_labels", "item_unnumbered", "quotes_corner"}), one_table=True, headings="none"),
    "headings-measures-arabic": FormOptions(wording=frozenset({"headings_measures"}), headings="arabic"),
    "sum-as-heji-transposed": FormOptions(wording=frozenset({"sum_as_heji"}), transpose_section3=True),
    "typos-fullwidth-stop-blank-zeros": FormOptions(
        wording=frozenset({"typos", "item_fullwidth_stop"}), blank_zeros=frozenset({3, 4})),
    "other-org-column-with-subtotal-column": FormOptions(wording=frozenset({"other_org_column"}),
                                                         legal_person_subtotal=True),
    "sum-as-heji-blank-zeros": FormOptions(wording=frozenset({"sum_as_heji"}), blank_zeros=frozenset({3, 4})),
    # blank zeros leave group rows short of 5 values: only the header (其它结果 …) places them
    "other-variant-character-section4-transposed-blank-zeros": FormOptions(
        wording=frozenset({"other_variant_character"}), section4_layout="transposed", blank_zeros=frozenset({3, 4})),
    "other-variant-character-with-subtotal-column": FormOptions(wording=frozenset({"other_variant_character"}),
                                                                legal_person_subtotal=True),
}


def _assert_every_cell(answer: dict, options: FormOptions, report: Report) -> None:
    assert report.status in ("ok", "invalid"), report.errors
    assert report.template == answer["template"]
    assert wrong_cells(expected_answer(answer, options), report) == []


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("options", CASES.values(), ids=CASES.keys())
def test_html_wording_extracts_every_cell(options: FormOptions, seed: int, template: str) -> None:
    answer = make_answer(seed, template)
    layout = HtmlLayout(form=options, word_markup=seed % 2 == 0, seed=seed)
    _assert_every_cell(answer, options, extract_bytes(render_html(answer, layout), f"wording-{seed}.html"))


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("options", CASES.values(), ids=CASES.keys())
def test_docx_wording_extracts_every_cell(options: FormOptions, seed: int, template: str, tmp_path: Path) -> None:
    answer = make_answer(seed, template)
    path = tmp_path / f"wording-{seed}.docx"
    render_docx(answer, path, DocxLayout(form=options))
    _assert_every_cell(answer, options, extract_bytes(path.read_bytes(), path.name))


@pytest.mark.parametrize("table_format", ["html", "docx"])
@pytest.mark.parametrize("seed", SEEDS)
def test_unnumbered_blank_other_row_keeps_its_place(seed: int, table_format: str, tmp_path: Path) -> None:
    options = FormOptions(wording=frozenset({"item_unnumbered"}), blank_zeros=frozenset({3, 4}))
    answer = make_answer(seed, "2021")  # the 2019 form prints （六） as one row: no bare 其他 there
    if table_format == "html":
        data, name = render_html(answer, HtmlLayout(form=options)), "unnumbered.html"
    else:
        path = tmp_path / "unnumbered.docx"
        render_docx(answer, path, DocxLayout(form=options))
        data, name = path.read_bytes(), path.name
    _assert_every_cell(answer, options, extract_bytes(data, name))
