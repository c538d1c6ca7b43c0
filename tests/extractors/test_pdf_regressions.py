"""Real office exports: PDFs LibreOffice made from generated DOCX reports, pinned by their problem."""

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
