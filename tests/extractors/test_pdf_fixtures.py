"""Rendered PDF reports in every layout variant → extract → every cell equals the answer key.

Also the real 淮安 PDFs against their answer keys. Fixtures are rendered once per session into a
temporary folder, two seeds per variant and both templates, so no rule can fit a single file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractors.report import Report
from tests.fixtures.checked import extract_bytes, extract_path
from tests.fixtures.compare import wrong_cells
from tests.fixtures.render_pdf import PdfLayout, render_pdf
from tests.fixtures.values import make_answer

SEEDS = (21, 22)
TEMPLATES = ("2021", "2019")
LAYOUTS = {
    "ruled": PdfLayout(),
    "no-ruling-lines": PdfLayout(name="no-ruling-lines", ruled=False),
    "section3-split-header-repeated": PdfLayout(name="split", split_section3=True),
    "section3-transposed": PdfLayout(name="t3", transpose_section3=True),
    "section4-transposed": PdfLayout(name="t4", transpose_section4=True),
    "wrapped-labels-letter-spaced-title": PdfLayout(name="wrapped", wrap_labels=True, letter_spaced_title=True),
    "several-tables-per-page": PdfLayout(name="compact", compact=True, table_font_size=6.5),
    "no-ruling-lines-wrapped-labels": PdfLayout(name="borderless-wrapped", ruled=False, wrap_labels=True),
    # the spanning 行政诉讼 sits between 直接起诉 and 复议后起诉: without rules their labels run together
    # blank = 0 without rules: group labels stand on lines of their own, a column may hold no number
    "no-ruling-lines-blank-zeros": PdfLayout(name="borderless-blank-zeros", ruled=False, blank_zeros=True,
                                             table_font_size=6),
    # at 9 pt the headers of narrow columns stand closer than the gap that separates cells
    "no-ruling-lines-blank-zeros-close-headers": PdfLayout(name="borderless-blank-zeros-9pt", ruled=False,
                                                           blank_zeros=True, table_font_size=9),
    "no-ruling-lines-section4-transposed": PdfLayout(name="borderless-t4", ruled=False, transpose_section4=True),
}
BLANK_ZEROS = PdfLayout(name="blank-zeros", blank_zeros=True)


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf-fixtures")


def _extract(folder: Path, layout: PdfLayout, seed: int, template: str) -> tuple[dict[str, Any], Report]:
    answer = make_answer(seed, template)
    path = folder / f"{layout.name}-{template}-{seed}.pdf"
    render_pdf(answer, path, layout)
    return answer, extract_bytes(path.read_bytes(), path.name)


def assert_every_cell(answer: dict[str, Any], report: Report) -> None:
    assert report.status in ("ok", "invalid"), report.errors
    assert report.template == answer["template"]
    assert wrong_cells(answer, report) == []
    printed = [c for c in report.cells.values() if not c.flags & {"derived", "imputed_zero"}]
    assert printed
    assert all(c.provenance is not None and c.provenance.page and c.provenance.bbox for c in printed)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_pdf_report_extracts_every_cell(fixture_dir: Path, layout: PdfLayout, seed: int, template: str) -> None:
    answer, report = _extract(fixture_dir, layout, seed, template)
    assert_every_cell(answer, report)
    assert report.format == "pdf"


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("seed", SEEDS)
def test_pdf_blank_zero_cells(fixture_dir: Path, seed: int, template: str) -> None:
    answer, report = _extract(fixture_dir, BLANK_ZEROS, seed, template)
    assert_every_cell(answer, report)


@pytest.mark.parametrize("name", ["js-huaian-shizhengfu-2024", "js-huaian-hongzequ-2023"])
def test_real_huaian_pdf_matches_its_answer_key(shared_corpus: Path, name: str) -> None:
    answer = json.loads((shared_corpus / "real" / f"{name}.answer.json").read_text(encoding="utf-8"))
    report = extract_path(shared_corpus / "real" / f"{name}.pdf")
    assert report.status == answer["expect_status"], report.errors
    assert report.template == answer["template"]
    assert wrong_cells(answer, report) == []
    assert report.agency.code == answer["agency"]["code"]


def test_real_hongzequ_2024_is_consistent(shared_corpus: Path) -> None:
    """No answer key: its own printed rules (T3-1…T4-1) must hold once every cell is read."""
    report = extract_path(shared_corpus / "real" / "js-huaian-hongzequ-2024.pdf")
    assert report.status == "ok", report.errors
    failed = [c.rule for c in report.checks if c.status == "fail" and c.severity == "error"]
    assert failed == []
    assert report.to_json()["section3"]["new_requests"]["total"] == 95
