"""Grids → template keys. One mapper serves every format, so a layout fix lands once.

Never trusts header parsing: merged cells come out empty, repeated or in fragments. Rows are
placed by label anchors (FORMAT.md §3.2) and, where labels are lost, by position between
anchors; values by header column positions where they agree with the row, else by the
right-most numeric cells.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from extractors.document import Document, SourceCell, TextBlock
from extractors.numbers import ParsedCell, normalise_text, parse_cell
from extractors.report import Cell, Report
from extractors.template import (
    OUTCOME_ROW_KEYS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION3_COLUMNS,
    SECTION3_GROUP_LABELS,
    SECTION3_GROUPS,
    SECTION3_LEGAL_PERSON_SUBTOTAL,
    SECTION3_ROWS,
    SECTION3_SUBTOTALS,
    SECTION4_COLUMN_KEYS,
    SECTION4_COLUMNS,
    SECTION4_GROUP_KEYS,
    SECTION4_GROUPS,
    SECTION_HEADINGS,
    TEMPLATE_2019,
    TEMPLATE_2019_MARKERS,
    TEMPLATE_2021,
    TEMPLATE_2021_MARKERS,
    ColumnSpec,
    RowSpec,
    section2_rows,
)

_PUNCT = re.compile(r"[\s()（）、.．,，:：;；“”\"'‘’·「」\[\]【】]")
_NUMERAL_HEADING = re.compile(r"^[-*#>\s]*([一二三四五六]|[1-6])\s*[、.．]")

# Row-level evidence of which section a table row belongs to (sections only move forward).
_SECTION_ROW_MARKERS: dict[int, tuple[str, ...]] = {
    4: ("行政复议", "行政诉讼", "复议后起诉", "未经复议", "结果维持", "结果纠正", "尚未审结"),
    3: ("本年新收", "申请人情况", "上年结转", "予以公开", "自然人", "勾稽关系"),
    2: ("第二十条", "信息内容", "规章", "行政许可", "行政处罚", "事业性收费", "第二十刻"),
}


def squeeze(text: str) -> str:
    """Label text for matching: NFKC, no whitespace or punctuation (`（七）总计` → `七总计`)."""
    return _PUNCT.sub("", normalise_text(text))


def _anchor_hits(label: str, anchors: tuple[str, ...]) -> bool:
    return any(squeeze(a) in label for a in anchors)


@dataclass
class _Row:
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


def map_document(doc: Document, report: Report) -> None:
    """Fill `report` (template, cells, errors) from a read Document."""
    report.template = detect_template(doc)
    sections = split_sections(doc)
    if not any(sections.get(n) for n in (2, 3, 4)):
        return
    _map_section2(sections.get(2, []), report)
    _map_section3(sections.get(3, []), report)
    _map_section4(sections.get(4, []), report)
    apply_blank_as_zero(report)


# ---------------------------------------------------------------- sections and template


def detect_template(doc: Document) -> str | None:
    """2019 vs 2021 by section 二's column headers (FORMAT.md §6.1)."""
    table_text = "".join(squeeze(c.text) for g in doc.grids for row in g.rows for c in row)
    text = table_text + squeeze(doc.text)
    if any(squeeze(m) in table_text for m in TEMPLATE_2019_MARKERS):
        return TEMPLATE_2019
    if any(squeeze(m) in text for m in TEMPLATE_2021_MARKERS) or ("2021" in text and "30号" in text):
        return TEMPLATE_2021
    return TEMPLATE_2021 if doc.grids else None


def heading_section(text: str) -> int | None:
    """The section (1–6) a short line announces, e.g. `三、收到和处理政府信息公开申请情况`."""
    line = normalise_text(text)
    if len(squeeze(line)) > 40:
        return None
    label = squeeze(line)
    for number, anchors in SECTION_HEADINGS.items():
        if any(squeeze(a) in label for a in anchors):
            numeral = _NUMERAL_HEADING.match(line)
            if numeral is None or numeral.group(1) in ("一二三四五六"[number - 1], str(number)):
                return number
    return None


def split_sections(doc: Document) -> dict[int, list[_Row]]:
    """Table rows by section: headings set the context, row markers move it forward.

    A new table starts in the section its first rows announce, so a table whose header row
    carries no marker (transposed 四: `结果维持 | 结果纠正 …` above `行政复议 | …`) is not
    glued to the previous section when the report prints no heading between them. A grid of
    header text only waits for the next grid and goes where that one goes.
    """
    sections: dict[int, list[_Row]] = {}
    current = 0
    held: list[_Row] = []
    for grid_index, block in enumerate(doc.blocks):
        if isinstance(block, TextBlock):
            for line in block.text.splitlines():
                found = heading_section(line)
                if found is not None:
                    current = found
            continue
        grid_rows = [_Row(cells, grid_index) for cells in block.rows]
        rows = held + grid_rows
        if _is_header_fragment(rows) and _next_is_grid(doc, grid_index):
            held = rows
            continue
        current = max([current, *(_row_section(r, current) for r in held + _table_header_rows(grid_rows))])
        held = []
        for row in rows:
            current = max(current, _row_section(row, current))
            # Section 四's data row is kept even when blank: blank = 0 reports leave all 15 cells empty.
            if current in (2, 3, 4) and (row.text or current == 4):
                sections.setdefault(current, []).append(row)
    return sections


