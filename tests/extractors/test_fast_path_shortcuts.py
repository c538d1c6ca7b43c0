"""The ruled-table shortcuts give pdfplumber's own answers, page by page, on both parses.

`extractors/pdf_lattice.py` replaces pdfplumber's cell search and grouping of cells into tables,
`pdf_ruled._cell_text` its per-cell `extract_text` for one-line cells and `pdf_words.page_words`
its `extract_words`; each claims to return exactly what pdfplumber would.
Every page of the rendered layouts, the committed PDFs and the real corpus is checked against
pdfplumber itself, on the PDFium parse and on pdfminer's.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2
import pytest
from pdfplumber.table import TableSettings, edges_to_intersections
from pdfplumber.table import cells_to_tables as pdfplumber_tables
from pdfplumber.table import intersections_to_cells as pdfplumber_cells
from pdfplumber.utils import extract_text, extract_words

from extractors.pdf_borderless import Word
from extractors.pdf_lattice import _LatticeFinder, cells_to_tables, intersections_to_cells
from extractors.pdf_ruled import _cell_chars, _cell_text, find_ruled_tables, is_visible_edge
from extractors.pdf_words import page_words
from extractors.pdfium_page import parse_page
from tests.extractors.test_fast_path_equivalence import COMMITTED
from tests.extractors.test_pdf_fixtures import BLANK_ZEROS, LAYOUTS
from tests.fixtures.render_pdf import render_pdf
from tests.fixtures.values import make_answer

LAYOUTS_TO_RENDER = [*LAYOUTS.values(), BLANK_ZEROS]


def pages(data: bytes) -> Iterator[Any]:
    """Every page of a PDF, parsed by PDFium and by pdfminer."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            yield parse_page(page, textpage, index + 1)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        yield from plumber.pages


def check_page(page: Any) -> int:
    """Compare the shortcuts with pdfplumber on one page; the number of cells compared."""
    visible = page.filter(is_visible_edge)
    finder = _LatticeFinder(visible, TableSettings.resolve({"vertical_strategy": "lines",
                                                             "horizontal_strategy": "lines"}))
    settings = finder.settings
    intersections = edges_to_intersections(finder.edges, settings.intersection_x_tolerance,
                                           settings.intersection_y_tolerance)
    words = extract_words(page.chars, x_tolerance=3, y_tolerance=3, extra_attrs=["size"])
    assert page_words(page.chars, 3, 3) == [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], w["size"])
                                            for w in words]
    cells = intersections_to_cells(intersections)
    assert cells == pdfplumber_cells(intersections)
    assert cells_to_tables(cells) == pdfplumber_tables(cells)
    compared = 0
    for table in find_ruled_tables(page):
        for row in table.rows:
            placed = sorted((((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, order, c)
                             for order, c in enumerate(page.chars)), key=lambda item: (item[0], item[2]))
            centres = [item[0] for item in placed]
            for cell in row.cells:
                if cell is None:
                    continue
                chars = _cell_chars(placed, centres, cell)
                assert _cell_text(chars) == (extract_text(chars) if chars else "")
                compared += 1
    return compared


@pytest.mark.parametrize("layout", LAYOUTS_TO_RENDER, ids=lambda layout: layout.name)
def test_rendered_layouts(tmp_path: Path, layout: Any) -> None:
    path = tmp_path / "report.pdf"
    render_pdf(make_answer(31, "2021"), path, layout)
    compared = sum(check_page(page) for page in pages(path.read_bytes()))
    assert compared > 0 or not layout.ruled  # a layout without rules has no ruled cells


def test_committed_and_real_pdfs(shared_corpus: Path) -> None:
    compared = 0
    for path in [*COMMITTED, *sorted(shared_corpus.rglob("*.pdf"))]:
        compared += sum(check_page(page) for page in pages(path.read_bytes()))
    assert compared > 500


def test_one_line_cells_are_split_where_pdfplumber_splits_them() -> None:
    """Touching glyphs make one word, a gap over the x tolerance two; two lines go to pdfplumber."""
    one = {"x0": 0.0, "x1": 5.0, "top": 0.0, "bottom": 5.0, "doctop": 0.0, "upright": True, "text": "1"}
    touching = {**one, "x0": 5.5, "x1": 10.0, "top": 1.0, "doctop": 1.0, "text": "2"}
    apart = {**touching, "x0": 9.0, "x1": 14.0}
    below = {**one, "top": 10.0, "bottom": 15.0, "doctop": 10.0, "text": "3"}
    for chars, text in (([touching, one], "12"), ([one, apart], "1 2"), ([one, below], "1\n3")):
        assert _cell_text(chars) == extract_text(chars) == text


def _char(text: str, x0: float, top: float, size: float = 10.0, upright: bool = True) -> dict[str, Any]:
    return {"text": text, "x0": x0, "x1": x0 + 5, "top": top, "bottom": top + size, "doctop": top, "size": size,
            "upright": upright, "height": size, "width": 5}


@pytest.mark.parametrize("upright", [True, False])
def test_words_of_odd_chars_are_pdfplumbers(upright: bool) -> None:
    """Blanks, an empty text, a ligature, a size change, lines within the tolerance, a char out of order."""
    chars = [_char("a", 10, 100), _char("b", 15, 101.5), _char(" ", 20, 100), _char("c", 25, 100),
             _char("", 30, 100), _char("ﬁ", 35, 100), _char("d", 40, 100, size=12), _char("e", 8, 100),
             _char("f", 12, 103.2), _char("g", 50, 130), _char("h", 61, 130), _char("i", 45, 130),
             _char("j", 70, 130, upright=upright)]
    expected = extract_words(chars, x_tolerance=3, y_tolerance=3, extra_attrs=["size"])
    assert page_words(chars, 3, 3) == [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], w["size"])
                                       for w in expected]
