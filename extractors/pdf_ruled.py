"""Tables drawn with ruling lines, found by pdfplumber's lattice finder on the visible edges only.

Office exports (WPS, Word) put every body-text line in a white, unstroked rectangle; pdfplumber
would see those as a page-tall one-column table. Only edges a reader can see make a table.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from operator import itemgetter
from typing import Any

from pdfplumber.page import Page
from pdfplumber.table import CellGroup, Table
from pdfplumber.utils import extract_text
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE, LIGATURES

from extractors.document import Grid, Provenance, SourceCell
from extractors.pdf_lattice import find_lattice_tables
from extractors.pdf_text import join_wrapped, rounded_bbox

_WHITE = 0.95
_MIN_RULE = 5.0  # points: shorter vertical strokes are glyph parts or ticks, not cell borders
_SNAP = 2.0  # points: rule ends this close count as one height
# Tops this close make one line in pdfplumber's clustering (a margin under its tolerance, so float
# rounding never decides): such a cell's text is computed directly (`_cell_text`).
_ONE_LINE = DEFAULT_Y_TOLERANCE - 0.5
_LATTICE = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _is_white(color: Any) -> bool:
    """True for white in gray, RGB or CMYK (pdfminer passes tuples, numbers or pattern names)."""
    if isinstance(color, (int, float)):
        return color >= _WHITE
    if isinstance(color, (tuple, list)) and color and all(isinstance(c, (int, float)) for c in color):
        if len(color) == 4:  # CMYK: white is no ink
            return all(c <= 1 - _WHITE for c in color)
        return all(c >= _WHITE for c in color)
    return False


def is_visible_edge(obj: dict[str, Any]) -> bool:
    """Whether a line/rect/curve could be seen on paper (and so can delimit a table)."""
    kind = obj.get("object_type")
    if kind not in ("line", "rect", "curve"):
        return True
    stroked = bool(obj.get("stroke", kind == "line")) and not _is_white(obj.get("stroking_color"))
    filled = bool(obj.get("fill")) and not _is_white(obj.get("non_stroking_color"))
    return stroked or filled


def find_ruled_tables(page: Page) -> list[Table]:
    """Lattice tables with two columns somewhere (a framed paragraph is not a table).

    One row is enough: a table broken by a page can leave a single row on the next page.
    """
    visible = page.filter(is_visible_edge)
    settings = {**_LATTICE, "explicit_horizontal_lines": _closing_edges(visible.edges)}
    tables = find_lattice_tables(visible, settings)
    return [t for t in tables if t.rows and _has_columns(t)]


def _closing_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal borders implied where several vertical rules stop at the same height.

    A table broken by a page often lacks its closing rule (or part of its top rule) on one side of
    the break; without it, the last row would fall out of the table.
    """
    verticals = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] >= _MIN_RULE]
    closing: list[dict[str, Any]] = []
    for end in ("top", "bottom"):
        for group in _clusters(sorted(verticals, key=lambda e: e[end]), end):
            if len(group) >= 3:
                y = statistics.median(e[end] for e in group)
                x0, x1 = min(e["x0"] for e in group), max(e["x1"] for e in group)
                closing.append({"object_type": "closing_edge", "orientation": "h", "x0": x0, "x1": x1,
                                "top": y, "bottom": y, "width": x1 - x0, "height": 0})
    return closing


def _clusters(edges: list[dict[str, Any]], key: str) -> list[list[dict[str, Any]]]:
    groups: list[list[dict[str, Any]]] = []
    for edge in edges:
        if groups and edge[key] - groups[-1][-1][key] <= _SNAP:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    return groups


def _has_columns(table: Table) -> bool:
    return any(sum(cell is not None for cell in row.cells) >= 2 for row in table.rows)


