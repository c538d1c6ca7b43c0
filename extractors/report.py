"""The canonical report: identity, cells with provenance, check results, and its JSON form.

The JSON form is docs/contract.md §1; `Report.to_json()` is the only place that shapes it.
This is the bottom layer every stage shares: the statuses, the report id and the JSON shape
are defined here once, so no stage has to import another to agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from extractors.document import Provenance
from extractors.template import (
    SECTION3_COLUMN_KEYS,
    SECTION3_ROW_KEYS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    section2_rows,
)
from extractors.version import EXTRACTOR_VERSION


class ReportStatus(StrEnum):
    """What became of a file; the values are the strings of the JSON and the warehouse."""

    OK = "ok"
    INVALID = "invalid"
    UNSUPPORTED = "unsupported"
    ERROR = "error"

    @property
    def extracted(self) -> bool:
        """The file read as a report (its cells are kept, the rules ran); else it is quarantined."""
        return self in (ReportStatus.OK, ReportStatus.INVALID)


class CheckStatus(StrEnum):
    """The outcome of one rule on one report (SKIP: an equation that does not apply)."""

    PASS = "pass"
    FAIL = "fail"
    UNCERTAIN = "uncertain"
    SKIP = "skip"


class Severity(StrEnum):
    """Only an `error` failure makes a report `invalid`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class AgencyLevel(StrEnum):
    """The administrative level of a publishing body (`department`: a body of a government)."""

    NATIONAL = "national"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"
    DEPARTMENT = "department"


# The columns of a check result wherever results travel as a table (GE batch, cross-report, warehouse).
CHECK_RESULT_COLUMNS = ("report_id", "rule", "status", "severity", "detail", "cells")
ADMIN_LEVELS = tuple(level for level in AgencyLevel if level is not AgencyLevel.DEPARTMENT)


def report_id_of(sha256: str) -> str:
    """The report id: first 16 hex characters of the file's sha256 (docs/contract.md §3)."""
    return sha256[:16]


def status_for(checks: list[CheckResult]) -> ReportStatus:
    """`invalid` when any error-severity rule fails; warnings, info and uncertain never do."""
    failed = any(c.status == CheckStatus.FAIL and c.severity == Severity.ERROR for c in checks)
    return ReportStatus.INVALID if failed else ReportStatus.OK


@dataclass
class Cell:
    """One printed (or derived) table value with the raw text and where it came from."""

    section: int
    row_key: str
    col_key: str
    value: Decimal | None
    raw: str
    provenance: Provenance | None = None
    flags: frozenset[str] = frozenset()  # blank, na_marker, imputed_zero, derived, unlocated, not_found, unparsed, ocr

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.section, self.row_key, self.col_key)


@dataclass
class Agency:
    """Who published the report, resolved against the division gazetteer where evidence allows."""

    name: str | None = None
    level: str | None = None  # an AgencyLevel value
    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None
    full_name: str | None = None
    kind: str | None = None
    scope: str | None = None  # own | aggregate | unknown
    evidence: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "level": self.level,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "code": self.code,
            "full_name": self.full_name,
            "kind": self.kind,
            "scope": self.scope,
            "evidence": list(self.evidence),
        }


@dataclass
class CheckResult:
    """The outcome of one consistency rule on one report, with the arithmetic as evidence."""

    rule: str
    status: CheckStatus
    severity: Severity = Severity.ERROR
    detail: str = ""
    cells: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": str(self.status),
            "severity": str(self.severity),
            "detail": self.detail,
            "cells": list(self.cells),
        }


@dataclass
class NarrativeFact:
    """A figure stated in the prose of sections 一 or 六 (docs/format.md §7)."""

    key: str
    value: Decimal | None
    unit: str
    raw: str
    section: int
    char_span: tuple[int, int]
    qualifier: str | None = None
    approx: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": _json_number(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "approx": self.approx,
            "raw": self.raw,
            "section": self.section,
            "char_span": list(self.char_span),
        }


