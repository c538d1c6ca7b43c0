"""Load a batch of extracted reports into the warehouse: idempotent, replacing, one transaction.

- Identity is the file's sha256: a file seen before (loaded, quarantined or superseded) adds nothing,
  except that a file once quarantined is loaded when it now extracts (a newer extractor read it).
- A new file for the same source, or for the same agency and year, replaces the current report:
  its reports/cells rows move to reports_history/cells_history, documents records the change.
- error/unsupported reports become quarantine rows with their one-sentence reasons; a report that
  cannot be converted is quarantined too, never allowed to sink the batch.
- The whole batch is one transaction on a private copy that is published atomically
  (warehouse/connection.py), so a failure leaves the published warehouse exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from extractors.report import CHECK_RESULT_COLUMNS, Report, ReportStatus, report_id_of
from warehouse import rows as R
from warehouse.connection import snapshot_writer
from warehouse.rows import DocumentVersion
from warehouse.schema import ensure_schema, refresh_agency_year

__all__ = ["FETCH_COLUMNS", "CrossReportRules", "DocumentVersion", "LoadSummary", "load_batch", "reload_batch"]

# Rules over the warehouse as this batch leaves it (expectations.cross_report.evaluate_cross_report):
# called inside the batch's transaction, so their results commit with it. What it returns is the
# whole truth for the rules outside the per-report suite (`report_rules`): a result it no longer
# gives (the pair it compared is gone) is removed, so these results never depend on load history.
CrossReportRules = Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]
FETCH_COLUMNS = ("url", "final_url", "status", "bytes", "sha256", "content_type", "etag", "last_modified",
                 "not_modified", "elapsed_ms", "source_name", "kind", "fetched_at", "error")


@dataclass
class LoadSummary:
    """What one batch did, by report id."""

    loaded: list[str] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (old report_id, new report_id)
    quarantined: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # seen before: nothing added
    check_results_written: int = 0
    check_results_removed: int = 0  # cross-report results whose reports are no longer a pair
    fetches_logged: int = 0
    published: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.loaded or self.quarantined or self.check_results_written or self.check_results_removed
                    or self.fetches_logged)

    def __str__(self) -> str:
        return (f"{len(self.loaded)} loaded, {len(self.replaced)} replaced, {len(self.quarantined)} quarantined, "
                f"{len(self.skipped)} already loaded, {self.check_results_written} check results, "
                f"{self.fetches_logged} fetches")


def load_batch(warehouse: Path | str, reports: Sequence[Report], check_results: pd.DataFrame | None = None, *,
               documents: Sequence[DocumentVersion] | None = None,
               fetches: Iterable[Mapping[str, Any]] | None = None,
               cross_report: CrossReportRules | None = None) -> LoadSummary:
    """Load one batch in one transaction and publish it; see the module docstring for the rules.

    Each report's own `checks` are written with it. `check_results` (columns CHECK_RESULT_COLUMNS)
    replaces the results of the same (report_id, rule) for current reports, so results may be
    written for reports loaded earlier; rows for unknown report ids are ignored. `cross_report`
    runs after the reports are staged, on the same transaction, and its results are upserted
    the same way: one copy of the file, one commit, no reader ever sees half of a run.
    """
    path = Path(warehouse)
    is_new_file = not path.exists()
    summary = LoadSummary()
    with snapshot_writer(path) as (con, publish):
        con.begin()
        ensure_schema(con)
        batch = _Batch(con, datetime.now(UTC), {d.sha256: d for d in documents or ()}, summary)
        batch.load(reports)
        checks_changed = _upsert_check_results(con, check_results, summary) if check_results is not None else []
        if cross_report is not None:
            checks_changed += _replace_cross_report_results(con, cross_report(con), summary, keep=check_results)
        summary.fetches_logged = _insert_fetches(con, fetches or (), batch.now)
        refresh_agency_year(con, [*summary.loaded, *checks_changed], agency_ids=batch.agency_ids)
        _finish(con, publish, summary.changed or is_new_file)
    summary.published = publish[0]
    return summary


class _Batch:
    """The state of one batch: which reports are current, which were replaced, rows to write."""

    def __init__(self, con: duckdb.DuckDBPyConnection, now: datetime, versions: dict[str, DocumentVersion],
                 summary: LoadSummary) -> None:
        self.con, self.now, self.versions, self.summary = con, now, versions, summary
        self.tables: dict[str, list[R.Row]] = {name: [] for name in (
            "reports", "cells", "narrative_facts", "check_results", "documents", "quarantine")}
        self.history: dict[str, list[R.Row]] = {"reports_history": [], "cells_history": []}
        self.pending: dict[str, tuple[R.Row, list[R.Row]]] = {}  # report_id → (report row, cell rows)
        self.superseded_in_db: dict[str, str] = {}  # old report_id → new report_id
        self.current: dict[tuple[Any, ...], str] = {}  # identity key → current report_id
        self.agencies: dict[str, R.Row] = {}

    @property
    def agency_ids(self) -> list[str]:
        return list(self.agencies)

    def load(self, reports: Sequence[Report]) -> None:
        seen = self._seen_sha256({r.sha256 for r in reports})
        self._index_current(reports)
        for report in reports:
            previous = seen.get(report.sha256)
            loadable = ReportStatus(report.status).extracted
            if previous is not None and not (not ReportStatus(previous).extracted and loadable):
                self.summary.skipped.append(report_id_of(report.sha256))
                continue
            seen[report.sha256] = report.status
            if previous is not None:  # quarantined before, readable now (a newer extractor): load it
                self._forget_quarantined(report.sha256)
            if not loadable:
                self._quarantine(report, R.quarantine_reason(report))
                continue
            try:
                self._stage(report)
            except Exception as exc:  # one bad report must not sink the batch
                self._quarantine(report, f"{report.source}: could not be loaded into the warehouse ({exc}).",
                                 status="error")
        self._write()

    def _seen_sha256(self, candidates: set[str]) -> dict[str, str]:
        """sha256 → status of the versions already in `documents`."""
        if not candidates:
            return {}
        found = self.con.execute("SELECT sha256, status FROM documents WHERE list_contains(?, sha256)",
                                 [sorted(candidates)]).fetchall()
        return dict(found)

    def _forget_quarantined(self, sha256: str) -> None:
        for table in ("quarantine", "documents"):
            self.con.execute(f"DELETE FROM {table} WHERE sha256 = ?", [sha256])

    def _index_current(self, reports: Sequence[Report]) -> None:
        sources = sorted({r.source for r in reports})
        agency_ids = sorted({a for r in reports if (a := R.agency_id_of(r.agency))})
        for report_id, source, agency_id, year in self.con.execute(
            "SELECT report_id, source, agency_id, year FROM reports "
            "WHERE list_contains(?, source) OR list_contains(?, agency_id)", [sources, agency_ids]
        ).fetchall():
            for key in _identity_keys(source, agency_id, year):
                self.current[key] = report_id

    def _stage(self, report: Report) -> None:
        report_id = report_id_of(report.sha256)
        version = self.versions.get(report.sha256)
        report_row = R.report_row(report, self.now, (version.extractor_version if version else None)
                                  or report.extractor_version)
        cells = R.cell_rows(report)
        narrative = R.narrative_rows(report)
        checks = R.check_rows(report_id, report.checks, self.now)
        document = R.document_row(report, version, self.now, is_current=True, reason=None)
        agency = R.agency_row(report, self.now)
        keys = _identity_keys(report.source, report_row["agency_id"], report.year)
        for old in dict.fromkeys(self.current[k] for k in keys if k in self.current):
            self._supersede(old, report_id)
        for key in keys:
            self.current[key] = report_id
        self.pending[report_id] = (report_row, cells)
        self.tables["narrative_facts"] += narrative
        self.tables["check_results"] += checks
        self.tables["documents"].append(document)
        if agency:
            self.agencies[agency["agency_id"]] = agency
        self.summary.loaded.append(report_id)

    def _supersede(self, old: str, new: str) -> None:
        self.summary.replaced.append((old, new))
        self.current = {k: v for k, v in self.current.items() if v != old}
        if old not in self.pending:
            self.superseded_in_db[old] = new
            return
        # Replaced within this batch: straight to history, never current.
        report_row, cells = self.pending.pop(old)
        self.history["reports_history"].append(report_row | {"superseded_at": self.now, "superseded_by": new})
        self.history["cells_history"] += cells
        for table in ("narrative_facts", "check_results"):
            self.tables[table] = [row for row in self.tables[table] if row["report_id"] != old]
        for document in self.tables["documents"]:
            if document["report_id"] == old:
                document.update(is_current=False, superseded_by=new, superseded_at=self.now)
        self.summary.loaded.remove(old)

    def _quarantine(self, report: Report, reason: str, status: str | None = None) -> None:
        row = R.quarantine_row(report, self.now, reason)
        if status:
            row["status"] = status
        self.tables["quarantine"].append(row)
        version = self.versions.get(report.sha256)
        self.tables["documents"].append(R.document_row(report, version, self.now, is_current=False, reason=reason))
        self.summary.quarantined.append(row["report_id"])

    def _write(self) -> None:
        self._retire_superseded()
        for report_row, cells in self.pending.values():
            self.tables["reports"].append(report_row)
            self.tables["cells"] += cells
        for table, rows in [*self.tables.items(), *self.history.items()]:
            _insert(self.con, table, rows)
        self._upsert_agencies()

    def _retire_superseded(self) -> None:
        """Move replaced reports' rows to history and mark their documents, in set-based SQL."""
        if not self.superseded_in_db:
            return
        frame = pd.DataFrame({"report_id": list(self.superseded_in_db),
                              "superseded_by": list(self.superseded_in_db.values())})
        self.con.register("superseded", frame)
        try:
            self.con.execute("""
                INSERT INTO reports_history BY NAME
                SELECT r.*, ?::TIMESTAMPTZ AS superseded_at, s.superseded_by
                FROM reports AS r JOIN superseded AS s USING (report_id)""", [self.now])
            self.con.execute("INSERT INTO cells_history SELECT * FROM cells "
                             "WHERE report_id IN (SELECT report_id FROM superseded)")
            for table in ("reports", "cells", "narrative_facts", "check_results"):
                self.con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM superseded)")
            self.con.execute("""
                UPDATE documents SET is_current = false, superseded_by = s.superseded_by, superseded_at = ?
                FROM superseded AS s WHERE documents.report_id = s.report_id AND documents.is_current""",
                             [self.now])
        finally:
            self.con.unregister("superseded")

    def _upsert_agencies(self) -> None:
        """Latest report wins for an agency's attributes; the parent chain comes from `divisions`."""
        if not self.agencies:
            return
        self.con.execute("DELETE FROM agencies WHERE list_contains(?, agency_id)", [self.agency_ids])
        self.con.register("staged_agencies", pd.DataFrame(list(self.agencies.values())))
        try:
            self.con.execute("""
                INSERT INTO agencies BY NAME
                SELECT s.agency_id, s.name, s.full_name, s.level, s.kind, s.code,
                       coalesce(p.name, s.province) AS province, d.province_code,
                       -- 直辖市 list their districts under pseudo-cities named 市辖区/县
                       coalesce(CASE WHEN ci.name IN ('市辖区', '县') THEN p.name ELSE ci.name END, s.city) AS city,
                       d.city_code,
                       coalesce(co.name, s.county) AS county, d.county_code,
                       CASE WHEN d.level = 'township' THEN d.name END AS township,
                       CASE WHEN d.level = 'township' THEN d.code END AS township_code,
                       s.updated_at
                FROM staged_agencies AS s
                LEFT JOIN divisions AS d ON d.code = s.code
                LEFT JOIN divisions AS p ON p.code = d.province_code AND p.level = 'province'
                LEFT JOIN divisions AS ci ON ci.code = d.city_code AND ci.level = 'prefecture'
                LEFT JOIN divisions AS co ON co.code = d.county_code AND co.level = 'county'
                -- 东莞/中山/儋州 share one code between city and pseudo-county: keep the agency's level
                QUALIFY row_number() OVER (PARTITION BY s.agency_id ORDER BY d.level = s.level DESC) = 1""")
        finally:
            self.con.unregister("staged_agencies")