_TABLE_LOOKAHEAD_ROWS = 3  # a table's header rows, where its section shows


def _next_is_grid(doc: Document, index: int) -> bool:
    return index + 1 < len(doc.blocks) and not isinstance(doc.blocks[index + 1], TextBlock)


def _is_header_fragment(rows: list[_Row]) -> bool:
    """A grid of header text only (no value, no row label): the top of a table whose body opens
    the next page (`结果 | 结果 | 其他` over `维持 | 纠正 | 结果`). It belongs to the section the
    next grid announces, not to the section before it. A header names several columns; a lone
    cell is the tail of the previous page's last label (`总` … `计`), which stays with it."""
    several_labels = any(len([c for c in r.cells if c.text.strip()]) > 1 for r in rows)
    return several_labels and all(
        not r.value_indices() and not _section3_label_only_row(r) and _row_section(r, 3) != 4 for r in rows)


def _table_header_rows(rows: list[_Row]) -> list[_Row]:
    """The first rows of a table, up to its first row with values and up to a section heading
    printed inside it: rows above such a heading, or below a row of values, may continue the
    previous page's section (one big table broken by a page: `小计 | 1268 …` above `行政复议`)."""
    first_values = next((i for i, row in enumerate(rows) if row.value_indices()), len(rows))
    head = rows[:min(_TABLE_LOOKAHEAD_ROWS, first_values + 1)]
    inside = next((i for i, row in enumerate(head) if i > 0 and _printed_heading(row) is not None), len(head))
    return head[:inside]


def _printed_heading(row: _Row) -> int | None:
    """The section a table row announces when its only printed text is a section heading."""
    printed = [c.text for c in row.cells if c.text.strip()]
    return heading_section(printed[0]) if len({squeeze(t) for t in printed}) == 1 else None


def _row_section(row: _Row, current: int) -> int:
    """The later section a table row belongs to by its markers or a heading printed in the table, else 0."""
    label = row.text
    heading = _printed_heading(row)
    if heading is not None and heading > current:
        return heading
    for section, markers in _SECTION_ROW_MARKERS.items():
        if section > current and any(m in label for m in markers):
            return section
    return 0


def _place(report: Report, section: int, row_key: str, col_key: str, source: SourceCell | None,
           parsed: ParsedCell | None) -> None:
    """Record one cell; blanks and markers keep their raw text and a flag."""
    if source is None or parsed is None:
        report.set_cell(Cell(section, row_key, col_key, None, "", None, frozenset({"blank"})))
        return
    flags = {"number": frozenset(), "na": frozenset({"na_marker"}), "blank": frozenset({"blank"})}
    report.set_cell(Cell(section, row_key, col_key, parsed.value, source.text, source.provenance,
                         flags.get(parsed.kind, frozenset({"unparsed"}))))


# ---------------------------------------------------------------- section 二


def _map_section2(rows: list[_Row], report: Report) -> None:
    specs = section2_rows(report.template)
    header: list[str] = []
    valueless: list[tuple[_Row, int, RowSpec, list[str]]] = []
    for row in _rejoin_label_tails(rows, lambda label: _match_section2_row(label, specs) is not None):
        if not row.value_indices() and _is_header(row, specs):
            header = [squeeze(c.text) for c in row.cells]
            continue
        label_index = _label_index(row)
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
        _mark_unlocated(report, 2, printed)


def _rejoin_label_tails(rows: list[_Row], names_row: Callable[[str], bool]) -> list[_Row]:
    """A row label broken by a page break (`行政事业性收` … `费`) made whole again.

    The tail opens the next table as a row without values; it belongs to the previous table's
    last row when only the joined label names a row.
    """
    joined: list[_Row] = []
    for row in rows:
        previous = joined[-1] if joined else None
        label_index = _label_index(previous) if previous is not None else None
        if previous is not None and label_index is not None and row.grid != previous.grid \
                and previous.value_indices() and not row.value_indices():
            head = previous.cells[label_index]
            whole = head.text + "".join(c.text for c in row.cells)
            if not names_row(squeeze(head.text)) and names_row(squeeze(whole)):
                cells = list(previous.cells)
                cells[label_index] = SourceCell(whole, head.provenance)
                joined[-1] = _Row(cells, previous.grid)
                continue
        joined.append(row)
    return joined


def _is_header(row: _Row, specs: tuple[RowSpec, ...]) -> bool:
    label = row.text
    return "信息内容" in label or any(_anchor_hits(label, c.anchors) for s in specs for c in s.columns if c.anchors)


def _label_index(row: _Row) -> int | None:
    """The first cell with text that is not a number (a row label)."""
    for i, parsed in enumerate(row.parsed):
        if parsed.kind == "text":
            return i
    return None


def _match_section2_row(label: str, specs: tuple[RowSpec, ...]) -> RowSpec | None:
    # Longest anchors first: 行政规范性文件 must not be taken for 规章's block caption.
    for spec in sorted(specs, key=lambda s: -max(len(a) for a in s.anchors)):
        if _anchor_hits(label, spec.anchors) and len(label) <= len(squeeze(spec.label)) + 8:
            return spec
    return None


def _map_section2_values(row: _Row, label_index: int, spec: RowSpec, header: list[str], report: Report) -> None:
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
        found = [i for i, text in enumerate(header) if i > label_index and text and _anchor_hits(text, column.anchors)]
        if not found:
            return None
        starts.append(found[0])
    if starts != sorted(set(starts)):
        return None
    return list(zip(starts, [*starts[1:], 10**6], strict=True))


