"""The mapper's row model and cell geometry, shared by every section.

A Row is a table row with its cells parsed once; the helpers join rows broken by a page,
find where values start, and lay out cells of one table's chunks in shared columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractors.document import SourceCell
from extractors.numbers import ParsedCell, normalise_text, parse_cell
from extractors.report import Cell, Report

_PUNCT = re.compile(r"[\s()（）、.．,，:：;；“”\"'‘’·「」\[\]【】]")


@lru_cache(maxsize=8192)  # the same labels and anchors are squeezed thousands of times per report
def squeeze(text: str) -> str:
    """Label text for matching: NFKC, no whitespace or punctuation (`（七）总计` → `七总计`)."""
    return _PUNCT.sub("", normalise_text(text))


def anchor_hits(label: str, anchors: tuple[str, ...]) -> bool:
    return any(squeeze(a) in label for a in anchors)


@dataclass
class Row:
    """A table row with its cells parsed once."""

    cells: list[SourceCell]
    grid: int = 0
    parsed: list[ParsedCell] = field(init=False)

    def __post_init__(self) -> None:
        self.parsed = [parse_cell(c.text) for c in self.cells]

    @property
    def text(self) -> str:
        return squeeze("".join(c.text for c in self.cells))

    def value_indices(self) -> list[int]:
        """Columns holding a number or a not-applicable marker."""
        return [i for i, p in enumerate(self.parsed) if p.kind in ("number", "na")]

    def numbers(self) -> list[int]:
        return [i for i, p in enumerate(self.parsed) if p.is_number]


def place_cell(report: Report, section: int, row_key: str, col_key: str, source: SourceCell | None,
           parsed: ParsedCell | None) -> None:
    """Record one cell; blanks and markers keep their raw text and a flag. No source: the row was
    found but none of its grid cells held this value (`not_found`, a blank to blank = 0)."""
    if source is None or parsed is None:
        report.set_cell(Cell(section, row_key, col_key, None, "", None, frozenset({"blank", "not_found"})))
        return
    flags = {"number": frozenset(), "na": frozenset({"na_marker"}), "blank": frozenset({"blank"})}
    report.set_cell(Cell(section, row_key, col_key, parsed.value, source.text, source.provenance,
                         flags.get(parsed.kind, frozenset({"unparsed"}))))


def first_label_index(row: Row) -> int | None:
    """The first cell with text that is not a number (a row label)."""
    for i, parsed in enumerate(row.parsed):
        if parsed.kind == "text":
            return i
    return None


def mark_unlocated(report: Report, section: int, printed: list[tuple[str, str]]) -> None:
    """Cells the form prints but no grid cell could be matched to: null, and said so (rule C-1)."""
    for row, column in printed:
        if (section, row, column) not in report.cells:
            report.set_cell(Cell(section, row, column, None, "", None, frozenset({"unlocated"})))


# A cell that is part of a value: digits, separators, signs, units and not-applicable markers.
_LABEL_CHAR = re.compile(r"[^\d０-９%+\-−—–/／件个条项次万元无]")


def has_label_text(row: Row) -> bool:
    return any(_LABEL_CHAR.search(squeeze(c.text)) for c in row.cells)


def join_rows(head: Row, tail: Row) -> list[SourceCell]:
    """A row's two parts as one: value cells right-aligned (chunks share their right edge), label
    cells paired in order, since the next page may split a label column (`三、|（一）予以公` over
    `本年度办理结果|开|`); with unequal label counts the tail's label ends the head's."""
    head_values = first_value_like(head)
    tail_values = first_value_like(tail)
    shift = len(head.cells) - len(tail.cells)
    cells = [SourceCell(cell.text + (tail.cells[j - shift].text if j - shift >= tail_values else ""), cell.provenance)
             if j >= head_values else cell for j, cell in enumerate(head.cells)]
    head_labels = [j for j in range(head_values) if head.cells[j].text.strip()]
    tail_labels = [c.text for c in tail.cells[:tail_values] if c.text.strip()]
    if not tail_labels:
        return cells
    if len(head_labels) != len(tail_labels):
        head_labels, tail_labels = head_labels[-1:], ["".join(tail_labels)]
    for j, text in zip(head_labels, tail_labels, strict=False):
        cells[j] = SourceCell(cells[j].text + text, cells[j].provenance)
    return cells


def first_value_index(row: Row) -> int:
    found = row.value_indices()
    return found[0] if found else len(row.cells)


_CUT_NUMBER = re.compile(r"^\d{1,3}(,\d{3})*,$")  # `2,` when `916` wrapped to the next page


def first_value_like(row: Row) -> int:
    """The first value cell, counting a number cut after its thousands separator."""
    def value_like(index: int) -> bool:
        cut = _CUT_NUMBER.match(normalise_text(row.cells[index].text).replace(" ", ""))
        return row.parsed[index].kind in ("number", "na") or cut is not None
    return next((i for i in range(len(row.cells)) if value_like(i)), len(row.cells))


def grid_width(rows: list[Row]) -> int:
    return max(len(r.cells) for r in rows)


def printed_width(rows: list[Row]) -> int:
    """One past the right-most cell with text in any of the rows."""
    return max((j + 1 for r in rows for j, c in enumerate(r.cells) if c.text.strip()), default=0)


_SAME_X = 2.0  # PDF points: column edges of one table agree across its pages to well under this


def aligned_to(cells: list[SourceCell], rows: list[Row]) -> list[SourceCell]:
    """`cells` (a row of another chunk of the same table) laid out in `rows`' columns.

    On a PDF page a cell sits in the column whose left edge it shares; this also places a merged
    header cell (`法人或其他组织` spanning five columns) over its first column. Without page
    positions the chunks are right-aligned.
    """
    width = grid_width(rows)
    edges = column_edges(rows)
    placed = [SourceCell("", cells[0].provenance)] * width if cells else []
    for cell in cells:
        column = column_at(edges, left_edge(cell))
        if column is None:
            if cell.text.strip():
                return right_aligned(cells, width)
            continue
        if cell.text.strip():
            if placed[column].text.strip():
                return right_aligned(cells, width)
            placed[column] = cell
    return placed


def column_edges(rows: list[Row]) -> list[float | None]:
    """Each grid column's left edge on the page (the most common one: merged cells blur a few)."""
    width = grid_width(rows)
    edges: list[float | None] = []
    for j in range(width):
        found = [edge for r in rows if j < len(r.cells) and (edge := left_edge(r.cells[j])) is not None]
        edges.append(max(set(found), key=found.count) if found else None)
    return edges


def column_at(edges: list[float | None], x: float | None) -> int | None:
    if x is None:
        return None
    return next((j for j, edge in enumerate(edges) if edge is not None and abs(edge - x) < _SAME_X), None)


def left_edge(cell: SourceCell) -> float | None:
    return cell.provenance.bbox[0] if cell.provenance.bbox else None


def right_aligned(cells: list[SourceCell], width: int) -> list[SourceCell]:
    """`cells` padded (or cut) on the left to `width`: chunks of one table share their right edge."""
    if len(cells) >= width:
        return cells[len(cells) - width:]
    return [SourceCell("", cells[0].provenance)] * (width - len(cells)) + cells
