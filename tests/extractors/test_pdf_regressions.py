"""Real office exports: PDFs LibreOffice made from generated DOCX reports, pinned by their problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.extract import extract_path
from tests.fixtures.compare import wrong_cells

PDF_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"


@pytest.mark.parametrize("pdf", sorted(PDF_FIXTURES.glob("*.pdf")), ids=lambda p: p.stem)
def test_office_exported_pdf_extracts_every_cell(pdf: Path) -> None:
    answer = json.loads(pdf.with_suffix(".answer.json").read_text(encoding="utf-8"))
    report = extract_path(pdf)
    assert wrong_cells(answer, report) == []
    assert report.status == answer["expect_status"]