def _place_s2(report: Report, spec: RowSpec, column: ColumnSpec, row: _Row, index: int | None) -> None:
    if index is None:
        _place(report, 2, spec.key, column.key, None, None)
    elif column.key == "amount_raw":  # printed as is: the unit is not fixed (FORMAT.md §6.1)
        cell = row.cells[index]
        report.set_cell(Cell(2, spec.key, column.key, None, cell.text.strip(), cell.provenance))
    else:
        _place(report, 2, spec.key, column.key, row.cells[index], row.parsed[index])


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


# ---------------------------------------------------------------- section 三


_Value = tuple[SourceCell, ParsedCell] | None


@dataclass
class _Placed:
    """A section 三 data row: its label text, its 7 value cells (None = missing) and a printed subtotal."""

    label: str
    values: list[_Value]
    key: str | None = None
    legal_person_subtotal: _Value = None


def _map_section3(rows: list[_Row], report: Report) -> None:
    if not rows:
        return
    transposed = _is_transposed3(rows)
    rows = _rejoin_split_rows(rows, transposed)
    if transposed:
        rows = _transpose(rows)
    placed = _section3_data_rows(rows)
    _assign_section3_keys(placed)
    for item in placed:
        if item.key is None or any((3, item.key, c) in report.cells for c in SECTION3_COLUMN_KEYS):
            continue
        for column, value in zip(SECTION3_COLUMN_KEYS, item.values, strict=True):
            _place(report, 3, item.key, column, *(value or (None, None)))
        if item.legal_person_subtotal is not None:
            _place(report, 3, item.key, SECTION3_LEGAL_PERSON_SUBTOTAL, *item.legal_person_subtotal)
    _mark_unlocated(report, 3, [(r.key, c) for r in SECTION3_ROWS if _section3_printed(report, r.key)
                                for c in SECTION3_COLUMN_KEYS])


def _mark_unlocated(report: Report, section: int, printed: list[tuple[str, str]]) -> None:
    """Cells the form prints but no grid cell could be matched to: null, and said so (rule C-1)."""
    for row, column in printed:
        if (section, row, column) not in report.cells:
            report.set_cell(Cell(section, row, column, None, "", None, frozenset({"unlocated"})))


# A cell that is part of a value: digits, separators, signs, units and not-applicable markers.
_LABEL_CHAR = re.compile(r"[^\d０-９%+\-−—–/／件个条项次万元无]")


def _rejoin_split_rows(rows: list[_Row], transposed: bool) -> list[_Row]:
    """Rows broken by a page break made whole again, cell by cell.

    Office exports let a tall row run over the page: its label and the first lines of each cell
    stay on one page, the other lines open the next table, after any repeated header rows. The
    tail's cells, right-aligned, continue the previous chunk's last row with values. A row with
    no values (blank = 0) can only be continued by the very first row of the next table.
    """
    joined: list[_Row] = []
    last_values: int | None = None  # index into `joined` of the last row with values
    for row in rows:
        previous = joined[-1] if joined else None
        if previous is not None and _is_blank_row_tail(previous, row, transposed):
            joined[-1] = _Row(_join_rows(previous, row), previous.grid)
            continue
        if last_values is not None:
            head = joined[last_values]
            opens_chunk = (row.grid != head.grid
                           and all(r.grid == row.grid and not r.value_indices() for r in joined[last_values + 1:]))
            if opens_chunk and _is_row_tail(head, row, transposed):
                joined[last_values] = _Row(_join_rows(head, row), head.grid)
                continue
        joined.append(row)
        if row.value_indices():
            last_values = len(joined) - 1
    return joined


def _is_row_tail(head: _Row, tail: _Row, transposed: bool) -> bool:
    """Whether `tail` is the rest of `head`.

    Either its numbers wrapped (`22` … `5`): the tail has values and no label at all. A garbled
    form can lose a data row's label too, so outside a transposed table (whose narrow columns wrap
    every number, and whose rows are never unlabelled) the tail must also show it is a remainder:
    a fragment that is no value on its own (`件`, `1,`), or values in only some of the head's
    value columns (only the longest numbers overflow). Or its label wrapped (`_label_completes`).
    """
    if tail.value_indices() and not _has_label_text(tail):
        shift = len(head.cells) - len(tail.cells)
        overflow = {j + shift for j in tail.value_indices()}
        return transposed or any(p.kind == "text" for p in tail.parsed) or overflow < set(head.value_indices())
    return _label_completes(head, tail, transposed)


def _is_blank_row_tail(head: _Row, tail: _Row, transposed: bool) -> bool:
    """A blank row's label broken by a page break (`4.保护第` … `三方合法权益`, `法律` … `服务机构`)."""
    return (head.grid != tail.grid and not head.value_indices() and not tail.value_indices()
            and _has_label_text(head) and _label_completes(head, tail, transposed))


def _label_completes(head: _Row, tail: _Row, transposed: bool) -> bool:
    """Only the joined label names a row (`二、|年结|信息` + `上|转政府名|公开申请数量`; in a
    transposed table a column, `总` + `计`), or the head's label is a bare item number and the
    tail, not opening one of its own, completes it (`2.` + `没有现成…`)."""
    whole = _Row(_join_rows(head, tail))
    if transposed:
        return _names_applicant_column(_row_label(whole)) and not _names_applicant_column(_row_label(head))
    level = _naming_level(whole)
    return level > _naming_level(head) and (level > _naming_level(tail) or not _opens_numbered_label(tail))


