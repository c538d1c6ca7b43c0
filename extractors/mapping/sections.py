"""Which template a document uses and which table rows belong to sections 二, 三 and 四.

Headings set the context and row markers move it forward (docs/format.md §3.2, §6.1).
"""

from __future__ import annotations

import re

from extractors.document import Document, TextBlock
from extractors.mapping.rows import Row, squeeze
from extractors.mapping.section3_labels import label_only_row
from extractors.numbers import normalise_text
from extractors.template import (
    SECTION_HEADINGS,
    TEMPLATE_2019,
    TEMPLATE_2019_MARKERS,
    TEMPLATE_2021,
    TEMPLATE_2021_MARKERS,
)

_NUMERAL_HEADING = re.compile(r"^[-*#>\s]*([一二三四五六]|[1-6])\s*[、.．]")

# Row-level evidence of which section a table row belongs to (sections only move forward). Section
# 四's words appear in no table of 二 or 三, so its terse forms count too (`复议`, `直接起诉`, a
# header `维持 | 纠正 | 其他 | 未审结`): a transposed 四 printed right under 三 without a heading.
_SECTION_ROW_MARKERS: dict[int, tuple[str, ...]] = {
    4: ("复议", "诉讼", "起诉", "维持", "纠正", "审结"),
    3: ("本年新收", "申请人情况", "上年结转", "予以公开", "自然人", "勾稽关系"),
    2: ("第二十条", "信息内容", "规章", "行政许可", "行政处罚", "事业性收费", "第二十刻"),
}


# ---------------------------------------------------------------- sections and template


def detect_template(doc: Document) -> str | None:
    """2019 vs 2021 by section 二's column headers (docs/format.md §6.1)."""
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


def split_sections(doc: Document) -> dict[int, list[Row]]:
    """Table rows by section: headings set the context, row markers move it forward.

    A new table starts in the section its first rows announce, so a table whose header row
    carries no marker (transposed 四: `结果维持 | 结果纠正 …` above `行政复议 | …`) is not
    glued to the previous section when the report prints no heading between them. A grid of
    header text only waits for the next grid and goes where that one goes.
    """
    sections: dict[int, list[Row]] = {}
    current = 0
    held: list[Row] = []
    for grid_index, block in enumerate(doc.blocks):
        if isinstance(block, TextBlock):
            for line in block.text.splitlines():
                found = heading_section(line)
                if found is not None:
                    current = found
            continue
        grid_rows = [Row(cells, grid_index) for cells in block.rows]
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


def _is_header_fragment(rows: list[Row]) -> bool:
    """A grid of header text only (no value, no row label): the top of a table whose body opens
    the next page (`结果 | 结果 | 其他` over `维持 | 纠正 | 结果`). It belongs to the section the
    next grid announces, not to the section before it. A header names several columns; a lone
    cell is the tail of the previous page's last label (`总` … `计`), which stays with it."""
    several_labels = any(len([c for c in r.cells if c.text.strip()]) > 1 for r in rows)
    return several_labels and all(
        not r.value_indices() and not label_only_row(r) and _row_section(r, 3) != 4 for r in rows)


def _table_header_rows(rows: list[Row]) -> list[Row]:
    """The first rows of a table, up to its first row with values and up to a section heading
    printed inside it: rows above such a heading, or below a row of values, may continue the
    previous page's section (one big table broken by a page: `小计 | 1268 …` above `行政复议`)."""
    first_values = next((i for i, row in enumerate(rows) if row.value_indices()), len(rows))
    head = rows[:min(_TABLE_LOOKAHEAD_ROWS, first_values + 1)]
    inside = next((i for i, row in enumerate(head) if i > 0 and printed_heading(row) is not None), len(head))
    return head[:inside]


def printed_heading(row: Row) -> int | None:
    """The section a table row announces when its only printed text is a section heading."""
    printed = [c.text for c in row.cells if c.text.strip()]
    return heading_section(printed[0]) if len({squeeze(t) for t in printed}) == 1 else None


def _row_section(row: Row, current: int) -> int:
    """The later section a table row belongs to by its markers or a heading printed in the table, else 0."""
    label = row.text
    heading = printed_heading(row)
    if heading is not None and heading > current:
        return heading
    for section, markers in _SECTION_ROW_MARKERS.items():
        if section > current and any(m in label for m in markers):
            return section
    return 0
