"""A doubtful fast-path reading is read again on the reference path, the doubtful pages first.

A report that fails a sum as printed fails it on every path: reading again only the pages of the
failing sum's cells shows that, and the fast reading is kept without reading the whole file
again. A reading the fast path got wrong on a page is still replaced by the reference reading.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import extractors.pdf as pdf_reader
from extractors.document import Grid, SourceCell
from extractors.extract import _doubtful, build_report, extract_bytes
from extractors.pdf import REFERENCE, PdfSettings, read_pdf
from extractors.pdfium_page import PdfiumPage
from extractors.report import Report
from extractors.template import SECTION4_GROUP_KEYS
from tests.fixtures.render_pdf import PdfLayout, render_pdf
from tests.fixtures.values import make_answer, with_cell


@pytest.fixture
def pages_read_again(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """The page numbers of each reference read, in call order."""
    calls: list[set[int]] = []
    real = pdf_reader._reference_pages

    def spy(data: bytes, source: str, numbers: set[int], settings: PdfSettings) -> Any:
        calls.append(set(numbers))
        return real(data, source, numbers, settings)

    monkeypatch.setattr(pdf_reader, "_reference_pages", spy)
    return calls


def rendered(tmp_path: Path, answer: dict[str, Any]) -> bytes:
    path = tmp_path / "report.pdf"
    render_pdf(answer, path, PdfLayout())
    return path.read_bytes()


def test_a_sum_that_fails_as_printed_rereads_only_its_table_page(tmp_path: Path,
                                                                  pages_read_again: list[set[int]]) -> None:
    answer = make_answer(7)
    group = SECTION4_GROUP_KEYS[0]
    data = rendered(tmp_path, with_cell(answer, 4, group, "total", answer["section4"][group]["total"] + 1))

    report = extract_bytes(data, "report.pdf")

    assert report.extractor == "pdfium" and not report.extractor_fallback
    table_page = report.cells[(4, group, "total")].provenance.page
    assert pages_read_again == [{table_page}]  # one page, not the whole file
    whole = build_report(read_pdf(data, "report.pdf", PdfSettings(reader=REFERENCE)), Report("report.pdf", ""))
    assert _doubtful(whole)  # the whole reference reading would not have been kept either


def test_a_page_the_fast_path_misread_is_replaced_by_the_reference_reading(
        tmp_path: Path, pages_read_again: list[set[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    data = rendered(tmp_path, make_answer(7))
    real_read_page = pdf_reader._read_page
    misread: set[int] = set()

    def misread_table_four(page: Any, source: str, settings: PdfSettings) -> list[Any]:
        blocks = real_read_page(page, source, settings)
        for grid in blocks:
            if isinstance(page, PdfiumPage) and isinstance(grid, Grid) and "行政复议" in str(grid.texts()):
                misread.add(page.page_number)
                grid.rows = [[SourceCell(_plus_one(cell.text), cell.provenance) for cell in row]
                             for row in grid.rows]  # every number of table 四 one too high
        return blocks

    monkeypatch.setattr(pdf_reader, "_read_page", misread_table_four)
    report = extract_bytes(data, "report.pdf")

    assert report.extractor == REFERENCE and "failed a sum" in report.extractor_fallback
    assert pages_read_again[0] == misread
    assert len(pages_read_again) == 2 and pages_read_again[1] > misread  # then the whole file


def _plus_one(text: str) -> str:
    return str(int(text) + 1) if re.fullmatch(r"\d+", text) else text