def _names_applicant_column(label: str) -> bool:
    """Whether a transposed row's label names one of the 7 columns (or the 小计 column)."""
    return label.endswith("小计") or any(_column_label_matches(label, column) for column in SECTION3_COLUMNS)


def _naming_level(row: _Row) -> int:
    """2 when the row's label names a data row, 1 when only a group (（六）其他处理 as one row), else 0."""
    label = _row_label(row)
    if _row_candidates(label):
        return 2
    return int(any(squeeze(g) in label for group in SECTION3_GROUP_LABELS.values() for g in group))


def _row_label(row: _Row) -> str:
    return squeeze("".join(c.text for c in row.cells[: _first_value(row)]))


def _has_label_text(row: _Row) -> bool:
    return any(_LABEL_CHAR.search(squeeze(c.text)) for c in row.cells)


def _join_rows(head: _Row, tail: _Row) -> list[SourceCell]:
    """A row's two parts as one: value cells right-aligned (chunks share their right edge), label
    cells paired in order, since the next page may split a label column (`三、|（一）予以公` over
    `本年度办理结果|开|`); with unequal label counts the tail's label ends the head's."""
    head_values = _first_value_like(head)
    tail_values = _first_value_like(tail)
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


def _first_value(row: _Row) -> int:
    found = row.value_indices()
    return found[0] if found else len(row.cells)


_CUT_NUMBER = re.compile(r"^\d{1,3}(,\d{3})*,$")  # `2,` when `916` wrapped to the next page


def _first_value_like(row: _Row) -> int:
    """The first value cell, counting a number cut after its thousands separator."""
    def value_like(index: int) -> bool:
        cut = _CUT_NUMBER.match(normalise_text(row.cells[index].text).replace(" ", ""))
        return row.parsed[index].kind in ("number", "na") or cut is not None
    return next((i for i in range(len(row.cells)) if value_like(i)), len(row.cells))


def _section3_printed(report: Report, key: str) -> bool:
    """Rows of （六） are absent (not blank) when the document prints （六） as one row."""
    one_row = any((3, "other_subtotal", c) in report.cells for c in SECTION3_COLUMN_KEYS)
    return not (key in SECTION3_GROUPS["other"] and one_row)


def _is_transposed3(rows: list[_Row]) -> bool:
    """Applicant types down the first columns and outcomes across: the table was rotated."""
    def names_applicant(cell: SourceCell) -> bool:
        return any(_anchor_hits(squeeze(cell.text), col.anchors) for col in SECTION3_COLUMNS[:5])

    def names_outcome(cell: SourceCell) -> bool:
        return any(_anchor_hits(squeeze(cell.text), spec.anchors) for spec in SECTION3_ROWS)

    def label_cells(row: _Row) -> list[SourceCell]:
        found = row.value_indices()
        return row.cells[: found[0]] if found else row.cells

    applicant_rows = sum(1 for r in rows[:12] if any(names_applicant(c) for c in label_cells(r)))
    outcome_header = any(sum(1 for c in r.cells if names_outcome(c)) >= 4 for r in rows[:6])
    return applicant_rows >= 3 and outcome_header


def _transpose(rows: list[_Row]) -> list[_Row]:
    """Columns become rows. Grids are right-aligned first: a transposed table broken by a page keeps
    its outcome columns on every page but may drop or merge label columns on the left."""
    widths: dict[int, int] = {}
    for row in rows:
        widths[row.grid] = max(widths.get(row.grid, 0), len(row.cells))
    width = max(widths.values())
    empty = SourceCell("", rows[0].cells[0].provenance)
    aligned = [[empty] * (width - widths[r.grid]) + r.cells + [empty] * (widths[r.grid] - len(r.cells)) for r in rows]
    return [_Row([cells[j] for cells in aligned], rows[0].grid) for j in range(width)]


@dataclass(frozen=True)
class _Columns:
    """Where the 7 value columns of a grid are, and any printed 法人或其他组织 subtotal column."""

    values: list[int]
    extra: frozenset[int] = frozenset()

    def subtotal(self, row: _Row) -> _Value:
        """The row's printed 法人或其他组织小计 cell, kept for T3-6 (never one of the 7 values)."""
        index = min(self.extra, default=len(row.cells))
        if index >= len(row.cells) or row.parsed[index].kind == "text":
            return None
        return row.cells[index], row.parsed[index]


def _header_columns(rows: list[_Row]) -> _Columns | None:
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
        found = [j for j, text in enumerate(stacked) if _column_label_matches(text, column)]
        if not found:
            return None
        positions.append(found[-1] if column.key == "other_org" else found[0])
    if positions != sorted(set(positions)):
        return None
    subtotal = frozenset(j for j, text in enumerate(stacked) if text.endswith("小计"))
    return _Columns(positions, subtotal)


def _continued_columns(rows: list[_Row], previous_rows: list[_Row], previous: _Columns) -> _Columns | None:
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


