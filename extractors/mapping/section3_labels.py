"""Section 三 rows by name: which row a label names, and keys for unlabeled runs between anchors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import SourceCell
from extractors.mapping.rows import Row, anchor_hits, first_value_index, squeeze
from extractors.numbers import ParsedCell, normalise_text
from extractors.template import (
    SECTION3_COLUMNS,
    SECTION3_GROUP_LABELS,
    SECTION3_ROWS,
    SECTION3_SUBTOTALS,
    ColumnSpec,
)

Value = tuple[SourceCell, ParsedCell] | None

# Where each row sits in the form: rows are ordered by it, and addressed by their key.
ROW_POSITION = {spec.key: position for position, spec in enumerate(SECTION3_ROWS)}


@dataclass
class Placed:
    """A section 三 data row: its label text, its 7 value cells (None = missing) and a printed subtotal."""

    label: str
    values: list[Value]
    key: str | None = None
    legal_person_subtotal: Value = None


def names_applicant_column(label: str) -> bool:
    """Whether a transposed row's label names one of the 7 columns (or the 小计 column)."""
    return label.endswith("小计") or any(column_label_matches(label, column) for column in SECTION3_COLUMNS)


def naming_level(row: Row) -> int:
    """2 when the row's label names a data row, 1 when only a group (（六）其他处理 as one row), else 0."""
    label = row_label(row)
    if row_candidates(label):
        return 2
    return int(any(squeeze(g) in label for group in SECTION3_GROUP_LABELS.values() for g in group))


def row_label(row: Row) -> str:
    return squeeze("".join(c.text for c in row.cells[: first_value_index(row)]))


def column_label_matches(text: str, column: ColumnSpec) -> bool:
    """A stacked header label names a column. 其他/总计 are short words found inside other labels,
    so they must END the label (and 其他 not be the 法人或其他组织 group label or 其他处理)."""
    ends = any(text.endswith(squeeze(a)) for a in column.anchors)
    if column.key == "other_org":
        return ends and "处理" not in text and not text.endswith(("法人或其他组织", "法人或者其他组织"))
    if column.key == "total":
        return ends and len(text) <= 6
    return anchor_hits(text, column.anchors)


_ITEM_NUMBER = re.compile(r"^(\d+\s*[.．、]|[（(][一二三四五六七八][）)]|[一二三四]\s*、)")


def opens_numbered_label(row: Row) -> bool:
    """A label cell that opens with its own item number (`1.`, `（四）`, `四、`) starts a row; a
    label's broken-off tail never does (a blank row after a group's 小计 row is not its tail;
    `他处理 | 1.申请人…` holds the end of `（六）其` but is a row of its own)."""
    labels = row.cells[: first_value_index(row)]
    return any(_ITEM_NUMBER.match(normalise_text(c.text)) for c in labels)


def label_only_row(row: Row) -> bool:
    """A labelled row whose cells are all blank (blank = 0 tables) still holds a place.

    Group headings count: a one-row （六）其他处理 or a （三）不予公开 小计 row can be all blank too.
    """
    label = row.text
    if row.value_indices():
        return False
    anchors = [a for spec in SECTION3_ROWS for a in spec.anchors]
    anchors += [a for group in SECTION3_GROUP_LABELS.values() for a in group]
    if anchor_hits(label, tuple(anchors)):
        return True
    # A bare 其他 is （六）3 typed without its number only left of seven value cells; in a header
    # row it is the 其他 column.
    if label in ("其他", "其它"):
        first = next(i for i, cell in enumerate(row.cells) if squeeze(cell.text))
        return len(row.cells) - first - 1 >= len(SECTION3_COLUMNS)
    return False


def row_candidates(label: str) -> list[int]:
    """Indices into SECTION3_ROWS whose anchors the label carries (avoid-words respected)."""
    hits = []
    for index, spec in enumerate(SECTION3_ROWS):
        if spec.key == "other_misc":  # "其他" alone is everywhere; only a row label that ends in it
            if any(label.endswith(squeeze(a)) for a in spec.anchors) or label in ("其他", "其它"):
                hits.append(index)
            continue
        if anchor_hits(label, spec.anchors) and not any(a in label for a in spec.avoid):
            hits.append(index)
    if not hits and label.endswith(("总计", "合计")):  # a bare 总计 is （七）, whatever its numeral
        hits.append(ROW_POSITION["outcome_total"])
    return hits


def assign_section3_keys(placed: list[Placed]) -> None:
    """Anchored rows take their key; unlabeled runs between anchors are filled by position."""
    anchored: list[int | None] = []
    for item in placed:
        hits = row_candidates(item.label)
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
