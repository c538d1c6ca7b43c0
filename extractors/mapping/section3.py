"""Section 三 (申请情况): rows joined, columns found, keys assigned, cells placed."""

from __future__ import annotations

from extractors.mapping.rows import Row, mark_unlocated, place_cell, squeeze
from extractors.mapping.section3_columns import (
    Columns,
    continued_columns,
    header_columns,
    numeric_columns,
    row_values,
    table_chunks,
)
from extractors.mapping.section3_continuation import continues_split_row, is_transposed, rejoin_split_rows, transpose
from extractors.mapping.section3_labels import Placed, assign_section3_keys, label_only_row
from extractors.report import Report
from extractors.template import (
    SECTION3_COLUMN_KEYS,
    SECTION3_GROUPS,
    SECTION3_LEGAL_PERSON_SUBTOTAL,
    SECTION3_ROWS,
    SECTION3_SUBTOTALS,
)


def map_section3(rows: list[Row], report: Report) -> None:
    if not rows:
        return
    transposed = is_transposed(rows)
    rows = rejoin_split_rows(rows, transposed)
    if transposed:
        rows = transpose(rows)
    placed = _section3_data_rows(rows)
    assign_section3_keys(placed)
    headings = {id(item) for item in _group_headings(placed)}
    for item in placed:
        placed_before = any((3, item.key, c) in report.cells for c in SECTION3_COLUMN_KEYS)
        if item.key is None or id(item) in headings or placed_before:
            continue
        for column, value in zip(SECTION3_COLUMN_KEYS, item.values, strict=True):
            place_cell(report, 3, item.key, column, *(value or (None, None)))
        if item.legal_person_subtotal is not None:
            place_cell(report, 3, item.key, SECTION3_LEGAL_PERSON_SUBTOTAL, *item.legal_person_subtotal)
    mark_unlocated(report, 3, [(r.key, c) for r in SECTION3_ROWS if _section3_printed(report, r.key)
                                for c in SECTION3_COLUMN_KEYS])


def _group_headings(placed: list[Placed]) -> list[Placed]:
    """Subtotal rows with every cell blank over items that hold values: the group's label on a line
    of its own (a table without rules prints the spanning （三）不予公开 between its items), not a
    printed row of zeros, which its items would then have to be."""
    def blank(item: Placed) -> bool:
        return all(value is None or value[1].kind == "blank" for value in item.values)

    items = {item.key: item for item in placed if item.key is not None}
    return [item for item in placed if item.key in SECTION3_SUBTOTALS and blank(item) and any(
        not blank(items[part]) for part in SECTION3_GROUPS[SECTION3_SUBTOTALS[item.key]] if part in items)]


def _section3_printed(report: Report, key: str) -> bool:
    """Rows of （六） are absent (not blank) when the document prints （六） as one row."""
    one_row = any((3, "other_subtotal", c) in report.cells for c in SECTION3_COLUMN_KEYS)
    return not (key in SECTION3_GROUPS["other"] and one_row)


def _section3_data_rows(rows: list[Row]) -> list[Placed]:
    """Rows with values (or a row label and blanks), each with its 7 cells aligned.

    Each grid (a page's chunk of a split table) gets its own column positions: its header if it
    repeats one, else the previous chunk's (moved with the right edge when the chunk has fewer
    label columns) where its numbers agree, else where its numbers are.
    """
    placed: list[Placed] = []
    previous: tuple[list[Row], Columns] | None = None
    for grid_rows in table_chunks(rows):
        columns = header_columns(grid_rows)
        if columns is None and previous is not None:
            columns = continued_columns(grid_rows, *previous)
        columns = columns or numeric_columns(grid_rows)
        if columns is not None:
            previous = (grid_rows, columns)
        first_in_grid = True
        for row in grid_rows:
            if not row.value_indices() and not label_only_row(row):
                continue
            values, first_value = row_values(row, columns)
            label = squeeze("".join(c.text for c in row.cells[:first_value]))
            if first_in_grid and placed and continues_split_row(placed[-1], row, label):
                placed[-1].label += label
                first_in_grid = False
                continue
            first_in_grid = False
            placed.append(Placed(label, values, legal_person_subtotal=columns.subtotal(row) if columns else None))
    return placed
