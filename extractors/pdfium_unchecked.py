"""PDFium's C functions for the fast path's per-glyph and per-path loops, without ctypes' argument checks.

pypdfium2.raw declares `argtypes` for every function, so ctypes converts and checks each argument
of each call: more than half of the ~0.5 µs a call costs, and the fast path makes several calls per
glyph and per path segment. Here the same functions (same addresses, same library) are bound
again with their result type only. Callers must pass what the C signature takes, unconverted:
PDFium handles as returned by these functions or by pypdfium2 (ctypes pointers), `int` where
the C type is `int`, and `ctypes.byref()` of a ctypes value for every pointer argument.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c


def _unchecked(function: Any) -> Any:
    """`function` called with its arguments as given (no `argtypes`), returning its declared type."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:  # pragma: no cover - pypdfium2 binds every function it declares
        raise ImportError(f"PDFium has no {function.__name__}")
    return ctypes.CFUNCTYPE(function.restype)(address)


# Text pages: (textpage, index[, out]).
is_generated = _unchecked(pdfium_c.FPDFText_IsGenerated)
has_unicode_map_error = _unchecked(pdfium_c.FPDFText_HasUnicodeMapError)
char_matrix = _unchecked(pdfium_c.FPDFText_GetMatrix)
loose_char_box = _unchecked(pdfium_c.FPDFText_GetLooseCharBox)
font_size = _unchecked(pdfium_c.FPDFText_GetFontSize)
# Page objects: (page, index) and (object[, out...]).
page_object = _unchecked(pdfium_c.FPDFPage_GetObject)
object_type = _unchecked(pdfium_c.FPDFPageObj_GetType)
object_matrix = _unchecked(pdfium_c.FPDFPageObj_GetMatrix)
draw_mode = _unchecked(pdfium_c.FPDFPath_GetDrawMode)
stroke_width = _unchecked(pdfium_c.FPDFPageObj_GetStrokeWidth)
stroke_color = _unchecked(pdfium_c.FPDFPageObj_GetStrokeColor)
fill_color = _unchecked(pdfium_c.FPDFPageObj_GetFillColor)
count_segments = _unchecked(pdfium_c.FPDFPath_CountSegments)
# Path segments: (path, index) and (segment[, out...]).
path_segment = _unchecked(pdfium_c.FPDFPath_GetPathSegment)
segment_point = _unchecked(pdfium_c.FPDFPathSegment_GetPoint)
segment_type = _unchecked(pdfium_c.FPDFPathSegment_GetType)
segment_closes = _unchecked(pdfium_c.FPDFPathSegment_GetClose)
