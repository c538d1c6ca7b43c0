"""Section 三 value columns: from the header, moved from the previous page's chunk, or by the numbers."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.mapping.rows import Row, aligned_to, column_at, column_edges, grid_width, printed_width, squeeze
from extractors.mapping.section3_labels import Value, column_label_matches, label_only_row
from extractors.template import (
    SECTION3_COLUMNS,
)


@dataclass(frozen=True)
class Columns:
    """Where the 7 value columns of a grid are, and any printed 法人或其他组织 subtotal column."""

    values: list[int]
    extra: frozenset[int] = frozenset()

    def subtotal(self, row: Row) -> Value:
        """The row's printed 法人或其他组织小计 cell, kept for T3-6 (never one of the 7 values)."""
        index = min(self.extra, default=len(row.cells))
        if index >= len(row.cells) or row.parsed[index].kind == "text":
            return None
        return row.cells[index], row.parsed[index]


def header_columns(rows: list[Row]) -> Columns | None:
    """Value columns from the header labels, each label built down its column (`自然|人`)."""
    header_rows = []
    for row in rows:
        if row.value_indices():
            break
        header_rows.append(row)
    if not header_rows:
        return None
    width = max(len(r.cells) for r in header_rows)
    stacked = ["".join(squeeze(r.cells[j].text) for r in header_rows if j < len(r.cells)) for j in range(width)]
    positions: list[int] = []
    for column in SECTION3_COLUMNS:
        found = [j for j, text in enumerate(stacked) if column_label_matches(text, column)]
        if not found:
            return None
        positions.append(found[-1] if column.key == "other_org" else found[0])
    if positions != sorted(set(positions)):
        return None
    subtotal = frozenset(j for j, text in enumerate(stacked) if text.endswith("小计"))
    return Columns(positions, subtotal)


def continued_columns(rows: list[Row], previous_rows: list[Row], previous: Columns) -> Columns | None:
    """The previous chunk's value columns, moved to this chunk: page breaks drop label columns
    (the seed's continuations are 10 columns wide, its first chunk 12), never value columns.

    On PDF pages a column keeps its left edge from page to page; otherwise the chunks are
    right-aligned by their width, else by the right edge of their printed text (a chunk of one big
    table also spans the next section's wider columns). A move is refused when a number sits among
    the moved columns but in none of them, or two numbers sit left of them (one can be a label
    cell read as `0`).
    """
    for moved in _moved_columns(rows, previous_rows, previous):
        numbers = {i for row in rows for i in row.numbers() if i >= moved.values[0]}
        left_of_values = max(len([i for i in row.numbers() if i < moved.values[0]]) for row in rows)
        if numbers <= set(moved.values) | moved.extra and left_of_values <= 1:
            return moved
    return None


def _moved_columns(rows: list[Row], previous_rows: list[Row], previous: Columns) -> list[Columns]:
    """Where the previous chunk's columns may sit in this one, the most trustworthy first."""
    candidates = []
    by_edge = _columns_by_edge(rows, previous_rows, [*previous.values, *previous.extra])
    if by_edge is not None:
        count = len(previous.values)
        candidates.append(Columns(by_edge[:count], frozenset(by_edge[count:])))
    for shift in dict.fromkeys((grid_width(rows) - grid_width(previous_rows),
                                printed_width(rows) - printed_width(previous_rows))):
        if previous.values[0] + shift >= 0:
            candidates.append(Columns([j + shift for j in previous.values],
                                       frozenset(j + shift for j in previous.extra)))
    return candidates


def _columns_by_edge(rows: list[Row], previous_rows: list[Row], columns: list[int]) -> list[int] | None:
    """The previous chunk's `columns` in this chunk by their left edge on the page, if all are found."""
    edges, previous_edges = column_edges(rows), column_edges(previous_rows)
    found = [column_at(edges, previous_edges[j]) for j in columns]
    return None if None in found else [j for j in found if j is not None]


def numeric_columns(rows: list[Row]) -> Columns | None:
    """Without a header: the right-most 7 columns that hold numbers anywhere in the grid."""
    used = sorted({i for row in rows for i in row.numbers()})
    return Columns(used[-7:]) if len(used) >= 7 else None


def table_chunks(rows: list[Row]) -> list[list[Row]]:
    """Rows by grid. A grid of header rows only (the header broken by a page: `社会公益` … `组织`)
    heads the next grid, right-aligned to it, so its labels are read whole."""
    by_grid: dict[int, list[Row]] = {}
    for row in rows:
        by_grid.setdefault(row.grid, []).append(row)
    chunks: list[list[Row]] = []
    carried: list[Row] = []
    for grid_rows in by_grid.values():
        if carried:
            grid_rows = [Row(aligned_to(r.cells, grid_rows), grid_rows[0].grid) for r in carried] + grid_rows
            carried = []
        if not any(r.value_indices() or label_only_row(r) for r in grid_rows):
            carried = grid_rows
            continue
        chunks.append(grid_rows)
    if carried:
        chunks.append(carried)
    return chunks


def row_values(row: Row, columns: Columns | None) -> tuple[list[Value], int]:
    """The 7 value cells of a row and the index where values start (labels are left of it)."""
    found = row.value_indices()
    if columns is not None and columns.values[-1] < len(row.cells):
        first = columns.values[0]
        known = set(columns.values) | columns.extra
        drifted = [i for i in found if i >= first and i not in known]
        # One number left of the values is a label cell read as `0` (the seed); more mean the row
        # sits left of the grid's columns (a chunk with fewer label columns inside the same grid).
        shifted = len([i for i in found if i < first]) > 1
        if not drifted and not shifted:
            return [(row.cells[i], row.parsed[i]) if row.parsed[i].kind != "text" else None
                    for i in columns.values], first
    if len(found) >= 7:
        chosen = found[-7:]
        return [(row.cells[i], row.parsed[i]) for i in chosen], chosen[0]
    # Too few values and no columns to place them: keep them right-aligned, the rest missing.
    padded: list[Value] = [None] * (7 - len(found))
    padded.extend((row.cells[i], row.parsed[i]) for i in found)
    return padded, found[0] if found else len(row.cells)
