"""Section 四 (复议和诉讼): 15 values in one row, or one row per review/litigation group."""

from __future__ import annotations

import itertools

from extractors.document import SourceCell
from extractors.mapping.rows import (
    Row,
    anchor_hits,
    grid_width,
    has_label_text,
    join_rows,
    mark_unlocated,
    place_cell,
    right_aligned,
    squeeze,
)
from extractors.mapping.sections import printed_heading
from extractors.report import Report
from extractors.template import (
    SECTION4_COLUMN_KEYS,
    SECTION4_COLUMNS,
    SECTION4_GROUPS,
    ColumnSpec,
)


def map_section4(rows: list[Row], report: Report) -> None:
    if not rows:
        return
    rows = _rejoin_wrapped_numbers(rows)
    _read_section4(rows, report)
    # A table 四 that prints its group rows but could not be read is unlocated, never missing.
    if any(key[0] == 4 for key in report.cells) or any(_names_section4_group(r) for r in rows):
        mark_unlocated(report, 4, [(g.key, c.key) for g in SECTION4_GROUPS for c in SECTION4_COLUMNS])


def _rejoin_wrapped_numbers(rows: list[Row]) -> list[Row]:
    """A row of values broken by a page break (`１ | | １ | ５` over `９ | | ７ | |`: 19, 17, 5):
    the next table opening with unlabelled values continues the row right above it."""
    joined: list[Row] = []
    for row in rows:
        previous = joined[-1] if joined else None
        if previous is not None and row.grid != previous.grid and previous.value_indices() \
                and row.value_indices() and not has_label_text(row):
            joined[-1] = Row(join_rows(previous, row), previous.grid)
            continue
        joined.append(row)
    return joined


def _read_section4(rows: list[Row], report: Report) -> None:
    keys = [(g.key, c.key) for g in SECTION4_GROUPS for c in SECTION4_COLUMNS]
    data = max(rows, key=lambda r: len(r.value_indices()))
    if not data.value_indices() and rows[0].text and not rows[-1].text:
        data = rows[-1]  # no value anywhere: the blank row under the header is the data row
    found = data.value_indices()
    if len(found) >= 15:
        for (group, column), index in zip(keys, found[-15:], strict=True):
            place_cell(report, 4, group, column, data.cells[index], data.parsed[index])
        return
    if _map_section4_by_group_rows(rows, report):
        return
    positions = _section4_value_positions(rows, data)
    if positions is not None:
        for (group, column), index in zip(keys, positions, strict=True):
            place_cell(report, 4, group, column, data.cells[index], data.parsed[index])


def _section4_value_positions(rows: list[Row], data: Row) -> list[int] | None:
    """With blanks in the data row: the 15 right-most columns under header text."""
    above = rows[: rows.index(data)]
    headed = [j for j in range(len(data.cells)) if any(j < len(r.cells) and squeeze(r.cells[j].text) for r in above)]
    candidates = [j for j in headed if data.parsed[j].kind != "text"]
    return candidates[-15:] if len(candidates) >= 15 else None


def _map_section4_by_group_rows(rows: list[Row], report: Report) -> bool:
    """The transposed layout: one row per group (复议 / 直接起诉 / 复议后起诉) of 5 values.

    Values sit under the 5 column labels when a header row names them (so blank cells keep their
    place; a table broken by a page keeps its right edge, not its label columns); without one, a
    group row needs its 5 values.
    """
    header = _section4_header_columns(rows)
    read: set[str] = set()
    mapped = False
    named_above: list[ColumnSpec] = []  # groups a merged label named for the unlabelled rows below it
    for row in rows:
        found = row.value_indices()
        positions = found[-5:]
        if header is not None:
            header_row, header_positions = header
            shift = len(row.cells) - len(header_row.cells) if row.grid != header_row.grid else 0
            moved = [j + shift for j in header_positions]
            if moved[0] > 0 and moved[-1] < len(row.cells):
                positions = moved
        if len(positions) < 5 or (header is None and not found):
            continue
        label = squeeze("".join(c.text for c in row.cells[: positions[0]]))
        named = _groups_named(label)
        if not named and not has_label_text(row):
            named = named_above[:1]
        named_above = named[1:] if named else named_above[1:]
        group = named[0] if named else None
        if group is None or (group.key in read and not row.value_indices()):
            continue  # a label tail broken off by a page (`直接起诉`) holds no values of its own
        read.add(group.key)
        for column, index in zip(SECTION4_COLUMN_KEYS, positions, strict=True):
            printed = row.parsed[index].kind != "text"
            value = (row.cells[index], row.parsed[index]) if printed else (None, None)
            place_cell(report, 4, group.key, column, *value)
        mapped = True
    return mapped


def _groups_named(label: str) -> list[ColumnSpec]:
    """The groups a row label names, in reading order. Two names in one label are two rows whose
    labels ran together (a borderless table draws the spanning 行政诉讼 between 直接起诉 and 复议后起诉):
    the row takes the first, the unlabelled row below it the second. The longer names are matched
    first, so the 复议 inside 未经复议 or 复议后起诉 is not also 行政复议."""
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, ColumnSpec]] = []
    for group in sorted(SECTION4_GROUPS, key=lambda g: min(len(a) for a in g.anchors), reverse=True):
        starts = []
        for anchor in (squeeze(a) for a in group.anchors):
            start = label.find(anchor)
            while start >= 0:
                span = (start, start + len(anchor))
                if not any(span[0] < end and begin < span[1] for begin, end in claimed):
                    claimed.append(span)
                    starts.append(start)
                start = label.find(anchor, start + 1)
        if starts:
            found.append((min(starts), group))
    return [group for _, group in sorted(found, key=lambda item: item[0])]


def _section4_header_columns(rows: list[Row]) -> tuple[Row, list[int]] | None:
    """A header naming 结果维持 … 总计 each exactly once (the transposed form), and their positions.

    One row names them, or the header rows above the first group row do when stacked column by
    column (right-aligned: `结果 | 结果 | 其他` ends one page, `维持 | 纠正 | 结果` opens the next).
    """
    candidates = [row for row in rows if not row.value_indices()]
    above_groups = list(itertools.takewhile(lambda r: not r.value_indices() and not _names_section4_group(r), rows))
    if len(above_groups) > 1:
        width = grid_width(above_groups)
        aligned = [right_aligned(r.cells, width) for r in above_groups]
        stacked = [SourceCell("".join(cells[j].text for cells in aligned), aligned[-1][j].provenance)
                   for j in range(width)]
        candidates.append(Row(stacked, above_groups[-1].grid))
    for row in candidates:
        positions = _section4_label_positions(row)
        if positions is not None:
            return row, positions
    return None


def _section4_label_positions(row: Row) -> list[int] | None:
    texts = [squeeze(c.text) for c in row.cells]
    positions = []
    for column in SECTION4_COLUMNS:
        found = [j for j, text in enumerate(texts) if text and anchor_hits(text, column.anchors)]
        if len(found) != 1:
            return None
        positions.append(found[0])
    return positions if positions == sorted(set(positions)) else None


def _names_section4_group(row: Row) -> bool:
    return printed_heading(row) is None and any(anchor_hits(row.text, g.anchors) for g in SECTION4_GROUPS)
