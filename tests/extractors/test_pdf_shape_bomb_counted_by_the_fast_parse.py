"""The fast path counts a page's shapes in its own walk over the page objects, not by `count_shapes`.

Both counts must agree to the shape: a page at the limit is read, one shape over it is refused
with the same reason, on the fast path, on the reference path and on a page without text.
"""

from __future__ import annotations

import io

import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extractors.document import UnreadableDocument
from extractors.extract import ExtractSettings
from extractors.pdf import FAST, REFERENCE, PdfSettings, read_pdf
from extractors.pdf_bounds import count_shapes
from tests.fixtures.bad_inputs import rect_bomb_pdf


def shapes_on_first_page(data: bytes) -> int:
    pdf = pypdfium2.PdfDocument(data)
    try:
        page = pdf[0]
        shapes = count_shapes(page, 10**9)
        page.close()
        return shapes
    finally:
        pdf.close()


def rects_without_text(rects: int) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for index in range(rects):
        page.rect(10 + index % 500, 10 + index // 500, 1, 1)
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.mark.parametrize("reader", [FAST, REFERENCE])
def test_a_page_at_the_shape_limit_is_read_and_one_over_is_refused(reader: str) -> None:
    data = rect_bomb_pdf(300)
    shapes = shapes_on_first_page(data)
    assert shapes >= 300
    document = read_pdf(data, "rects.pdf", PdfSettings(reader=reader), ExtractSettings(max_page_shapes=shapes))
    assert document.extractor == reader
    with pytest.raises(UnreadableDocument, match=f"rects.pdf: page 1 draws over {shapes - 1:,} shapes"):
        read_pdf(data, "rects.pdf", PdfSettings(reader=reader), ExtractSettings(max_page_shapes=shapes - 1))


def test_a_page_without_text_is_counted_too() -> None:
    data = rects_without_text(300)
    shapes = shapes_on_first_page(data)
    with pytest.raises(UnreadableDocument, match=f"page 1 draws over {shapes - 1:,} shapes"):
        read_pdf(data, "rects.pdf", PdfSettings(ocr=False), ExtractSettings(max_page_shapes=shapes - 1))
