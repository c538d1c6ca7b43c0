"""Where a number came from: one cell of one report, its raw text, location and the rules about it.

Everything is read from the warehouse; the original file is found through documents.archive_path
(the content-addressed archive) or, for files never archived, reports.source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from extractors.template import flat_key

_AGENCY_YEAR = re.compile(r"^(?P<agency>.+?)\s*[/:@ ]\s*(?P<year>\d{4})$")
_DOTTED = re.compile(r"^(?:section)?(?P<section>[234])\.(?P<row>[a-z0-9_]+)\.(?P<col>[a-z0-9_]+)$")
_FLAT_34 = re.compile(r"^s(?P<section>[34])_(?P<row>[a-z0-9_]+?)__(?P<col>[a-z0-9_]+)$")
_MIN_SHA_PREFIX = 6
# A report's cells with their labels (parameters: template, then the WHERE clause's), CellRef order.
_LABELLED_CELLS = """
        SELECT c.section, c.row_key, c.col_key, k.row_label, k.col_label, c.value, c.raw, c.page, c.bbox,
               c.table_no, c.row_no, c.col_no, c.flags
        FROM cells AS c
        LEFT JOIN cell_keys AS k ON k.template = coalesce(?, '2021') AND k.section = c.section
            AND k.row_key = c.row_key AND k.col_key = c.col_key
"""


class NotFound(LookupError):
    """The report or the cell asked for is not in the warehouse; the message says what is."""


@dataclass(frozen=True)
class ReportRef:
    report_id: str
    sha256: str
    agency: str | None
    year: int | None
    format: str | None
    status: str
    template: str | None
    source: str
    archive_path: str | None

    def file(self) -> Path:
        """The archived raw file if there is one, else the source path as loaded."""
        for candidate in (self.archive_path, self.source):
            if candidate and Path(candidate).is_file():
                return Path(candidate)
        raise NotFound(f"report {self.report_id}: its file is neither archived nor at {self.source}")


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: str
    severity: str | None
    detail: str | None


@dataclass(frozen=True)
class CellRef:
    section: int
    row_key: str
    col_key: str
    row_label: str | None
    col_label: str | None
    value: Decimal | None
    raw: str | None
    page: int | None
    bbox: list[float] | None
    table_no: int | None
    row_no: int | None
    col_no: int | None
    flags: list[str]
    rules: list[RuleResult]

    @property
    def key(self) -> str:
        return f"{self.section}.{self.row_key}.{self.col_key}"


def find_report(con: duckdb.DuckDBPyConnection, reference: str) -> ReportRef:
    """A report by report_id, sha256 prefix (≥ 6 hex characters) or "AGENCY YEAR" (also AGENCY/YEAR)."""
    select = """SELECT r.report_id, r.sha256, r.agency, r.year, r.format, r.status, r.template, r.source,
                       d.archive_path
                FROM reports AS r LEFT JOIN documents AS d USING (sha256) WHERE """
    rows: list[tuple] = []
    if re.fullmatch(r"[0-9a-f]+", reference) and len(reference) >= _MIN_SHA_PREFIX:
        rows = con.execute(select + "r.report_id = ? OR starts_with(r.sha256, ?)", [reference, reference]).fetchall()
    elif match := _AGENCY_YEAR.match(reference.strip()):
        rows = con.execute(select + "(r.agency = ? OR r.full_name = ?) AND r.year = ?",
                           [match["agency"], match["agency"], int(match["year"])]).fetchall()
    if len(rows) == 1:
        return ReportRef(*rows[0])
    if not rows:
        raise NotFound(f"no current report matches {reference!r} (give a report_id, a sha256 prefix of at "
                       f"least {_MIN_SHA_PREFIX} characters, or AGENCY YEAR as in reports.agency)")
    listed = ", ".join(f"{r[0]} ({r[2]} {r[3]})" for r in rows[:5])
    raise NotFound(f"{reference!r} matches {len(rows)} reports: {listed}; give a report_id")


def parse_key(key: str) -> tuple[int | None, str, str | None]:
    """(section, row_key, col_key) from 3.new_requests.total, section3.new_requests.total or a flat
    key; a flat section 二 key (s2_<row>_<col>) is ambiguous: (2, key, None), resolved by find_cell."""
    if match := _DOTTED.match(key) or _FLAT_34.match(key):
        return int(match["section"]), match["row"], match["col"]
    if key.startswith("s2_"):
        return 2, key, None
    raise NotFound(f"{key!r} is not a cell key: write SECTION.ROW.COLUMN as in the cells table, "
                   f"e.g. 3.new_requests.total or 4.admin_review.corrected")


def find_cell(con: duckdb.DuckDBPyConnection, report: ReportRef, key: str) -> CellRef:
    """The cell, its labels and every rule result whose evidence involves it."""
    section, row_key, col_key = parse_key(key)
    rows = con.execute(_LABELLED_CELLS + """
        WHERE c.report_id = ? AND c.section = ?""", [report.template, report.report_id, section]).fetchall()
    found = [r for r in rows if (r[1], r[2]) == (row_key, col_key) or flat_key(r[0], r[1], r[2]) == row_key]
    if not found:
        known = sorted({f"{r[0]}.{r[1]}" for r in rows})
        raise NotFound(f"report {report.report_id} has no cell {key!r}"
                       + (f"; its section {section} rows: {', '.join(known)}" if known else ""))
    cell = found[0]
    rules = con.execute("""
        SELECT rule, status, severity, detail FROM check_cells
        WHERE report_id = ? AND cell = ? ORDER BY status = 'pass', rule""",
                        [report.report_id, flat_key(cell[0], cell[1], cell[2])]).fetchall()
    return _cell_ref(cell, [RuleResult(*r) for r in rules])


def row_cells(con: duckdb.DuckDBPyConnection, report: ReportRef, cell: CellRef) -> list[CellRef]:
    """The other cells printed on the same table row (HTML/DOCX: same table_no and row_no), by column."""
    rows = con.execute(_LABELLED_CELLS + """
        WHERE c.report_id = ? AND c.table_no IS NOT DISTINCT FROM ? AND c.row_no IS NOT DISTINCT FROM ?
            AND c.section = ? AND c.row_key = ?
        ORDER BY c.col_no, k.col_order""",
                       [report.template, report.report_id, cell.table_no, cell.row_no, cell.section,
                        cell.row_key]).fetchall()
    return [_cell_ref(r, []) for r in rows]


def _cell_ref(row: tuple, rules: list[RuleResult]) -> CellRef:
    """A CellRef from the 13 columns both queries select, in CellRef field order."""
    (section, row_key, col_key, row_label, col_label, value, raw, page, bbox, table_no, row_no, col_no,
     flags) = row
    return CellRef(section, row_key, col_key, row_label, col_label, value, raw, page, bbox, table_no, row_no,
                   col_no, flags=list(flags or []), rules=rules)
