"""Rendered HTML and DOCX reports → extract → every cell of sections 二/三/四 equals the answer key.

Each layout is drawn with two seeds (different values and agencies) and both templates, HTML in
three encodings and with wrong or missing <meta>, so a rule that only fits one file cannot pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors.docx import read_docx
from extractors.report import Report
from tests.fixtures.checked import extract_bytes
from tests.fixtures.compare import wrong_cells
from tests.fixtures.render_docx import DocxLayout, render_docx
from tests.fixtures.render_html import HtmlLayout, render_html
from tests.fixtures.report_form import FormOptions
from tests.fixtures.values import make_answer, with_cell

SEEDS = (11, 12)
TEMPLATES = ("2021", "2019")

HTML_LAYOUTS = {
    "plain-utf8": HtmlLayout(),
    "gbk-word-export-meta-says-utf8": HtmlLayout(encoding="gbk", meta="wrong", word_markup=True, seed=5),
    "gb18030-no-meta-layout-table": HtmlLayout(encoding="gb18030", meta="missing", wrapper_table=True),
    "utf8-word-export-meta-says-gbk": HtmlLayout(meta="wrong", word_markup=True, seed=9),
    "gbk-one-table-per-block-section3-split": HtmlLayout(
        encoding="gbk", form=FormOptions(split_section2=True, split_section3_at=10)),
    "section3-split-without-repeated-header": HtmlLayout(form=FormOptions(split_section3_at=15, repeat_header=False)),
}
DOCX_LAYOUTS = {
    "official-merges": DocxLayout(),
    "split-tables-in-layout-table": DocxLayout(
        form=FormOptions(split_section2=True, split_section3_at=12), wrapper_table=True),
    "section3-split-without-repeated-header": DocxLayout(
        form=FormOptions(split_section3_at=7, repeat_header=False), wrap_short_labels=False),
}


def assert_extracted(answer: dict[str, Any], report: Report, table_format: str) -> None:
    assert report.status in ("ok", "invalid"), report.errors
    assert report.template == answer["template"]
    assert wrong_cells(answer, report) == []
    printed = [c for c in report.cells.values() if not c.flags & {"derived"}]
    assert printed and all(c.provenance is not None and c.provenance.table is not None
                           and c.provenance.row is not None and c.provenance.col is not None for c in printed)
    assert report.format == table_format


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("layout", HTML_LAYOUTS.values(), ids=HTML_LAYOUTS.keys())
def test_html_report_extracts_every_cell(layout: HtmlLayout, seed: int, template: str) -> None:
    answer = make_answer(seed, template)
    report = extract_bytes(render_html(answer, layout), f"report-{seed}.html")
    assert_extracted(answer, report, "html")


@pytest.mark.parametrize("seed", SEEDS)
def test_http_charset_decides_when_the_page_declares_nothing(seed: int) -> None:
    answer = make_answer(seed)
    data = render_html(answer, HtmlLayout(encoding="gbk", meta="missing", word_markup=True, seed=seed))
    assert_extracted(answer, extract_bytes(data, "page.shtml", http_charset="GB2312"), "html")


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("layout", DOCX_LAYOUTS.values(), ids=DOCX_LAYOUTS.keys())
def test_docx_report_extracts_every_cell(layout: DocxLayout, seed: int, template: str, tmp_path: Path) -> None:
    answer = make_answer(seed, template)
    path = tmp_path / f"report-{seed}.docx"
    render_docx(answer, path, layout)
    assert_extracted(answer, extract_bytes(path.read_bytes(), path.name), "docx")


@pytest.mark.parametrize("seed", SEEDS)
def test_transposed_section3_extracts_every_cell(seed: int) -> None:
    answer = make_answer(seed)
    report = extract_bytes(render_html(answer, HtmlLayout(form=FormOptions(transpose_section3=True))), "t.html")
    assert_extracted(answer, report, "html")


def test_a_wrong_cell_is_reported_by_the_comparison() -> None:
    answer = make_answer(SEEDS[0])
    report = extract_bytes(render_html(answer, HtmlLayout()), "r.html")
    changed = with_cell(answer, 3, "granted", "total", answer["section3"]["granted"]["total"] + 1)
    assert wrong_cells(changed, report) == [
        f"section3.granted.total: {changed['section3']['granted']['total']} != {answer['section3']['granted']['total']}"
    ]


def test_docx_fixture_copies_the_official_form_labels_and_merges(tmp_path: Path) -> None:
    """Header rows and label columns of the rendered tables read exactly like the blank official form."""
    form = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real" / "template-gbgkbh-2021-30-blank.docx"
    if not form.is_file():
        pytest.fail(f"{form} is missing: this test needs ../shared/corpus beside the project")
    path = tmp_path / "r.docx"
    render_docx(make_answer(SEEDS[0]), path, DocxLayout())
    official = [g.texts() for g in read_docx(form.read_bytes(), form.name).grids]
    rendered = [g.texts() for g in read_docx(path.read_bytes(), path.name).grids]
    assert [len(g) for g in rendered] == [len(g) for g in official]
    labels = {0: 1, 1: 3, 2: 0}  # label columns per table (section 二, 三, 四)
    headers = {0: 0, 1: 3, 2: 3}
    for t, (ours, theirs) in enumerate(zip(rendered, official, strict=True)):
        assert ours[: headers[t]] == theirs[: headers[t]]
        assert [row[: labels[t]] for row in ours] == [row[: labels[t]] for row in theirs]