def _moved_columns(rows: list[_Row], previous_rows: list[_Row], previous: _Columns) -> list[_Columns]:
    """Where the previous chunk's columns may sit in this one, the most trustworthy first."""
    candidates = []
    by_edge = _columns_by_edge(rows, previous_rows, [*previous.values, *previous.extra])
    if by_edge is not None:
        count = len(previous.values)
        candidates.append(_Columns(by_edge[:count], frozenset(by_edge[count:])))
    for shift in dict.fromkeys((_width(rows) - _width(previous_rows),
                                _printed_width(rows) - _printed_width(previous_rows))):
        if previous.values[0] + shift >= 0:
            candidates.append(_Columns([j + shift for j in previous.values],
                                       frozenset(j + shift for j in previous.extra)))
    return candidates


def _columns_by_edge(rows: list[_Row], previous_rows: list[_Row], columns: list[int]) -> list[int] | None:
    """The previous chunk's `columns` in this chunk by their left edge on the page, if all are found."""
    edges, previous_edges = _column_edges(rows), _column_edges(previous_rows)
    found = [_column_at(edges, previous_edges[j]) for j in columns]
    return None if None in found else [j for j in found if j is not None]


def _width(rows: list[_Row]) -> int:
    return max(len(r.cells) for r in rows)


def _printed_width(rows: list[_Row]) -> int:
    """One past the right-most cell with text in any of the rows."""
    return max((j + 1 for r in rows for j, c in enumerate(r.cells) if c.text.strip()), default=0)


def _numeric_columns(rows: list[_Row]) -> _Columns | None:
    """Without a header: the right-most 7 columns that hold numbers anywhere in the grid."""
    used = sorted({i for row in rows for i in row.numbers()})
    return _Columns(used[-7:]) if len(used) >= 7 else None


def _column_label_matches(text: str, column: ColumnSpec) -> bool:
    """A stacked header label names a column. 其他/总计 are short words found inside other labels,
    so they must END the label (and 其他 not be the 法人或其他组织 group label or 其他处理)."""
    ends = any(text.endswith(squeeze(a)) for a in column.anchors)
    if column.key == "other_org":
        return ends and "处理" not in text and not text.endswith(("法人或其他组织", "法人或者其他组织"))
    if column.key == "total":
        return ends and len(text) <= 6
    return _anchor_hits(text, column.anchors)


def _chunks(rows: list[_Row]) -> list[list[_Row]]:
    """Rows by grid. A grid of header rows only (the header broken by a page: `社会公益` … `组织`)
    heads the next grid, right-aligned to it, so its labels are read whole."""
    by_grid: dict[int, list[_Row]] = {}
    for row in rows:
        by_grid.setdefault(row.grid, []).append(row)
    chunks: list[list[_Row]] = []
    carried: list[_Row] = []
    for grid_rows in by_grid.values():
        if carried:
            grid_rows = [_Row(_aligned(r.cells, grid_rows), grid_rows[0].grid) for r in carried] + grid_rows
            carried = []
        if not any(r.value_indices() or _section3_label_only_row(r) for r in grid_rows):
            carried = grid_rows
            continue
        chunks.append(grid_rows)
    if carried:
        chunks.append(carried)
    return chunks


_SAME_X = 2.0  # PDF points: column edges of one table agree across its pages to well under this


def _aligned(cells: list[SourceCell], rows: list[_Row]) -> list[SourceCell]:
    """`cells` (a row of another chunk of the same table) laid out in `rows`' columns.

    On a PDF page a cell sits in the column whose left edge it shares; this also places a merged
    header cell (`法人或其他组织` spanning five columns) over its first column. Without page
    positions the chunks are right-aligned.
    """
    width = _width(rows)
    edges = _column_edges(rows)
    placed = [SourceCell("", cells[0].provenance)] * width if cells else []
    for cell in cells:
        column = _column_at(edges, _left_edge(cell))
        if column is None:
            if cell.text.strip():
                return _right_aligned(cells, width)
            continue
        if cell.text.strip():
            if placed[column].text.strip():
                return _right_aligned(cells, width)
            placed[column] = cell
    return placed


def _column_edges(rows: list[_Row]) -> list[float | None]:
    """Each grid column's left edge on the page (the most common one: merged cells blur a few)."""
    width = _width(rows)
    edges: list[float | None] = []
    for j in range(width):
        found = [edge for r in rows if j < len(r.cells) and (edge := _left_edge(r.cells[j])) is not None]
        edges.append(max(set(found), key=found.count) if found else None)
    return edges


def _column_at(edges: list[float | None], x: float | None) -> int | None:
    if x is None:
        return None
    return next((j for j, edge in enumerate(edges) if edge is not None and abs(edge - x) < _SAME_X), None)


def _left_edge(cell: SourceCell) -> float | None:
    return cell.provenance.bbox[0] if cell.provenance.bbox else None


def _right_aligned(cells: list[SourceCell], width: int) -> list[SourceCell]:
    """`cells` padded (or cut) on the left to `width`: chunks of one table share their right edge."""
    if len(cells) >= width:
        return cells[len(cells) - width:]
    return [SourceCell("", cells[0].provenance)] * (width - len(cells)) + cells


