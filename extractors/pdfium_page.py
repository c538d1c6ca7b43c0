"""The fast PDF path: PDFium parses a page into the objects pdfplumber's algorithms read.

pdfminer spends ~90% of a report's extraction time interpreting content streams in Python.
PDFium does the same work in C. This module asks it for every glyph (text, box, size) and every
painted path, and shapes them exactly as pdfplumber would (char dicts; line/rect/curve dicts built
by pdfminer's own rules for classifying paths), so the ruled-table finder, the word grouping and
the borderless-table rebuild run unchanged on either parse.

Where PDFium and pdfminer could disagree — rotated pages or glyphs, a shifted MediaBox, glyphs
without a Unicode mapping — the page raises UntrustedPage and the caller reads the document on
the reference path instead.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfplumber.page import Page

from extractors import pdfium_unchecked as unchecked

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
PathOp = tuple[str, list[Point]]

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MAX_FORM_DEPTH = 8
_HIGH_SURROGATE = range(0xD800, 0xDC00)
_NOT_TEXT = {0, 0xFFFD, 0xFFFE, 0xFFFF}
# The only codes PDFium gives the chars it generates (CPDF_TextPage: spaces, and \r\n at line ends).
_GENERATED = frozenset({0x20, 0x0D, 0x0A})


class UntrustedPage(Exception):
    """PDFium could read the page, but not in a way known to match the reference parse."""


class TooManyShapes(Exception):
    """The page draws more shapes (path segments) than the reader accepts: a shape bomb."""


class PdfiumPage(Page):
    """A pdfplumber Page whose objects come from PDFium instead of pdfminer.

    Every pdfplumber method that works from `objects` (filter, find_tables, extract_words, chars,
    edges) works unchanged; nothing here touches pdfminer.
    """

    def __init__(self, page_number: int, width: float, height: float, objects: dict[str, list[dict[str, Any]]],
                 initial_doctop: float = 0.0) -> None:
        self.pdf = None  # type: ignore[assignment]  # no pdfminer document behind this page
        self.root_page = self
        self.page_obj = None  # type: ignore[assignment]
        self.page_number = page_number
        self.initial_doctop = initial_doctop
        self.rotation = 0
        self.mediabox = self.cropbox = self.bbox = (0.0, 0.0, width, height)
        self._objects = objects
        self.get_textmap = lru_cache()(self._get_textmap)

    def close(self) -> None:
        self._objects = {}
        self.flush_cache()
        self.get_textmap.cache_clear()


def parse_page(page: pypdfium2.PdfPage, textpage: pypdfium2.PdfTextPage, page_number: int,
               initial_doctop: float = 0.0, max_shapes: int | None = None) -> PdfiumPage:
    """An open page (and its text page) as a PdfiumPage; raises UntrustedPage where the parse could differ.

    The page's path objects are listed first, counting their segments as
    `extractors.pdf_bounds.count_shapes` does: past `max_shapes`, TooManyShapes is raised before
    anything is built.
    """
    left, bottom, right, top = page.get_mediabox()
    if page.get_rotation() % 360 or left or bottom:
        raise UntrustedPage(f"page {page_number} is rotated or its MediaBox does not start at 0,0")
    width, height = right - left, top - bottom
    place = _Placement(page_number, height, initial_doctop)
    paths = _PathReader(place)
    painted = paths.collect(page.raw, max_shapes)
    objects: dict[str, list[dict[str, Any]]] = {"char": _chars(textpage, place)}
    for kind, obj in paths.shapes(painted):
        objects.setdefault(kind, []).append(obj)
    return PdfiumPage(page_number, width, height, objects, initial_doctop)


@dataclass(frozen=True)
class _Placement:
    """Turns PDF user space (bottom-left origin) into pdfplumber's top-left coordinates."""

    page_number: int
    height: float
    doctop: float

    def box(self, x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
        top = self.height - y1
        return {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": x1 - x0, "height": y1 - y0, "top": top,
                "bottom": self.height - y0, "doctop": self.doctop + top, "page_number": self.page_number}

    def point(self, point: Point) -> Point:
        return (point[0], self.height - point[1])


# ---------------------------------------------------------------------------------------------- glyphs
def _chars(textpage: pypdfium2.PdfTextPage, place: _Placement) -> list[dict[str, Any]]:
    """Every printed glyph as a pdfplumber char: pdfminer's box (advance × font size, from the descent).

    This loop runs for every glyph of every page: PDFium's functions and the page's constants are
    bound to locals, and each char dict is built in one literal.
    """
    raw = textpage.raw
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    rect_ref, matrix_ref = ctypes.byref(rect), ctypes.byref(matrix)
    is_generated, map_error = unchecked.is_generated, unchecked.has_unicode_map_error
    matrix_of, box_of, font_size = unchecked.char_matrix, unchecked.loose_char_box, unchecked.font_size
    height, doctop, page_number = place.height, place.doctop, place.page_number
    chars: list[dict[str, Any]] = []
    count = pdfium_c.FPDFText_CountChars(raw)
    codes = _codes(raw, count)
    index = 0
    while index < count:
        at = index
        index += 1
        code = codes[at]
        if code in _GENERATED and is_generated(raw, at):
            continue  # a space or line break PDFium inferred; pdfminer never emits those
        if code in _NOT_TEXT or map_error(raw, at):
            raise UntrustedPage(f"page {page_number} has glyphs without a Unicode mapping")
        text = chr(code)
        if code in _HIGH_SURROGATE and index < count:
            pair = chr(code) + chr(codes[index])
            text = pair.encode("utf-16", "surrogatepass").decode("utf-16")
            index += 1
        if not matrix_of(raw, at, matrix_ref) or not box_of(raw, at, rect_ref):
            raise UntrustedPage(f"page {page_number}: PDFium gives no box for a glyph")
        d = matrix.d
        if matrix.b or matrix.c or matrix.a <= 0 or d <= 0:
            raise UntrustedPage(f"page {page_number} has rotated, mirrored or skewed text")
        size = font_size(raw, at) * d
        x0, x1, y0 = rect.left, rect.right, rect.bottom
        y1 = y0 + size
        top = height - y1
        chars.append({"x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": x1 - x0, "height": y1 - y0, "top": top,
                      "bottom": height - y0, "doctop": doctop + top, "page_number": page_number,
                      "object_type": "char", "text": text, "size": size, "upright": True, "adv": x1 - x0})
    return chars


def _codes(raw: Any, count: int) -> list[int]:
    """Every char's UTF-16 code in one call; char by char if PDFium's text does not hold one unit per char."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(raw, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    if written == count + 1:
        return list(buffer[:count])
    return [pdfium_c.FPDFText_GetUnicode(raw, index) for index in range(count)]  # pragma: no cover - never seen


# ---------------------------------------------------------------------------------------------- paths
_Painted = tuple[Any, Matrix, int]  # a path object, its matrix to page space, its number of segments


class _PathReader:
    """Every painted path on a page (inside form XObjects too), classified as pdfminer does.

    PDFium is asked with its unchecked calls (extractors/pdfium_unchecked.py), into output
    values allocated once per page.
    """

    def __init__(self, place: _Placement) -> None:
        self.place = place
        self.matrix = pdfium_c.FS_MATRIX()
        self.fill_mode, self.stroke, self.width = ctypes.c_int(), ctypes.c_int(), ctypes.c_float()
        self.rgba = [ctypes.c_uint() for _ in range(4)]
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        self.segments = 0

    def collect(self, page: Any, max_shapes: int | None) -> list[_Painted]:
        """The page's path objects in drawing order; TooManyShapes once their segments pass `max_shapes`."""
        count = pdfium_c.FPDFPage_CountObjects(page)
        found: list[_Painted] = []
        self.segments = 0
        self._collect([unchecked.page_object(page, i) for i in range(count)], _IDENTITY, 0, found, max_shapes)
        return found

    def _collect(self, objects: list[Any], outer: Matrix, depth: int, found: list[_Painted],
                 max_shapes: int | None) -> None:
        matrix, matrix_ref = self.matrix, ctypes.byref(self.matrix)
        for obj in objects:
            kind = unchecked.object_type(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                segments = unchecked.count_segments(obj)
                self.segments += max(1, segments)  # as count_shapes counts: a path is at least one shape
                if max_shapes is not None and self.segments > max_shapes:
                    raise TooManyShapes(f"page {self.place.page_number} draws over {max_shapes:,} shapes")
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                if depth >= _MAX_FORM_DEPTH:
                    raise UntrustedPage(f"page {self.place.page_number}: form XObjects nested over "
                                        f"{_MAX_FORM_DEPTH} deep")
            else:
                continue
            unchecked.object_matrix(obj, matrix_ref)
            ctm = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
                self._collect(inner, ctm, depth + 1, found, max_shapes)
            else:
                found.append((obj, ctm, segments))

    def shapes(self, painted: list[_Painted]) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each painted subpath as a pdfplumber line, rect or curve."""
        for obj, ctm, segments in painted:
            yield from self._painted(obj, ctm, segments)

    def _painted(self, obj: Any, ctm: Matrix, segments: int) -> Iterator[tuple[str, dict[str, Any]]]:
        if not unchecked.draw_mode(obj, ctypes.byref(self.fill_mode), ctypes.byref(self.stroke)):
            return
        fill_mode = self.fill_mode.value
        width = float(self.width.value) if unchecked.stroke_width(obj, ctypes.byref(self.width)) else 1.0
        style = {
            "stroke": bool(self.stroke.value), "fill": fill_mode != 0, "evenodd": fill_mode == 1, "linewidth": width,
            "stroking_color": self._color(obj, unchecked.stroke_color),
            "non_stroking_color": self._color(obj, unchecked.fill_color), "dash": None,
        }
        place = self.place
        for subpath in _subpaths(self._operations(obj, ctm, segments)):
            shaped = _shape(subpath)
            if shaped is not None:
                kind, points, original = shaped
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                item = place.box(min(xs), min(ys), max(xs), max(ys))
                item.update(style, object_type=kind, pts=[place.point(p) for p in points],
                            path=[(op, *(place.point(p) for p in pts)) for op, pts in original])
                yield kind, item

    def _operations(self, obj: Any, ctm: Matrix, segments: int) -> list[PathOp]:
        """The path as pdfminer's operators (m, l, c, h) with points in page space."""
        x, y = self.x, self.y
        x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
        segment_of, point_of = unchecked.path_segment, unchecked.segment_point
        type_of, closes = unchecked.segment_type, unchecked.segment_closes
        bezier_to, move_to = pdfium_c.FPDF_SEGMENT_BEZIERTO, pdfium_c.FPDF_SEGMENT_MOVETO
        a, b, c, d, e, f = ctm
        operations: list[PathOp] = []
        bezier: list[Point] = []
        for index in range(segments):
            segment = segment_of(obj, index)
            point_of(segment, x_ref, y_ref)
            px, py = x.value, y.value
            point = (a * px + c * py + e, b * px + d * py + f)
            kind = type_of(segment)
            if kind == bezier_to:
                bezier.append(point)
                if len(bezier) == 3:
                    operations.append(("c", bezier))
                    bezier = []
            else:
                operations.append(("m" if kind == move_to else "l", [point]))
            if closes(segment) and not bezier:
                operations.append(("h", []))
        return operations

    def _color(self, obj: Any, getter: Any) -> tuple[float, ...] | None:
        r, g, b, a = self.rgba
        if not getter(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
            return None
        return (r.value / 255, g.value / 255, b.value / 255)


def _subpaths(operations: list[PathOp]) -> list[list[PathOp]]:
    """pdfminer paints each subpath (from one `m` to the next) as its own object."""
    shape = "".join(op for op, _ in operations)
    if shape[:1] != "m":
        return []
    return [operations[found.start():found.end()] for found in re.finditer(r"m[^m]*", shape)]


def _shape(path: list[PathOp]) -> tuple[str, list[Point], list[PathOp]] | None:
    """pdfminer's paint_path: a straight segment is a line, an axis-aligned closed box a rect, else a curve."""
    shape = "".join(op for op, _ in path)
    if len(shape) < 2:
        return None  # a lone moveto paints nothing (pdfminer makes a zero-size curve, never an edge)
    points = [pts[-1] if op != "h" else path[0][1][-1] for op, pts in path]
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape = shape[:-2] + "h"
        points.pop()
    if shape in ("mlh", "ml"):
        return "line", points[:2], path
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if points[0] == points[4] and square:
            (left, low), (right, high) = points[0], points[2]
            return "rect", [(left, low), (right, low), (right, high), (left, high)], path
    return "curve", points, path


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