def ruled_grid(page: Page, table: Table, source: str) -> Grid:
    """A table as a rectangular grid; merged positions are empty strings with the span's geometry."""
    page_number = page.page_number
    table_rows = table.rows  # a property pdfplumber recomputes on every access
    texts = _table_texts(page, table, table_rows)
    column_x = _column_extents(table, table_rows)
    rows: list[list[SourceCell]] = []
    for row, row_texts in zip(table_rows, texts, strict=True):
        top, bottom = row.bbox[1], row.bbox[3]
        cells: list[SourceCell] = []
        for index, text in enumerate(row_texts):
            bbox = row.cells[index] if index < len(row.cells) else None
            if bbox is None:
                x0, x1 = column_x[index]
                bbox = (x0, top, x1, bottom)
            provenance = Provenance(file=source, page=page_number, bbox=rounded_bbox(bbox))
            cells.append(SourceCell(join_wrapped(text or ""), provenance))
        rows.append(cells)
    return Grid(rows=rows, provenance=Provenance(file=source, page=page_number, bbox=rounded_bbox(table.bbox)))


_Placed = tuple[float, float, int, dict[str, Any]]  # a char's centre, its order on the page, the char


def _table_texts(page: Page, table: Table, rows: list[CellGroup]) -> list[list[str | None]]:
    """What `Table.extract()` returns, without testing every char of the page against every cell.

    A char belongs to a cell when its centre lies in the cell's half-open box, as in pdfplumber;
    only the chars whose centre lies in the table's box are considered, sorted by their centre
    so that each row takes its band and each cell its x-range by bisection, in page order.
    """
    x0, top, x1, bottom = table.bbox
    inside: list[_Placed] = []
    for order, c in enumerate(page.chars):
        h_mid, v_mid = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        if x0 <= h_mid <= x1 and top <= v_mid <= bottom:
            inside.append((h_mid, v_mid, order, c))
    inside.sort(key=itemgetter(1))
    middles = [item[1] for item in inside]
    texts: list[list[str | None]] = []
    for row in rows:
        band = inside[bisect_left(middles, row.bbox[1]):bisect_left(middles, row.bbox[3])]
        row_chars = sorted((item for item in band if _within(item, row.bbox)), key=itemgetter(0, 2))
        centres = [item[0] for item in row_chars]
        texts.append([None if cell is None else _cell_text(_cell_chars(row_chars, centres, cell))
                      for cell in row.cells])
    return texts


def _cell_chars(row_chars: list[_Placed], centres: list[float], cell: tuple[float, float, float, float]
                ) -> list[dict[str, Any]]:
    """The row's chars whose centre lies in `cell` (half-open), in page order."""
    first, last = bisect_left(centres, cell[0]), bisect_left(centres, cell[2])
    chosen = sorted((item for item in row_chars[first:last] if cell[1] <= item[1] < cell[3]), key=itemgetter(2))
    return [item[3] for item in chosen]


def _cell_text(chars: list[dict[str, Any]]) -> str:
    """pdfplumber's `extract_text` of a cell, computed directly for the common case of one printed line.

    When every char is upright, none is blank and their tops lie well within the line tolerance,
    pdfplumber makes one line of them, sorted by x0 (stably), split into words at gaps wider
    than the x tolerance, and joins those words with spaces. Anything else goes to pdfplumber.
    """
    if not chars:
        return ""
    tops = [c["top"] for c in chars]
    if (max(tops) - min(tops) > _ONE_LINE or any(not c["upright"] or c["text"].isspace() for c in chars)):
        return extract_text(chars)
    words: list[str] = []
    previous: dict[str, Any] | None = None
    for char in sorted(chars, key=itemgetter("x0")):
        glyph = LIGATURES.get(char["text"], char["text"])
        if previous is not None and char["x0"] <= previous["x1"] + DEFAULT_X_TOLERANCE:
            words[-1] += glyph
        else:
            words.append(glyph)
        previous = char
    return " ".join(words)


def _within(item: _Placed, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= item[0] < box[2] and box[1] <= item[1] < box[3]


def _column_extents(table: Table, rows: list[CellGroup]) -> list[tuple[float, float]]:
    """Each column's x-range, from the narrowest cell that starts in it (merged cells are wider)."""
    width = max(len(r.cells) for r in rows)
    extents: list[tuple[float, float]] = []
    for index in range(width):
        boxes = [box for r in rows if index < len(r.cells) and (box := r.cells[index]) is not None]
        if boxes:
            narrowest = min(boxes, key=lambda b: b[2] - b[0])
            extents.append((narrowest[0], narrowest[2]))
        else:
            start = extents[-1][1] if extents else table.bbox[0]
            extents.append((start, start))
    return extents
