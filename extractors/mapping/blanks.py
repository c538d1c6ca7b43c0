"""Blank = 0 (docs/format.md §6.5): blanks become zeros only when the table's sums then hold.

The sums are extractors/sums.py's, the same equations the validator runs as T3-1…T3-3, T3-6
and T4-1, so the mapper can never impute zeros by a different arithmetic than the one that
later checks them.
"""

from __future__ import annotations

from decimal import Decimal

from extractors.report import Cell, Report
from extractors.sums import COLUMN_SUMS, SECTION3_SUMS, SECTION4_SUMS, all_hold
from extractors.template import SECTION3_APPLICANT_COLUMNS, flat_key

CellKey = tuple[int, str, str]


def apply_blank_as_zero(report: Report) -> None:
    """Impute blanks as 0 (and blank totals as row sums) only when that makes table 三's sums hold.

    A blank 总计 over non-zero applicant cells is their sum (`derived`), as in the 上海 2019 table;
    other blanks become 0 (`imputed_zero`). Any sum still failing (or not decidable) means the
    blanks are unknown, and they stay null. Section 四 follows the document's convention once
    section 三 proved it.
    """
    section3 = {k: c for k, c in report.cells.items() if k[0] == 3}
    if not any("blank" in c.flags for c in section3.values()) or not _totals_printed(report):
        return
    trial = {k: c.value for k, c in section3.items()}
    derived = _derive_blank_sums(trial, section3)
    for key, cell in section3.items():
        if trial[key] is None and "blank" in cell.flags:
            trial[key] = Decimal(0)
    if not all_hold(SECTION3_SUMS, _record(trial)):
        return
    _commit_imputed(report, section3, trial, derived)
    _impute_section4(report)


def _record(values: dict[CellKey, Decimal | None]) -> dict[str, Decimal | None]:
    return {flat_key(*key): value for key, value in values.items()}


def _derive_blank_sums(trial: dict[CellKey, Decimal | None], cells: dict[CellKey, Cell]) -> set[CellKey]:
    """Blank sum cells over non-zero parts take the parts' sum; returns the keys it derived."""
    derived = set()
    for key, cell in cells.items():
        parts_keys = COLUMN_SUMS.get(key[2])
        if parts_keys is None or cell.value is not None or "blank" not in cell.flags:
            continue
        total = sum((trial.get((3, key[1], c)) or Decimal(0) for c in parts_keys), Decimal(0))
        if total:
            trial[key] = total
            derived.add(key)
    return derived


def _commit_imputed(report: Report, cells: dict[CellKey, Cell], trial: dict[CellKey, Decimal | None],
                    derived: set[CellKey]) -> None:
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


def _impute_section4(report: Report) -> None:
    """Blanks in section 四 are zeros when T4-1 then holds in every group, else they stay null."""
    cells = {k: c for k, c in report.cells.items() if k[0] == 4}
    trial = {k: Decimal(0) if c.value is None and "blank" in c.flags else c.value for k, c in cells.items()}
    if all_hold(SECTION4_SUMS, _record(trial)):
        _commit_imputed(report, cells, trial, set())
