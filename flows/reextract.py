"""Re-extraction of the archive: every document an older extractor read is read again (`xxgk run --reextract`).

Every improvement of the extractor should reach the reports already loaded. The raw archive keeps
every file by content (crawled downloads and, since folder runs archive too, local files); this
flow re-reads those whose `extractor_version` is older than the running extractor's, validates
them like a normal run, reloads only the reports whose status or cells changed, records the new
version on the others, and says what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email.message import Message
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extractors.report import Report, ReportStatus, report_id_of
from extractors.version import EXTRACTOR_VERSION, is_older
from flows.extract_pool import ExtractJob, IsolationSettings, extraction_pool
from flows.settings import RunSettings
from warehouse.loader import DocumentVersion, reload_batch

_LISTED_CELLS = 5  # cell changes spelled out per report; the rest are counted
CellKey = tuple[int, str, str]


@dataclass(frozen=True)
class ArchivedDocument:
    """A document version the warehouse holds, and what it said when it was last read."""

    sha256: str
    source: str
    path: str  # the archived copy, or the original file for versions loaded before folders were archived
    status: str
    extractor_version: str | None
    content_type: str | None = None
    fetched_at: datetime | None = None
    size_bytes: int | None = None

    def job(self) -> ExtractJob:
        return ExtractJob(self.path, self.source, _charset(self.content_type))

    def version(self) -> DocumentVersion:
        return DocumentVersion(sha256=self.sha256, source=self.source, fetched_at=self.fetched_at,
                               archive_path=self.path, content_type=self.content_type, size_bytes=self.size_bytes)


@dataclass
class ReportChange:
    """How one re-read report differs from what the warehouse held."""

    source: str
    old_status: str
    new_status: str
    cells: list[str] = field(default_factory=list)  # "3/new_requests/total: 5 → 6"

    def line(self) -> str:
        status = self.old_status if self.old_status == self.new_status else f"{self.old_status} → {self.new_status}"
        shown = "; ".join(self.cells[:_LISTED_CELLS])
        more = f" (+{len(self.cells) - _LISTED_CELLS} more)" if len(self.cells) > _LISTED_CELLS else ""
        cells = f", {len(self.cells)} cell(s) changed: {shown}{more}" if self.cells else ""
        return f"{self.source}: {status}{cells}"


@dataclass
class ReextractSummary:
    """What a re-extraction did: how many documents were read again, which changed, which could not be."""

    extractor_version: str = EXTRACTOR_VERSION
    outdated: int = 0
    unchanged: int = 0
    changed: list[ReportChange] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "source: why" for archived files that are gone

    def lines(self) -> list[str]:
        status_changes = sum(c.old_status != c.new_status for c in self.changed)
        cell_changes = sum(bool(c.cells) for c in self.changed)
        lines = [f"re-extracted {self.outdated - len(self.missing)} of {self.outdated} document(s) read by an "
                 f"extractor older than {self.extractor_version}: {self.unchanged} unchanged, {len(self.changed)} "
                 f"changed ({status_changes} status, {cell_changes} cells), {len(self.missing)} missing"]
        lines += [f"  changed: {change.line()}" for change in self.changed]
        lines += [f"  missing: {item}" for item in self.missing]
        return lines


@task(retries=2, retry_delay_seconds=1)
def outdated_documents(warehouse: str) -> list[ArchivedDocument]:
    """Current reports and quarantined files whose extractor is older than this one's."""
    from warehouse.connection import open_readonly

    if not Path(warehouse).exists():
        return []
    with open_readonly(Path(warehouse)) as con:
        rows = con.execute("""
            SELECT sha256, source, coalesce(archive_path, source), status, extractor_version, content_type,
                   fetched_at, size_bytes
            FROM documents WHERE is_current OR status IN ('error', 'unsupported') ORDER BY loaded_at, sha256
        """).fetchall()
    return [ArchivedDocument(*row) for row in rows if is_older(row[4])]


