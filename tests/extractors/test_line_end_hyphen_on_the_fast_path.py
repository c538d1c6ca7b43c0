"""PDFium gives a line-end hyphen as code 0x02 (pdfminer keeps '-'): such a page is read by pdfplumber."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from extractors.pdf import FAST, REFERENCE, PdfSettings, read_pdf


def hyphenated_page() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("Helvetica", 12)
    page.drawString(72, 700, "information disclosure ex-")  # a word broken at the line end
    page.drawString(72, 686, "ample text continues here")
    page.save()
    return out.getvalue()


def test_a_line_end_hyphen_sends_the_page_to_the_reference_path() -> None:
    document = read_pdf(hyphenated_page(), "hyphen.pdf", PdfSettings(reader=FAST))
    assert document.extractor == REFERENCE
    assert document.fallback  # PDFium flags the 0x02 as a glyph without a Unicode mapping
    assert "ex-" in document.text and "\x02" not in document.text
