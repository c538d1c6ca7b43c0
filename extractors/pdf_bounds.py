"""How much a PDF page holds, measured before the readers build it in memory.

A page of 200,000 drawn rectangles costs PDFium a few megabytes but pdfplumber gigabytes; counting
path segments on the PDFium page the reader already opens lets such a page be refused cheaply.
A content stream that inflates to gigabytes (a flate bomb) is measured in steps before anything
inflates it whole.
"""

from __future__ import annotations

import io
import zlib
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1

_STEP = 1 << 20
_MAX_FORM_DEPTH = 14  # as deep as pypdfium2's get_objects looks into form XObjects


def count_shapes(page: pypdfium2.PdfPage, stop_after: int) -> int:
    """Path segments (lines, curves, rectangle sides) on a page, form XObjects included.

    Counting stops once `stop_after` is passed: the caller only needs to know it was exceeded.
    Raw PDFium calls, no helper object per page object: this runs on every page of every file.
    """
    count, get = pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject
    return _count_shapes([get(page.raw, i) for i in range(count(page.raw))], stop_after, 0)


def _count_shapes(objects: list[Any], stop_after: int, depth: int) -> int:
    shapes = 0
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            shapes += max(1, pdfium_c.FPDFPath_CountSegments(obj))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
            shapes += _count_shapes(inner, stop_after - shapes, depth + 1)
        if shapes > stop_after:
            break
    return shapes


def page_over_content_limit(data: bytes, limit: int) -> int | None:
    """The first page whose content streams inflate past `limit` bytes, or None.

    Inflated in 1 MB steps and thrown away, before PDFium or pdfminer inflate a stream whole. A
    file pdfminer cannot open here is left to the readers, which say precisely what is wrong.
    """
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            inflated = 0
            for stream in page.contents:
                stream = resolve1(stream)
                if isinstance(stream, PDFStream):
                    inflated += _inflated_size(stream, limit - inflated)
                if inflated > limit:
                    return number
    except Exception:  # damaged files are diagnosed by the readers themselves, more precisely
        return None
    return None


def _inflated_size(stream: PDFStream, budget: int) -> int:
    """Bytes a content stream inflates to, counted up to just past `budget`."""
    raw = stream.get_rawdata() or b""
    filters = [name for name, _ in stream.get_filters()]
    if [getattr(name, "name", name) for name in filters] not in (["FlateDecode"], ["Fl"]):
        return len(raw)
    inflater = zlib.decompressobj()
    size = 0
    while raw and size <= budget:
        size += len(inflater.decompress(raw, _STEP))
        raw = inflater.unconsumed_tail
    return size
