"""Section 三 rows broken by a page made whole again, and a rotated table turned back."""

from __future__ import annotations

from extractors.document import SourceCell
from extractors.mapping.rows import Row, anchor_hits, has_label_text, join_rows, squeeze
from extractors.mapping.section3_labels import (
    Placed,
    names_applicant_column,
    naming_level,
    opens_numbered_label,
    row_candidates,
    row_label,
)
from extractors.template import (
    SECTION3_COLUMNS,
    SECTION3_ROWS,
)


def rejoin_split_rows(rows: list[Row], transposed: bool) -> list[Row]:
    """Rows broken by a page break made whole again, cell by cell.

    Office exports let a tall row run over the page: its label and the first lines of each cell
    stay on one page, the other lines open the next table, after any repeated header rows. The
    tail's cells, right-aligned, continue the previous chunk's last row with values. A row with
    no values (blank = 0) can only be continued by the very first row of the next table.
    """
    joined: list[Row] = []
    last_values: int | None = None  # index into `joined` of the last row with values
    for row in rows:
        previous = joined[-1] if joined else None
        if previous is not None and _is_blank_row_tail(previous, row, transposed):
            joined[-1] = Row(join_rows(previous, row), previous.grid)
            continue
        if last_values is not None:
            head = joined[last_values]
            opens_chunk = (row.grid != head.grid
                           and all(r.grid == row.grid and not r.value_indices() for r in joined[last_values + 1:]))
            if opens_chunk and _is_row_tail(head, row, transposed):
                joined[last_values] = Row(join_rows(head, row), head.grid)
                continue
        joined.append(row)
        if row.value_indices():
            last_values = len(joined) - 1
    return joined


def _is_row_tail(head: Row, tail: Row, transposed: bool) -> bool:
    """Whether `tail` is the rest of `head`.

    Either its numbers wrapped (`22` … `5`): the tail has values and no label at all. A garbled
    form can lose a data row's label too, so outside a transposed table (whose narrow columns wrap
    every number, and whose rows are never unlabelled) the tail must also show it is a remainder:
    a fragment that is no value on its own (`件`, `1,`), or values in only some of the head's
    value columns (only the longest numbers overflow). Or its label wrapped (`_label_completes`).
    """
    if tail.value_indices() and not has_label_text(tail):
        shift = len(head.cells) - len(tail.cells)
        overflow = {j + shift for j in tail.value_indices()}
        return transposed or any(p.kind == "text" for p in tail.parsed) or overflow < set(head.value_indices())
    return _label_completes(head, tail, transposed)


def _is_blank_row_tail(head: Row, tail: Row, transposed: bool) -> bool:
    """A blank row's label broken by a page break (`4.保护第` … `三方合法权益`, `法律` … `服务机构`)."""
    return (head.grid != tail.grid and not head.value_indices() and not tail.value_indices()
            and has_label_text(head) and _label_completes(head, tail, transposed))


def _label_completes(head: Row, tail: Row, transposed: bool) -> bool:
    """Only the joined label names a row (`二、|年结|信息` + `上|转政府名|公开申请数量`; in a
    transposed table a column, `总` + `计`), or the head's label is a bare item number and the
    tail, not opening one of its own, completes it (`2.` + `没有现成…`)."""
    whole = Row(join_rows(head, tail))
    if transposed:
        return names_applicant_column(row_label(whole)) and not names_applicant_column(row_label(head))
    level = naming_level(whole)
    return level > naming_level(head) and (level > naming_level(tail) or not opens_numbered_label(tail))


def is_transposed(rows: list[Row]) -> bool:
    """Applicant types down the first columns and outcomes across: the table was rotated."""
    def names_applicant(cell: SourceCell) -> bool:
        return any(anchor_hits(squeeze(cell.text), col.anchors) for col in SECTION3_COLUMNS[:5])

    def names_outcome(cell: SourceCell) -> bool:
        return any(anchor_hits(squeeze(cell.text), spec.anchors) for spec in SECTION3_ROWS)

    def label_cells(row: Row) -> list[SourceCell]:
        found = row.value_indices()
        return row.cells[: found[0]] if found else row.cells

    applicant_rows = sum(1 for r in rows[:12] if any(names_applicant(c) for c in label_cells(r)))
    outcome_header = any(sum(1 for c in r.cells if names_outcome(c)) >= 4 for r in rows[:6])
    return applicant_rows >= 3 and outcome_header


def transpose(rows: list[Row]) -> list[Row]:
    """Columns become rows. Grids are right-aligned first: a transposed table broken by a page keeps
    its outcome columns on every page but may drop or merge label columns on the left."""
    widths: dict[int, int] = {}
    for row in rows:
        widths[row.grid] = max(widths.get(row.grid, 0), len(row.cells))
    width = max(widths.values())
    empty = SourceCell("", rows[0].cells[0].provenance)
    aligned = [[empty] * (width - widths[r.grid]) + r.cells + [empty] * (widths[r.grid] - len(r.cells)) for r in rows]
    return [Row([cells[j] for cells in aligned], rows[0].grid) for j in range(width)]


def continues_split_row(before: Placed, row: Row, label: str) -> bool:
    """A row broken by a page break: its values and label start stay on the first page, the rest
    of its label opens the next page with no values (office exports split tall rows this way)."""
    if row.value_indices() or not any(v is not None for v in before.values) or opens_numbered_label(row):
        return False
    return not row_candidates(before.label) and bool(row_candidates(before.label + label))