@task(retries=2, retry_delay_seconds=1)
def loaded_cells(warehouse: str, report_ids: list[str]) -> dict[str, dict[CellKey, tuple[Decimal | None, str]]]:
    """The cells the warehouse holds for these reports: (value, raw) by key."""
    from warehouse.connection import open_readonly

    cells: dict[str, dict[CellKey, tuple[Decimal | None, str]]] = {report_id: {} for report_id in report_ids}
    with open_readonly(Path(warehouse)) as con:
        for report_id, section, row_key, col_key, value, raw in con.execute(
                "SELECT report_id, section, row_key, col_key, value, raw FROM cells WHERE list_contains(?, report_id)",
                [report_ids]).fetchall():
            cells[report_id][(section, row_key, col_key)] = (value, raw or "")
    return cells


@task(cache_policy=NO_CACHE)
def read_again(documents: list[ArchivedDocument], isolation: IsolationSettings) -> list[Report]:
    """Every document through the isolated extraction pool, in order, all cores busy."""
    with extraction_pool(isolation) as pool:
        assert pool is not None
        return list(pool.map(document.job() for document in documents))


@flow(name="xxgk-reextract")
def xxgk_reextract(warehouse: str | None = None, data_dir: str | None = None,
                   workers: int | None = None) -> ReextractSummary:
    """Re-read every archived document an older extractor read; reload what changed, report the changes."""
    from expectations.cross_report import evaluate_cross_report
    from flows.pipeline import validate_reports

    settings = RunSettings.from_env(warehouse=warehouse, data_dir=data_dir)
    wh = str(settings.warehouse)
    summary = ReextractSummary()
    documents = outdated_documents(wh)
    summary.outdated = len(documents)
    present = [d for d in documents if Path(d.path).is_file()]
    summary.missing = [f"{d.source}: {d.path} is gone" for d in documents if d not in present]
    reports = read_again(present, IsolationSettings.from_env(workers)) if present else []
    extracted = [r for r in reports if ReportStatus(r.status).extracted]
    if extracted:  # GE puts each report's checks and status on it, as in a run
        validate_reports(extracted, str(settings.data_dir / "docs"))
    before = loaded_cells(wh, [report_id_of(d.sha256) for d in present if d.status in ("ok", "invalid")])
    changed: list[Report] = []
    unchanged: list[Report] = []
    for document, report in zip(present, reports, strict=True):
        if report.sha256 != document.sha256:
            summary.missing.append(f"{document.source}: {document.path} no longer holds the file that was loaded")
            continue
        change = compare(document, before.get(report_id_of(document.sha256), {}), report)
        if change is None:
            unchanged.append(report)
        else:
            summary.changed.append(change)
            changed.append(report)
    summary.unchanged = len(unchanged)
    if changed or unchanged:
        versions = [d.version() for d in present if d.sha256 in {r.sha256 for r in changed}]
        reload_batch(wh, changed, documents=versions, unchanged=unchanged, cross_report=evaluate_cross_report)
    for line in summary.lines():
        get_run_logger().info(line)
    return summary


def compare(document: ArchivedDocument, cells: dict[CellKey, tuple[Decimal | None, str]],
            report: Report) -> ReportChange | None:
    """The change from what the warehouse holds to the re-read report, or None when nothing changed."""
    now = {key: (cell.value, cell.raw) for key, cell in report.cells.items()} if report.status in (
        "ok", "invalid") else {}
    differing = [f"{'/'.join(map(str, key))}: {_shown(cells.get(key))} → {_shown(now.get(key))}"
                 for key in sorted(cells.keys() | now.keys(), key=str) if not _same(cells.get(key), now.get(key))]
    if document.status == report.status and not differing:
        return None
    return ReportChange(report.source, document.status, report.status, differing)


def _same(old: tuple[Decimal | None, str] | None, new: tuple[Decimal | None, str] | None) -> bool:
    if old is None or new is None:
        return old is new
    return old[0] == new[0] and old[1] == new[1]  # Decimal('5.0000') == Decimal('5')


def _shown(cell: tuple[Decimal | None, str] | None) -> str:
    if cell is None:
        return "absent"
    value = cell[0]
    return "null" if value is None else format(value.normalize(), "f")


def _charset(content_type: str | None) -> str | None:
    if not content_type or "/" not in content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset()