def _section3_data_rows(rows: list[_Row]) -> list[_Placed]:
    """Rows with values (or a row label and blanks), each with its 7 cells aligned.

    Each grid (a page's chunk of a split table) gets its own column positions: its header if it
    repeats one, else the previous chunk's (moved with the right edge when the chunk has fewer
    label columns) where its numbers agree, else where its numbers are.
    """
    placed: list[_Placed] = []
    previous: tuple[list[_Row], _Columns] | None = None
    for grid_rows in _chunks(rows):
        columns = _header_columns(grid_rows)
        if columns is None and previous is not None:
            columns = _continued_columns(grid_rows, *previous)
        columns = columns or _numeric_columns(grid_rows)
        if columns is not None:
            previous = (grid_rows, columns)
        first_in_grid = True
        for row in grid_rows:
            if not row.value_indices() and not _section3_label_only_row(row):
                continue
            values, first_value = _row_values(row, columns)
            label = squeeze("".join(c.text for c in row.cells[:first_value]))
            if first_in_grid and placed and _continues_split_row(placed[-1], row, label):
                placed[-1].label += label
                first_in_grid = False
                continue
            first_in_grid = False
            placed.append(_Placed(label, values, legal_person_subtotal=columns.subtotal(row) if columns else None))
    return placed


def _continues_split_row(before: _Placed, row: _Row, label: str) -> bool:
    """A row broken by a page break: its values and label start stay on the first page, the rest
    of its label opens the next page with no values (office exports split tall rows this way)."""
    if row.value_indices() or not any(v is not None for v in before.values) or _opens_numbered_label(row):
        return False
    return not _row_candidates(before.label) and bool(_row_candidates(before.label + label))


_ITEM_NUMBER = re.compile(r"^(\d+\s*[.．、]|[（(][一二三四五六七八][）)]|[一二三四]\s*、)")


def _opens_numbered_label(row: _Row) -> bool:
    """A label cell that opens with its own item number (`1.`, `（四）`, `四、`) starts a row; a
    label's broken-off tail never does (a blank row after a group's 小计 row is not its tail;
    `他处理 | 1.申请人…` holds the end of `（六）其` but is a row of its own)."""
    labels = row.cells[: _first_value(row)]
    return any(_ITEM_NUMBER.match(normalise_text(c.text)) for c in labels)


def _section3_label_only_row(row: _Row) -> bool:
    """A labelled row whose cells are all blank (blank = 0 tables) still holds a place.

    Group headings count: a one-row （六）其他处理 or a （三）不予公开 小计 row can be all blank too.
    """
    label = row.text
    if row.value_indices():
        return False
    anchors = [a for spec in SECTION3_ROWS for a in spec.anchors]
    anchors += [a for group in SECTION3_GROUP_LABELS.values() for a in group]
    if _anchor_hits(label, tuple(anchors)):
        return True
    # A bare 其他 is （六）3 typed without its number only left of seven value cells; in a header
    # row it is the 其他 column.
    if label in ("其他", "其它"):
        first = next(i for i, cell in enumerate(row.cells) if squeeze(cell.text))
        return len(row.cells) - first - 1 >= len(SECTION3_COLUMNS)
    return False


def _row_values(row: _Row, columns: _Columns | None) -> tuple[list[_Value], int]:
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
    padded: list[_Value] = [None] * (7 - len(found))
    padded.extend((row.cells[i], row.parsed[i]) for i in found)
    return padded, found[0] if found else len(row.cells)


def _row_candidates(label: str) -> list[int]:
    """Indices into SECTION3_ROWS whose anchors the label carries (avoid-words respected)."""
    hits = []
    for index, spec in enumerate(SECTION3_ROWS):
        if spec.key == "other_misc":  # "其他" alone is everywhere; only a row label that ends in it
            if any(label.endswith(squeeze(a)) for a in spec.anchors) or label in ("其他", "其它"):
                hits.append(index)
            continue
        if _anchor_hits(label, spec.anchors) and not any(a in label for a in spec.avoid):
            hits.append(index)
    if not hits and label.endswith(("总计", "合计")):
        hits.append(23)
    return hits


def _assign_section3_keys(placed: list[_Placed]) -> None:
    """Anchored rows take their key; unlabeled runs between anchors are filled by position."""
    anchored: list[int | None] = []
    for item in placed:
        hits = _row_candidates(item.label)
        group = _group_subtotal(item.label, hits)
        if group is not None:
            item.key = group
            anchored.append(None)
            continue
        # The most specific (last-listed) anchor wins: "（三）不予公开 1.属于国家秘密" is row 5.
        anchored.append(_most_specific(item.label, hits))
    previous = -1
    pending: list[int] = []
    for position, index in enumerate(anchored):
        item = placed[position]
        if item.key is not None:
            continue
        if index is None or index <= previous:
            if index is not None and index <= previous:
                continue  # a repeated header or a duplicate: never place it twice
            pending.append(position)
            continue
        gap = list(range(previous + 1, index))
        if pending and len(pending) == len(gap):
            for slot, key_index in zip(pending, gap, strict=True):
                placed[slot].key = SECTION3_ROWS[key_index].key
        pending = []
        item.key = SECTION3_ROWS[index].key
        previous = index
    tail = list(range(previous + 1, len(SECTION3_ROWS)))
    if pending and len(pending) == len(tail):
        for slot, key_index in zip(pending, tail, strict=True):
            placed[slot].key = SECTION3_ROWS[key_index].key


def _most_specific(label: str, hits: list[int]) -> int | None:
    if not hits:
        return None
    if len(hits) == 1:
        return hits[0]
    # Prefer the anchor found latest in the label (level-3 text follows the group label).
    def position(index: int) -> int:
        return max(label.rfind(squeeze(a)) for a in SECTION3_ROWS[index].anchors)
    return max(hits, key=position)


