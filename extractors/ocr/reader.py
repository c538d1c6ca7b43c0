"""Which PDF pages take the OCR path, and reading them: render with PDFium, recognise, lay out."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pypdfium2

from extractors.document import Block, TextBlock
from extractors.ocr.engine import OcrSettings
from extractors.ocr.page import read_page_image

# The heading of section 五: the tables (二–四) are all before it, so later scanned pages are skipped.
_AFTER_TABLES = re.compile(r"^\s*五\s*[、.．]")


def read_pages(data: bytes, source: str, page_indices: Sequence[int],
               settings: OcrSettings | None = None) -> dict[int, list[Block]]:
    """Blocks of the given 0-based pages, read from their images, in page order.

    OCR costs seconds per page, so it stops at the page where section 五 begins: the title and
    the tables of sections 二–四 are what the report needs from a scan.
    """
    settings = settings or OcrSettings()
    blocks: dict[int, list[Block]] = {}
    for index in sorted(page_indices):
        image = _render(data, index, settings.dpi)
        blocks[index] = read_page_image(image, source, index + 1, settings)
        if any(isinstance(b, TextBlock) and _AFTER_TABLES.match(b.text) for b in blocks[index]):
            break
    return blocks


def _render(data: bytes, index: int, dpi: int) -> np.ndarray:
    from extractors.pdf import _PDFIUM_LOCK  # PDFium is not thread-safe: one lock for every caller

    with _PDFIUM_LOCK:
        pdf = pypdfium2.PdfDocument(data)
        try:
            page = pdf[index]
            try:
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
                return bitmap.to_numpy().copy()
            finally:
                page.close()
        finally:
            pdf.close()
