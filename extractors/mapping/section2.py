"""Section 二 (主动公开): rows by their anchors, values by the block header's column spans."""

from __future__ import annotations

import re
from collections.abc import Callable

from extractors.document import SourceCell
from extractors.mapping.rows import Row, anchor_hits, mark_unlocated, place_cell, squeeze
from extractors.numbers import normalise_text, parse_cell
from extractors.report import Cell, Report
from extractors.template import (
    ColumnSpec,
    RowSpec,
    section2_rows,
)


def map_section2(rows: list[Row], report: Report) -> None:
    specs = section2_rows(report.template)
    header: list[str] = []
    valueless: list[tuple[Row, int, RowSpec, list[str]]] = []
    for row in _rejoin_label_tails(rows, lambda label: _match_section2_row(label, specs) is not None):
        if not row.value_indices() and _is_header(row, specs):
            header = [squeeze(c.text) for c in row.cells]
            continue
        label_index = first_label_index(row)
        if label_index is None:
            continue
        spec = _match_section2_row(squeeze(row.cells[label_index].text), specs)
        if spec is None or any((2, spec.key, c.key) in report.cells for c in spec.columns):
            continue
        if not row.value_indices():
            # A caption naming its rows (`（一）行政法规、规章和规范性文件`) looks like a row label
            # but holds no value: it may claim the row only if no row with values does.
            valueless.append((row, label_index, spec, header))
            continue
        _map_section2_values(row, label_index, spec, header, report)
    for row, label_index, spec, row_header in valueless:
        if not any((2, spec.key, c.key) in report.cells for c in spec.columns):
            _map_section2_values(row, label_index, spec, row_header, report)
    if any(key[0] == 2 for key in report.cells):
        printed = [(spec.key, column.key) for spec in specs for column in spec.columns if column.anchors]
        mark_unlocated(report, 2, printed)


def _rejoin_label_tails(rows: list[Row], names_row: Callable[[str], bool]) -> list[Row]:
    """A row label broken by a page break (`行政事业性收` … `费`) made whole again.

    The tail opens the next table as a row without values; it belongs to the previous table's
    last row when only the joined label names a row.
    """
    joined: list[Row] = []
    for row in rows:
        previous = joined[-1] if joined else None
        label_index = first_label_index(previous) if previous is not None else None
        if previous is not None and label_index is not None and row.grid != previous.grid \
                and previous.value_indices() and not row.value_indices():
            head = previous.cells[label_index]
            whole = head.text + "".join(c.text for c in row.cells)
            if not names_row(squeeze(head.text)) and names_row(squeeze(whole)):
                cells = list(previous.cells)
                cells[label_index] = SourceCell(whole, head.provenance)
                joined[-1] = Row(cells, previous.grid)
                continue
        joined.append(row)
    return joined


def _is_header(row: Row, specs: tuple[RowSpec, ...]) -> bool:
    label = row.text
    return "信息内容" in label or any(anchor_hits(label, c.anchors) for s in specs for c in s.columns if c.anchors)


def first_label_index(row: Row) -> int | None:
    """The first cell with text that is not a number (a row label)."""
    for i, parsed in enumerate(row.parsed):
        if parsed.kind == "text":
            return i
    return None


def _match_section2_row(label: str, specs: tuple[RowSpec, ...]) -> RowSpec | None:
    # Longest anchors first: 行政规范性文件 must not be taken for 规章's block caption.
    for spec in sorted(specs, key=lambda s: -max(len(a) for a in s.anchors)):
        if anchor_hits(label, spec.anchors) and len(label) <= len(squeeze(spec.label)) + 8:
            return spec
    return None


def _map_section2_values(row: Row, label_index: int, spec: RowSpec, header: list[str], report: Report) -> None:
    """Place a section 二 row's values: by the block header's column spans, else in order after the label."""
    after = [i for i in range(label_index + 1, len(row.cells)) if row.parsed[i].kind in ("number", "na")]
    columns = [c for c in spec.columns if c.anchors]  # printed columns (采购总金额（元） is derived)
    if len(columns) == 1:
        # A colspan value can sit in any spanned column: take the first value after the label.
        _place_s2(report, spec, columns[0], row, after[0] if after else None)
        return
    spans = _header_spans(header, columns, label_index)
    positions: list[int | None]
    if spans is not None:
        positions = [next((i for i in after if start <= i < end), None) for start, end in spans]
    else:
        positions = [*after[: len(columns)], *[None] * (len(columns) - len(after))]
    for column, index in zip(columns, positions, strict=True):
        _place_s2(report, spec, column, row, index)
    _derive_procurement_yuan(spec, header, report)


def _header_spans(header: list[str], columns: list[ColumnSpec], label_index: int) -> list[tuple[int, int]] | None:
    """Grid columns under each header label: from its label to the next one (the last runs to the row's end).

    A merged header cell covers several grid columns and its value can come out in any of them
    (`行政事业性收费 | 53 | | -3` under `上一年项目数量 | 本年增/减` spanning two columns).
    """
    starts = []
    for column in columns:
        found = [i for i, text in enumerate(header) if i > label_index and text and anchor_hits(text, column.anchors)]
        if not found:
            return None
        starts.append(found[0])
    if starts != sorted(set(starts)):
        return None
    return list(zip(starts, [*starts[1:], 10**6], strict=True))


def _place_s2(report: Report, spec: RowSpec, column: ColumnSpec, row: Row, index: int | None) -> None:
    if index is None:
        place_cell(report, 2, spec.key, column.key, None, None)
    elif column.key == "amount_raw":  # printed as is: the unit is not fixed (docs/format.md §6.1)
        cell = row.cells[index]
        report.set_cell(Cell(2, spec.key, column.key, None, cell.text.strip(), cell.provenance))
    else:
        place_cell(report, 2, spec.key, column.key, row.cells[index], row.parsed[index])


def _derive_procurement_yuan(spec: RowSpec, header: list[str], report: Report) -> None:
    """2019 procurement amount in 元 from the raw text and the header's unit."""
    raw_cell = report.cells.get((2, spec.key, "amount_raw"))
    if raw_cell is None:
        return
    parsed = parse_cell(re.sub(r"(万元|元)$", "", normalise_text(raw_cell.raw)))
    if parsed.value is None:
        return
    in_wan = "万元" in raw_cell.raw or any("总金额" in h and "万元" in h for h in header)
    value = parsed.value * 10000 if in_wan else parsed.value
    report.set_cell(Cell(2, spec.key, "amount_yuan", value, raw_cell.raw, raw_cell.provenance, frozenset({"derived"})))
