"""Report objects → warehouse rows (plain dicts keyed by column name), one function per table.

Kept apart from the loader so the batch logic (idempotency, replacement, transactions) reads
without the column plumbing, and so a conversion error can be pinned on the one report it hits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from extractors.report import Agency, CheckResult, Report, ReportStatus, report_id_of

Row = dict[str, Any]


@dataclass(frozen=True)
class DocumentVersion:
    """What the fetcher knows about a file version that the Report does not: where and when."""

    sha256: str
    source: str
    fetched_at: datetime | None = None
    extractor_version: str | None = None
    archive_path: str | None = None
    content_type: str | None = None
    size_bytes: int | None = None

    def __post_init__(self) -> None:
        if len(self.sha256) != 64:
            raise ValueError(f"{self.source}: sha256 must be 64 hex characters, got {self.sha256!r}")




def agency_id_of(agency: Agency) -> str | None:
    """A stable agency id: division code + name, or the name chain when the code is unknown."""
    if not agency.name:
        return None
    parts = [agency.code, agency.name] if agency.code else [agency.province, agency.city, agency.county, agency.name]
    return hashlib.sha256("|".join(p or "" for p in parts).encode()).hexdigest()[:16]


def report_row(report: Report, loaded_at: datetime, version: str) -> Row:
    a = report.agency
    return {
        "report_id": report_id_of(report.sha256), "sha256": report.sha256, "source": report.source,
        "agency_id": agency_id_of(a), "agency": a.name, "full_name": a.full_name, "level": a.level,
        "kind": a.kind, "scope": a.scope, "province": a.province, "city": a.city, "county": a.county,
        "agency_code": a.code, "year": report.year, "template": report.template, "title": report.title,
        "format": report.format or None, "status": str(report.status), "is_valid": report.status == ReportStatus.OK,
        "extractor_version": version, "loaded_at": loaded_at, "extractor": report.extractor or None,
        "ocr": report.ocr,
    }


def cell_rows(report: Report) -> list[Row]:
    report_id = report_id_of(report.sha256)
    out: list[Row] = []
    for cell in report.cells.values():
        p = cell.provenance
        out.append({
            "report_id": report_id, "section": cell.section, "row_key": cell.row_key, "col_key": cell.col_key,
            "value": None if cell.value is None else str(cell.value), "raw": cell.raw,
            "page": p.page if p else None, "bbox": list(p.bbox) if p and p.bbox else None,
            "table_no": p.table if p else None, "row_no": p.row if p else None, "col_no": p.col if p else None,
            "source_file": p.file if p else None, "flags": sorted(cell.flags),
        })
    return out


def narrative_rows(report: Report) -> list[Row]:
    report_id = report_id_of(report.sha256)
    return [
        {"report_id": report_id, "key": f.key, "value": None if f.value is None else str(f.value), "unit": f.unit,
         "qualifier": f.qualifier, "approx": f.approx, "raw": f.raw, "section": f.section,
         "char_span": list(f.char_span)}
        for f in report.narrative
    ]


def check_rows(report_id: str, checks: list[CheckResult], checked_at: datetime) -> list[Row]:
    return [
        {"report_id": report_id, "rule": c.rule, "status": str(c.status), "severity": str(c.severity),
         "detail": c.detail, "cells": list(c.cells), "checked_at": checked_at}
        for c in checks
    ]


def agency_row(report: Report, updated_at: datetime) -> Row | None:
    """The agencies staging row; the division chain is resolved in SQL against `divisions`."""
    a = report.agency
    agency_id = agency_id_of(a)
    if agency_id is None:
        return None
    return {"agency_id": agency_id, "name": a.name, "full_name": a.full_name, "level": a.level, "kind": a.kind,
            "code": a.code, "province": a.province, "city": a.city, "county": a.county, "updated_at": updated_at}


def document_row(report: Report, version: DocumentVersion | None, loaded_at: datetime, *, is_current: bool,
                 reason: str | None) -> Row:
    return {
        "report_id": report_id_of(report.sha256), "sha256": report.sha256,
        "source": version.source if version else report.source, "status": str(report.status),
        "is_current": is_current, "agency_id": agency_id_of(report.agency), "year": report.year,
        "extractor_version": (version.extractor_version if version else None) or report.extractor_version,
        "archive_path": version.archive_path if version else None,
        "content_type": (version.content_type if version else None) or report.format or None,
        "size_bytes": version.size_bytes if version else None,
        "fetched_at": version.fetched_at if version else None,
        "loaded_at": loaded_at, "superseded_by": None, "superseded_at": None, "reason": reason,
    }


def quarantine_row(report: Report, seen_at: datetime, reason: str) -> Row:
    return {"report_id": report_id_of(report.sha256), "source": report.source, "sha256": report.sha256,
            "status": str(report.status), "reason": reason, "seen_at": seen_at}


def quarantine_reason(report: Report) -> str:
    """The report's own one-sentence reasons, or a sentence saying none was given."""
    return " ".join(report.errors) or f"{report.source}: status {report.status} without a reason."