def _identity_keys(source: str, agency_id: str | None, year: int | None) -> list[tuple[Any, ...]]:
    """A report is replaced by a new file from the same source or for the same agency and year."""
    keys: list[tuple[Any, ...]] = [("source", source)]
    if agency_id and year is not None:
        keys.append(("agency_year", agency_id, year))
    return keys


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[R.Row]) -> None:
    if not rows:
        return
    con.register("incoming", pd.DataFrame(rows))
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    finally:
        con.unregister("incoming")


def _upsert_check_results(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, summary: LoadSummary) -> list[str]:
    """Replace results per (report_id, rule) for current reports; returns report ids whose results changed."""
    missing = set(CHECK_RESULT_COLUMNS) - set(frame.columns)
    if missing:
        raise ValueError(f"check_results lacks columns {sorted(missing)}; expected {list(CHECK_RESULT_COLUMNS)}")
    current = {rid for (rid,) in con.execute("SELECT report_id FROM reports WHERE list_contains(?, report_id)",
                                             [sorted(set(frame["report_id"]))]).fetchall()}
    incoming = {_check_key(row) for row in frame[list(CHECK_RESULT_COLUMNS)].itertuples(index=False)
                if row.report_id in current}
    pairs = sorted({(rid, rule) for rid, rule, *_ in incoming})
    if not pairs:
        return []
    existing = {_check_key(row) for row in con.execute(
        "SELECT report_id, rule, status, severity, detail, cells FROM check_results "
        "WHERE list_contains(?, report_id || '|' || rule)", [[f"{r}|{u}" for r, u in pairs]]).fetchall()}
    changed = incoming ^ existing
    if not changed:
        return []
    con.execute("DELETE FROM check_results WHERE list_contains(?, report_id || '|' || rule)",
                [[f"{r}|{u}" for r, u in pairs]])
    now = datetime.now(UTC)
    _insert(con, "check_results", [
        {"report_id": rid, "rule": rule, "status": status, "severity": severity, "detail": detail,
         "cells": list(cells), "checked_at": now}
        for rid, rule, status, severity, detail, cells in sorted(incoming, key=lambda t: (t[0], t[1]))
    ])
    summary.check_results_written += len(incoming)
    return sorted({rid for rid, *_ in changed})


