"""How much a PDF page draws, counted by PDFium before pdfplumber turns every shape into a Python dict.

A page of 200,000 drawn rectangles costs PDFium a few megabytes but pdfplumber gigabytes; counting
path segments on the PDFium page the reader already opens lets such a page be refused cheaply.
"""

from __future__ import annotations

import pypdfium2
import pypdfium2.raw as pdfium_c


def count_shapes(page: pypdfium2.PdfPage, stop_after: int) -> int:
    """Path segments (lines, curves, rectangle sides) on a page, form XObjects included.

    Counting stops once `stop_after` is passed: the caller only needs to know it was exceeded.
    """
    shapes = 0
    for path in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        shapes += max(1, pdfium_c.FPDFPath_CountSegments(path.raw))
        if shapes > stop_after:
            break
    return shapes