def _group_subtotal(label: str, hits: list[int]) -> str | None:
    """A row labelled only with a group heading (（三）不予公开 …) is that group's subtotal."""
    item_hits = [h for h in hits if SECTION3_ROWS[h].group is not None]
    if item_hits:
        return None
    for subtotal, group in SECTION3_SUBTOTALS.items():
        if any(g in label for g in SECTION3_GROUP_LABELS[group]):
            return subtotal
    return None


# ---------------------------------------------------------------- section 四


def _map_section4(rows: list[_Row], report: Report) -> None:
    if not rows:
        return
    rows = _rejoin_wrapped_numbers(rows)
    _read_section4(rows, report)
    # A table 四 that prints its group rows but could not be read is unlocated, never missing.
    if any(key[0] == 4 for key in report.cells) or any(_names_section4_group(r) for r in rows):
        _mark_unlocated(report, 4, [(g.key, c.key) for g in SECTION4_GROUPS for c in SECTION4_COLUMNS])


def _rejoin_wrapped_numbers(rows: list[_Row]) -> list[_Row]:
    """A row of values broken by a page break (`１ | | １ | ５` over `９ | | ７ | |`: 19, 17, 5):
    the next table opening with unlabelled values continues the row right above it."""
    joined: list[_Row] = []
    for row in rows:
        previous = joined[-1] if joined else None
        if previous is not None and row.grid != previous.grid and previous.value_indices() \
                and row.value_indices() and not _has_label_text(row):
            joined[-1] = _Row(_join_rows(previous, row), previous.grid)
            continue
        joined.append(row)
    return joined


def _read_section4(rows: list[_Row], report: Report) -> None:
    keys = [(g.key, c.key) for g in SECTION4_GROUPS for c in SECTION4_COLUMNS]
    data = max(rows, key=lambda r: len(r.value_indices()))
    if not data.value_indices() and rows[0].text and not rows[-1].text:
        data = rows[-1]  # no value anywhere: the blank row under the header is the data row
    found = data.value_indices()
    if len(found) >= 15:
        for (group, column), index in zip(keys, found[-15:], strict=True):
            _place(report, 4, group, column, data.cells[index], data.parsed[index])
        return
    if _map_section4_by_group_rows(rows, report):
        return
    positions = _section4_value_positions(rows, data)
    if positions is not None:
        for (group, column), index in zip(keys, positions, strict=True):
            _place(report, 4, group, column, data.cells[index], data.parsed[index])


def _section4_value_positions(rows: list[_Row], data: _Row) -> list[int] | None:
    """With blanks in the data row: the 15 right-most columns under header text."""
    above = rows[: rows.index(data)]
    headed = [j for j in range(len(data.cells)) if any(j < len(r.cells) and squeeze(r.cells[j].text) for r in above)]
    candidates = [j for j in headed if data.parsed[j].kind != "text"]
    return candidates[-15:] if len(candidates) >= 15 else None


def _map_section4_by_group_rows(rows: list[_Row], report: Report) -> bool:
    """The transposed layout: one row per group (复议 / 直接起诉 / 复议后起诉) of 5 values.

    Values sit under the 5 column labels when a header row names them (so blank cells keep their
    place; a table broken by a page keeps its right edge, not its label columns); without one, a
    group row needs its 5 values.
    """
    order = sorted(SECTION4_GROUPS, key=lambda g: g.key != "litigation_after_review")
    order = sorted(order, key=lambda g: g.key == "admin_review")
    header = _section4_header_columns(rows)
    read: set[str] = set()
    mapped = False
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
        group = next((g for g in order if _anchor_hits(label, g.anchors)), None)
        if group is None or (group.key in read and not row.value_indices()):
            continue  # a label tail broken off by a page (`直接起诉`) holds no values of its own
        read.add(group.key)
        for column, index in zip(SECTION4_COLUMN_KEYS, positions, strict=True):
            printed = row.parsed[index].kind != "text"
            _place(report, 4, group.key, column, *((row.cells[index], row.parsed[index]) if printed else (None, None)))
        mapped = True
    return mapped


def _section4_header_columns(rows: list[_Row]) -> tuple[_Row, list[int]] | None:
    """A header naming 结果维持 … 总计 each exactly once (the transposed form), and their positions.

    One row names them, or the header rows above the first group row do when stacked column by
    column (right-aligned: `结果 | 结果 | 其他` ends one page, `维持 | 纠正 | 结果` opens the next).
    """
    candidates = [row for row in rows if not row.value_indices()]
    above_groups = list(itertools.takewhile(lambda r: not r.value_indices() and not _names_section4_group(r), rows))
    if len(above_groups) > 1:
        width = _width(above_groups)
        aligned = [_right_aligned(r.cells, width) for r in above_groups]
        stacked = [SourceCell("".join(cells[j].text for cells in aligned), aligned[-1][j].provenance)
                   for j in range(width)]
        candidates.append(_Row(stacked, above_groups[-1].grid))
    for row in candidates:
        positions = _section4_label_positions(row)
        if positions is not None:
            return row, positions
    return None


def _section4_label_positions(row: _Row) -> list[int] | None:
    texts = [squeeze(c.text) for c in row.cells]
    positions = []
    for column in SECTION4_COLUMNS:
        found = [j for j, text in enumerate(texts) if text and _anchor_hits(text, column.anchors)]
        if len(found) != 1:
            return None
        positions.append(found[0])
    return positions if positions == sorted(set(positions)) else None