def _replace_cross_report_results(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, summary: LoadSummary,
                                  keep: pd.DataFrame | None = None) -> list[str]:
    """Upsert the cross-report results, then remove every result of a rule outside the per-report
    suite that they no longer contain (unless `keep`, the batch's explicit results, holds it).

    An upsert alone left a Y-1 behind when last year's report was superseded by one of another year:
    a warehouse loaded in two runs then differed from one loaded in one. Returns the report ids whose
    results changed.
    """
    changed = _upsert_check_results(con, frame, summary)
    given = pd.concat([source[["report_id", "rule"]] for source in (frame, keep) if source is not None])
    con.register("cross_report_given", given.astype(str))
    try:
        stale = con.execute("""
            DELETE FROM check_results AS c
            WHERE rule NOT IN (SELECT rule FROM report_rules) AND NOT EXISTS (
                SELECT 1 FROM cross_report_given AS g WHERE g.report_id = c.report_id AND g.rule = c.rule)
            RETURNING report_id""").fetchall()
    finally:
        con.unregister("cross_report_given")
    summary.check_results_removed += len(stale)
    return sorted({*changed, *(rid for (rid,) in stale)})


def _check_key(row: Any) -> tuple[Any, ...]:
    report_id, rule, status, severity, detail, cells = tuple(row)
    cell_list = [] if cells is None or (isinstance(cells, float) and pd.isna(cells)) else list(cells)
    return (report_id, rule, status, severity, detail, tuple(str(c) for c in cell_list))