@dataclass
class Report:
    """Everything extracted from one file. Cells are keyed (section, row_key, col_key)."""

    source: str
    sha256: str
    status: ReportStatus = ReportStatus.OK
    template: str | None = None
    year: int | None = None
    title: str | None = None
    format: str = ""
    agency: Agency = field(default_factory=Agency)
    cells: dict[tuple[int, str, str], Cell] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    narrative: list[NarrativeFact] = field(default_factory=list)
    # Which parse produced the cells (pdfium | pdfplumber for PDFs, else the format) and why the fast
    # PDF path was not trusted, when it was not.
    extractor: str = ""
    extractor_fallback: str = ""
    ocr: bool = False  # some cells were read from page images: their values carry recogniser doubt
    extractor_version: str = EXTRACTOR_VERSION
    # The body text outside tables: the batch validation needs it for the text rules (D-1, D-2,
    # N-*); it is not part of the JSON output.
    text: str = field(default="", repr=False)

    @property
    def report_id(self) -> str:
        return report_id_of(self.sha256)

    def value(self, section: int, row_key: str, col_key: str) -> Decimal | None:
        cell = self.cells.get((section, row_key, col_key))
        return cell.value if cell else None

    def set_cell(self, cell: Cell) -> None:
        self.cells[cell.key] = cell

    def to_json(self, with_provenance: bool = False) -> dict[str, Any]:
        """The docs/contract.md §1 object; `with_provenance` adds a `cells` list with raw text and location."""
        extracted = ReportStatus(self.status).extracted
        out: dict[str, Any] = {
            "source": self.source,
            "sha256": self.sha256,
            "status": str(self.status),
            "template": self.template,
            "agency": self.agency.to_json(),
            "year": self.year,
            "title": self.title,
            "format": self.format,
            "section2": self._section2() if extracted else None,
            "section3": self._grid(3, SECTION3_ROW_KEYS, SECTION3_COLUMN_KEYS) if extracted else None,
            "section4": self._grid(4, SECTION4_GROUP_KEYS, SECTION4_COLUMN_KEYS) if extracted else None,
            "checks": [c.to_json() for c in self.checks],
            "errors": list(self.errors),
            "extractor": self.extractor or None,
            "extractor_version": self.extractor_version,
            "ocr": self.ocr,
        }
        if self.extractor_fallback:
            out["extractor_fallback"] = self.extractor_fallback
        if self.narrative:
            out["narrative"] = [f.to_json() for f in self.narrative]
        if with_provenance:
            out["cells"] = [
                {
                    "section": c.section,
                    "row_key": c.row_key,
                    "col_key": c.col_key,
                    "value": _json_number(c.value),
                    "raw": c.raw,
                    "flags": sorted(c.flags),
                    "provenance": c.provenance.to_dict() if c.provenance else None,
                }
                for c in self.cells.values()
            ]
        return out

    def _section2(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for row in section2_rows(self.template):
            out[row.key] = {}
            for col in row.columns:
                cell = self.cells.get((2, row.key, col.key))
                if col.key == "amount_raw":
                    out[row.key][col.key] = cell.raw if cell and cell.raw else None
                else:
                    out[row.key][col.key] = _json_number(cell.value if cell else None, col.decimal)
        return out

    def _grid(self, section: int, rows: tuple[str, ...], cols: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        out = {r: {c: _json_number(self.value(section, r, c)) for c in cols} for r in rows}
        if section == 3:
            other = {c: _json_number(self.value(3, "other_subtotal", c)) for c in cols}
            if any(v is not None for v in other.values()):
                out["other_subtotal"] = other
        return out


def _json_number(value: Decimal | None, decimal: bool = False) -> int | float | None:
    """Counts become JSON integers; the 万元 fee (and any fractional value) a JSON number."""
    if value is None:
        return None
    if not decimal and value == value.to_integral_value():
        return int(value)
    return float(value)