def _names_section4_group(row: _Row) -> bool:
    return _printed_heading(row) is None and any(_anchor_hits(row.text, g.anchors) for g in SECTION4_GROUPS)


# ---------------------------------------------------------------- blank = 0 (FORMAT.md §6.5)


def apply_blank_as_zero(report: Report) -> None:
    """Impute blanks as 0 (and blank totals as row sums) only when that makes T3-1..T3-3 hold.

    A blank 总计 over non-zero applicant cells is their sum (`derived`), as in the 上海 2019 table;
    other blanks become 0 (`imputed_zero`). Any rule still failing means the blanks are unknown,
    and they stay null. Section 四 follows the document's convention once section 三 proved it.
    """
    section3 = {k: c for k, c in report.cells.items() if k[0] == 3}
    if not any("blank" in c.flags for c in section3.values()) or not _totals_printed(report):
        return
    trial = {k: c.value for k, c in section3.items()}
    derived = _derive_blank_sums(trial, section3)
    for key, cell in section3.items():
        if trial[key] is None and "blank" in cell.flags:
            trial[key] = Decimal(0)
    if not _section3_consistent(trial):
        return
    _commit_imputed(report, section3, trial, derived)
    _impute_section4(report)


# A printed sum column and the applicant columns it adds up (T3-3, and T3-6 for the local subtotal).
_SUM_COLUMNS: dict[str, tuple[str, ...]] = {
    "total": SECTION3_APPLICANT_COLUMNS,
    SECTION3_LEGAL_PERSON_SUBTOTAL: SECTION3_APPLICANT_COLUMNS[1:],
}


def _derive_blank_sums(trial: dict[tuple[int, str, str], Decimal | None],
                       cells: dict[tuple[int, str, str], Cell]) -> set[tuple[int, str, str]]:
    """Blank sum cells over non-zero parts take the parts' sum; returns the keys it derived."""
    derived = set()
    for key, cell in cells.items():
        parts_keys = _SUM_COLUMNS.get(key[2])
        if parts_keys is None or cell.value is not None or "blank" not in cell.flags:
            continue
        total = sum((trial.get((3, key[1], c)) or Decimal(0) for c in parts_keys), Decimal(0))
        if total:
            trial[key] = total
            derived.add(key)
    return derived


def _commit_imputed(report: Report, cells: dict[tuple[int, str, str], Cell],
                    trial: dict[tuple[int, str, str], Decimal | None], derived: set[tuple[int, str, str]]) -> None:
    for key, value in trial.items():
        cell = cells[key]
        if cell.value is None and "blank" in cell.flags:
            flag = "derived" if key in derived else "imputed_zero"
            report.set_cell(Cell(key[0], key[1], key[2], value, cell.raw, cell.provenance, cell.flags | {flag}))


def _totals_printed(report: Report) -> bool:
    """§6.5's first condition: a row total (总计 of 一 or （七）) and a column total (a （七） cell) are printed."""
    row_total = any(report.value(3, r, "total") is not None for r in ("new_requests", "outcome_total"))
    column_total = any(report.value(3, "outcome_total", c) is not None for c in SECTION3_APPLICANT_COLUMNS)
    return row_total and column_total


def _section3_consistent(values: dict[tuple[int, str, str], Decimal | None]) -> bool:
    """T3-1, T3-2, T3-3 and (for printed subtotals) T3-6 on a complete trial of section 三."""
    def v(row: str, col: str) -> Decimal:
        return values.get((3, row, col)) or Decimal(0)

    rows = {k[1] for k in values}
    outcome_rows = [r for r in OUTCOME_ROW_KEYS if r in rows]
    if not rows & set(SECTION3_GROUPS["other"]):
        outcome_rows.append("other_subtotal")  # （六） printed as one row
    for col in SECTION3_COLUMN_KEYS:
        if v("new_requests", col) + v("carried_over", col) != v("outcome_total", col) + v("carried_forward", col):
            return False
        if sum((v(r, col) for r in outcome_rows), Decimal(0)) != v("outcome_total", col):
            return False
    for subtotal, group in SECTION3_SUBTOTALS.items():
        parts = [r for r in SECTION3_GROUPS[group] if r in rows]
        if subtotal in rows and parts and any(
            v(subtotal, col) != sum((v(r, col) for r in parts), Decimal(0)) for col in SECTION3_COLUMN_KEYS
        ):
            return False
    columns = {k[2] for k in values}
    return all(
        sum((v(r, c) for c in parts), Decimal(0)) == v(r, column)
        for r in rows for column, parts in _SUM_COLUMNS.items() if column in columns
    )


def _impute_section4(report: Report) -> None:
    """Blanks in section 四 are zeros when T4-1 then holds in every group, else they stay null."""
    cells = {k: c for k, c in report.cells.items() if k[0] == 4}
    trial = {k: Decimal(0) if c.value is None and "blank" in c.flags else c.value for k, c in cells.items()}
    for group in SECTION4_GROUP_KEYS:
        values = [trial.get((4, group, c)) for c in SECTION4_COLUMN_KEYS]
        known = [v for v in values if v is not None]
        if len(known) < len(values) or sum(known[:-1], Decimal(0)) != known[-1]:
            return
    _commit_imputed(report, cells, trial, set())