def _insert_fetches(con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]], now: datetime) -> int:
    records = []
    for row in rows:
        unknown = set(row) - set(FETCH_COLUMNS)
        if unknown or not row.get("url"):
            raise ValueError(f"fetch row {dict(row)!r}: needs a url and only the columns {list(FETCH_COLUMNS)}")
        records.append({col: row.get(col) for col in FETCH_COLUMNS} | {"fetched_at": row.get("fetched_at") or now})
    _insert(con, "fetches", records)
    return len(records)


def reload_batch(warehouse: Path | str, reports: Sequence[Report], *, documents: Sequence[DocumentVersion] = (),
                 unchanged: Sequence[Report] = (), cross_report: CrossReportRules | None = None) -> LoadSummary:
    """Re-extracted files already in the warehouse, in one transaction (`xxgk run --reextract`).

    `reports` changed: each replaces its own rows (same sha256, same report_id) as if loaded anew.
    `unchanged` read the same: only their extractor version (and path) is recorded, so they are not
    read again until the extractor changes again.
    """
    path = Path(warehouse)
    summary = LoadSummary()
    with snapshot_writer(path) as (con, publish):
        con.begin()
        ensure_schema(con)
        ids = [report_id_of(r.sha256) for r in reports]
        for table in ("reports", "cells", "narrative_facts", "check_results"):
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, report_id)", [ids])
        for table in ("documents", "quarantine"):
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, sha256)", [[r.sha256 for r in reports]])
        batch = _Batch(con, datetime.now(UTC), {d.sha256: d for d in documents}, summary)
        batch.load(reports)
        checks_changed = (_replace_cross_report_results(con, cross_report(con), summary)
                          if cross_report is not None else [])
        for report in unchanged:
            con.execute("UPDATE documents SET extractor_version = ? WHERE sha256 = ?",
                        [report.extractor_version, report.sha256])
            con.execute("UPDATE reports SET extractor_version = ?, extractor = ? WHERE sha256 = ?",
                        [report.extractor_version, report.extractor or None, report.sha256])
        refresh_agency_year(con, [*summary.loaded, *checks_changed], agency_ids=batch.agency_ids)
        _finish(con, publish, bool(reports or unchanged))
    summary.published = publish[0]
    return summary


def _finish(con: duckdb.DuckDBPyConnection, publish: list[bool], changed: bool) -> None:
    """Commit (and publish) a batch that changed something; roll back and publish nothing otherwise."""
    if changed:
        con.commit()
    else:
        con.rollback()
        publish[0] = False
