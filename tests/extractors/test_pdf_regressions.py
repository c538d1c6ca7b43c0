"""PDFs pinned by their problem: LibreOffice exports of generated DOCX reports, and rendered layouts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.document import Document
from extractors.pdf import read_pdf
from extractors.report import Report
from tests.fixtures.checked import build_report, extract_path
from tests.fixtures.compare import wrong_cells

PDF_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"


@pytest.mark.parametrize("pdf", sorted(PDF_FIXTURES.glob("*.pdf")), ids=lambda p: p.stem)
def test_office_exported_pdf_extracts_every_cell(pdf: Path) -> None:
    answer = json.loads(pdf.with_suffix(".answer.json").read_text(encoding="utf-8"))
    report = extract_path(pdf)
    assert wrong_cells(answer, report) == []
    assert report.status == answer["expect_status"]


def _without_rows(doc: Document, lost: str) -> Document:
    """The document with every grid row whose text holds `lost` removed (a row a reader missed)."""
    for grid in doc.grids:
        grid.rows = [row for row in grid.rows if lost not in "".join(cell.text for cell in row)]
    return doc


@pytest.mark.parametrize(("lost", "section", "row"), [
    ("行政处罚", 2, "admin_penalty"),
    ("复议后起诉", 4, "litigation_after_review"),
])
def test_a_row_the_reader_missed_is_unlocated_and_fails_c1(lost: str, section: int, row: str) -> None:
    pdf = PDF_FIXTURES / "libreoffice-transposed-row-numbers-wrapped-across-page-break.pdf"  # 四 one row per group
    doc = _without_rows(read_pdf(pdf.read_bytes(), pdf.name), lost)
    report = build_report(doc, Report(source=pdf.name, sha256=""))
    missing = [cell for key, cell in report.cells.items() if key[:2] == (section, row)]
    assert missing and all(c.value is None and "unlocated" in c.flags for c in missing)
    assert report.status == "invalid"
    assert any(c.rule == "C-1" and c.status == "fail" for c in report.checks)


def test_a_found_row_whose_values_came_out_empty_fails_c1() -> None:
    """Issue 14: a reader that merged 行政规范性文件's three numbers into one cell (a page break right
    above the row) left the last two null and the report `ok`. A printed cell of a found row that
    comes out null must fail C-1, whichever reader lost it."""
    pdf = PDF_FIXTURES / "unruled-section2-page-break-before-normative-documents.pdf"
    doc = read_pdf(pdf.read_bytes(), pdf.name)
    for grid in doc.grids:
        grid.rows = [row[:2] if "行政规范性文件" in row[0].text else row for row in grid.rows]
    report = build_report(doc, Report(source=pdf.name, sha256=""))
    lost = [report.cells[(2, "normative_documents", col)] for col in ("repealed", "in_force")]
    assert all(c.value is None and "not_found" in c.flags for c in lost)
    located = next(c for c in report.checks if c.rule == "C-1")
    assert located.status == "fail" and "normative_documents.repealed, normative_documents.in_force" in located.detail
    assert report.status == "invalid"
