"""The main Prefect flow: read or crawl sources → extract → validate → load.

Orchestration only: every step calls a pure function of flows/crawl/, extractors/,
expectations/ or warehouse/. The fan-out (crawl a source, extract a file) is a subflow whose
task runner is chosen per run (threads, or Dask with `dask=`); validation, the single DuckDB
writer and the crawl-state commit stay in the flow's own process.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.states import Failed, State
from prefect.tasks import exponential_backoff

from extractors.extract import REPORT_SUFFIXES, ExtractSettings
from extractors.files import identify_file, source_name
from extractors.report import CheckStatus, Report, ReportStatus, Severity, report_id_of
from flows.crawl import (
    CrawlResult,
    CrawlSettings,
    CrawlState,
    FetchRecord,
    ReportFile,
    Source,
    crawl,
    load_sources,
    raw_dir,
    source_from_url,
    state_file,
)
from flows.crawl.archive import archive_file
from flows.extract_pool import (
    ExtractJob,
    IsolationSettings,
    extract_isolated,
    extraction_pool,
    local_pool,
)
from flows.outcome import SourceFailure, crawl_failures, exit_status, folder_failure
from flows.runners import api_reachable_from_workers, task_runner_for, track
from flows.settings import RunSettings
from warehouse.loader import FETCH_COLUMNS, DocumentVersion, LoadSummary, load_batch
from warehouse.reads import known_sha256

ARTIFACT_KEY = "xxgk-run"
_LISTED = 50  # reports named per list in the artifact; the rest are counted


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def resolve_sources(source: str | None, sources_file: str | None) -> list[Source] | None:
    """The sites to crawl, or None for a folder run; exactly one of the two inputs must be given."""
    if (source is None) == (sources_file is None):
        raise ValueError("give exactly one of --source (a folder or a URL) and --sources (a TOML file)")
    if sources_file is not None:
        return load_sources(Path(sources_file))
    assert source is not None
    return [source_from_url(source)] if is_url(source) else None


# ---------------------------------------------------------------------------------------------- summary
@dataclass
class RunSummary:
    """What a run did, for the CLI, the Prefect artifact and the tests."""

    files: int = 0  # report files seen: in the folder, or fetched new/changed by the crawl
    skipped_unchanged: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    failed_rules: dict[str, int] = field(default_factory=dict)
    loaded: int = 0
    quarantined: int = 0
    problems: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)  # sources of reports loaded for the first time
    changed: list[str] = field(default_factory=list)  # sources of reports that replaced an older version
    failed: list[str] = field(default_factory=list)  # "source: reason" of quarantined files
    fetches: int = 0
    fetch_errors: list[str] = field(default_factory=list)  # "url: error"
    skipped_links: int = 0
    sources: int = 0  # sites crawled, or 1 for a folder
    failed_sources: list[SourceFailure] = field(default_factory=list)  # nothing could be read from these

    @property
    def exit_status(self) -> int:
        """0 every source read, 1 some failed, 3 all failed (flows/outcome.py)."""
        return exit_status(self.sources, len(self.failed_sources))

    def warnings(self) -> list[str]:
        """One line per failed source, for the terminal and the logs."""
        return [f"WARNING {failure}" for failure in self.failed_sources]

    def headline(self) -> str:
        """The run in one sentence, problems first."""
        read = (f"{len(self.failed_sources)} of {self.sources} sources failed" if self.failed_sources
                else f"all {self.sources} sources read" if self.sources > 1 else "the source was read")
        invalid = self.statuses.get("invalid", 0)
        return (f"{read[:1].upper()}{read[1:]}: {self.loaded} reports loaded ({invalid} invalid), "
                f"{self.quarantined} files quarantined, {len(self.fetch_errors)} fetch errors.")

    def markdown(self) -> str:
        """The run as a markdown artifact: problems first (failed sources, quarantined files, fetch
        errors), then the counts, statuses, rules failed, new and changed reports."""
        lines = ["# xxgk run", "", self.headline()]
        lines += _listed("Failed sources", [str(failure) for failure in self.failed_sources])
        lines += _listed("Failed reports", self.failed)
        lines += _listed("Fetch errors", self.fetch_errors)
        lines += ["", "## Counts", "", f"- files seen: {self.files}",
                  f"- unchanged (skipped): {self.skipped_unchanged}",
                  f"- loaded: {self.loaded} ({len(self.new)} new, {len(self.changed)} changed)",
                  f"- quarantined: {self.quarantined}"]
        if self.fetches:
            lines += [f"- requests: {self.fetches} ({len(self.fetch_errors)} failed, "
                      f"{self.skipped_links} links not followed)"]
        lines += ["", "| status | reports |", "|---|---|"]
        lines += [f"| {status} | {count} |" for status, count in sorted(self.statuses.items())]
        if self.failed_rules:
            lines += ["", "| rule failed | reports |", "|---|---|"]
            lines += [f"| {rule} | {count} |" for rule, count in sorted(self.failed_rules.items())]
        lines += _listed("New reports", self.new)
        lines += _listed("Changed reports", self.changed)
        return "\n".join(lines)


def _listed(title: str, items: list[str]) -> list[str]:
    """A markdown section naming up to _LISTED items and counting the rest; nothing when empty."""
    if not items:
        return []
    lines = ["", f"## {title}", *[f"- {item}" for item in items[:_LISTED]]]
    if len(items) > _LISTED:
        lines.append(f"- … and {len(items) - _LISTED} more")
    return lines


@dataclass
class Gathered:
    """What the fan-out hands back: reports to validate and load, and what the crawl learned."""

    reports: list[Report] = field(default_factory=list)
    documents: list[DocumentVersion] = field(default_factory=list)
    crawls: list[CrawlResult] = field(default_factory=list)
    pending_dir: str | None = None  # where the crawl tasks park their states until the load succeeded
    pending_states: list[str] = field(default_factory=list)  # crawl states to commit after the load
    files: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- tasks
@task(retries=2, retry_delay_seconds=1)
def known_documents(warehouse: str) -> set[str]:
    """sha256 of every file the warehouse has seen (loaded, replaced or quarantined)."""
    return known_sha256(warehouse)


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def discover_files(source_dir: str, known: set[str], data_dir: str) -> tuple[list[str], list[DocumentVersion], int]:
    """Report files under a folder whose bytes the warehouse has not seen, sorted, and how many it has.

    Each new file is hashed in chunks and copied into the content-addressed raw archive, as a
    crawled download is, so the archive holds every report ever loaded and can be re-extracted.
    """
    root = Path(source_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"{source_dir}: not a folder")
    paths = [p for p in sorted(root.rglob("*")) if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES]
    max_bytes = ExtractSettings.from_env().max_bytes
    seen = set(known)  # a copy of a file elsewhere in the folder is extracted once
    fresh: list[str] = []
    versions: list[DocumentVersion] = []
    archive = raw_dir(Path(data_dir))
    for path in paths:  # hashed in chunks; an unreadable file gets a stand-in identity and fails in extraction
        identity = identify_file(path, max_bytes)
        if identity.sha256 in seen:
            continue
        seen.add(identity.sha256)
        fresh.append(str(path))
        if identity.problem is None:  # only readable bytes are archived
            try:
                archived = archive_file(archive, path, identity.sha256)
            except OSError:  # vanished or locked since it was hashed: extraction reports why
                continue
            versions.append(DocumentVersion(sha256=identity.sha256, source=source_name(path),
                                            archive_path=str(archived), size_bytes=archived.stat().st_size))
    return fresh, versions, len(paths) - len(fresh)


@task(cache_policy=NO_CACHE)
def extract_file(path: str) -> Report:
    """One file → Report, in an isolated worker process; never raises (bad input becomes an error status)."""
    return extract_isolated(ExtractJob.of_path(path))


@task(cache_policy=NO_CACHE)
def extract_files(paths: list[str]) -> list[Report]:
    """Every file through this process's extraction pool, in order: one task keeps every worker busy.

    Per-file task runs cost more orchestration than a fast PDF read (measured: with them, a run
    used ~1.5 of 2 cores and --workers 2 was no faster than 1), so local folder runs use this.
    """
    pool = local_pool()
    assert pool is not None
    return list(pool.map(ExtractJob.of_path(path) for path in paths))


@task(retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=2), cache_policy=NO_CACHE)
def crawl_source(source: Source, data_dir: str, pending_state: str, settings: CrawlSettings) -> CrawlResult:
    """Crawl one site from the last committed state; park what it learned for the commit after the load.

    The crawler retries each request itself (per URL, with backoff): a Prefect retry here would
    re-crawl the whole site for one flaky page. This task's own retries cover what escapes the
    crawler (a full disk under the archive, a lost Dask worker); each attempt starts again from
    the committed state, so a half-done attempt cannot hide a report.
    """
    data = Path(data_dir)
    state = CrawlState.load(state_file(data))
    result = crawl(source, raw_dir(data), state, settings)
    state.save(Path(pending_state))
    return result


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def extract_archived(report_file: ReportFile, http_charset: str | None) -> Report:
    """An archived download → Report, named by its URL (an inline HTML report by its article page)."""
    if not report_file.path.is_file():  # retried: shared storage may lag behind the crawl
        raise FileNotFoundError(f"{report_file.path}: the archived download is missing")
    return extract_isolated(ExtractJob(str(report_file.path), report_file.url, http_charset))


@task(cache_policy=NO_CACHE)
def validate_reports(reports: list[Report], docs_dir: str) -> None:
    """One Great Expectations validation over the whole batch: the run's only source of check
    results and statuses, put on the reports for the loader and the summary.

    The Data Docs are built in the same task: they come from the GE context that validated,
    which lives in this process only (so this never runs on a Dask worker).
    """
    from expectations.data_docs import build_data_docs
    from expectations.runner import validate_reports as validate_batch_once

    results = validate_batch_once(reports)
    build_data_docs(Path(docs_dir), results=results, reports=reports)


@task(retries=3, retry_delay_seconds=2, cache_policy=NO_CACHE)
def write_batch(warehouse: str, reports: list[Report], documents: list[DocumentVersion],
                fetches: list[dict[str, Any]]) -> LoadSummary:
    """The single writer: reports with their checks, the fetch log and the cross-report rules
    (Y-1…, parent vs children, over everything loaded) in one transaction; a busy file is retried."""
    from expectations.cross_report import evaluate_cross_report

    return load_batch(Path(warehouse), reports, documents=documents, fetches=fetches,
                      cross_report=evaluate_cross_report)


@task(retries=2, retry_delay_seconds=1)
def restore_crawl_state(data_dir: str, warehouse: str) -> int:
    """A lost crawl-state file is rebuilt from the fetch log, so no known report is extracted again."""
    from warehouse.connection import open_readonly

    path = state_file(Path(data_dir))
    if path.exists() or not Path(warehouse).exists():
        return 0
    with open_readonly(Path(warehouse)) as con:
        if not {"fetches", "documents"} <= _tables(con):
            return 0
        columns = ("url", "status", "error", "sha256", "etag", "last_modified")
        rows = [dict(zip(columns, row, strict=True)) for row in con.execute(
            f"SELECT {', '.join(columns)} FROM fetches ORDER BY fetched_at").fetchall()]
        reported = [sha for (sha,) in con.execute("SELECT DISTINCT sha256 FROM documents").fetchall()]
    state = CrawlState.from_fetches(rows, reported)
    state.save(path)
    return len(state)


@task(retries=2, retry_delay_seconds=1)
def commit_crawl_state(data_dir: str, pending_states: list[str]) -> None:
    """After the load: merge what every source's crawl learned into the saved state."""
    path = state_file(Path(data_dir))
    state = CrawlState.load(path)
    for pending in pending_states:
        state.merge(CrawlState.load(Path(pending)))
    state.save(path)


# ---------------------------------------------------------------------------------------------- flows
@flow(name="xxgk-fetch-extract")
def fetch_and_extract(folder: str | None, sources: list[Source], data_dir: str, warehouse: str,
                      crawl_settings: CrawlSettings) -> Gathered:
    """The fan-out: crawl each source and extract each new file, on whatever task runner this run uses.

    Tasks called directly (not submitted) run here, in the flow's process; only submitted ones
    go to the task runner's workers.
    """
    gathered = Gathered()
    if folder is not None:
        paths, gathered.documents, gathered.unchanged = discover_files(folder, known_documents(warehouse), data_dir)
        gathered.files = len(paths)
        if local_pool() is not None:
            gathered.reports = extract_files(paths) if paths else []
        else:  # Dask: one task per file, spread over the cluster
            gathered.reports = _in_order([extract_file.submit(p) for p in paths], "extracting")
        return gathered
    pending_dir = Path(tempfile.mkdtemp(prefix="crawl-state.", suffix=".pending", dir=_ensure(Path(data_dir))))
    gathered.pending_dir = str(pending_dir)
    pending = [str(pending_dir / f"{number:05d}.json") for number in range(len(sources))]
    crawls = [crawl_source.submit(s, data_dir, p, crawl_settings) for s, p in zip(sources, pending, strict=True)]
    number_of = {future: number for number, future in enumerate(crawls)}
    results: dict[int, CrawlResult] = {}
    extractions: dict[int, list[PrefectFuture[Report]]] = {}
    for future in track(crawls, "crawling"):  # extraction starts as soon as a site is crawled
        number = number_of[future]
        try:
            results[number] = result = future.result()
        except Exception as error:  # one site's failure must not stop the others
            gathered.problems.append(f"{sources[number].start_url}: the crawl of {sources[number].name} failed "
                                     f"({error})")
            continue
        answers = {r.sha256: r for r in result.fetches if r.sha256 and r.error is None}
        extractions[number] = []
        for report_file in result.reports:
            record = answers.get(report_file.sha256)
            extractions[number].append(extract_archived.submit(report_file, _charset(record)))
            gathered.documents.append(_document_version(report_file, record))
    done = sorted(results)  # source order, not completion order: the batch must not depend on timing
    gathered.crawls = [results[n] for n in done]
    gathered.pending_states = [pending[n] for n in done]
    gathered.unchanged = sum(result.unchanged for result in gathered.crawls)
    in_source_order = [future for n in done for future in extractions[n]]
    gathered.files = len(in_source_order)
    gathered.reports = _in_order(in_source_order, "extracting")
    return gathered


@flow(name="xxgk-run", log_prints=True)
def xxgk_run(source: str | None = None, sources_file: str | None = None, warehouse: str | None = None,
             data_dir: str | None = None, dask: str | None = None,
             crawl_settings: CrawlSettings | None = None,
             workers: int | None = None) -> RunSummary | State[RunSummary]:
    """Load every new or changed report from a folder or from crawled sites; bad input is quarantined.

    `source` is a folder or a start URL, `sources_file` a TOML file of sites (docs/contract.md §2);
    `dask` is None (threads crawl, `workers` isolated processes extract), "local" or a scheduler
    address. When a source failed, the run ends Failed (red in the UI, caught by Prefect
    notifications) and still holds the summary: call with `return_state=True` and read it with `summary_of`.
    """
    settings = RunSettings.from_env(warehouse=warehouse, data_dir=data_dir)
    sources = resolve_sources(source, sources_file)
    logger = get_run_logger()
    wh, data = str(settings.warehouse), str(settings.data_dir)
    if sources:
        restore_crawl_state(data, wh)
    isolation = IsolationSettings.from_env(workers)
    fan_out = fetch_and_extract.with_options(task_runner=task_runner_for(dask, isolation.processes))
    with api_reachable_from_workers(dask), extraction_pool(isolation, enabled=not dask) as pool:
        if pool is not None:
            pool.warm_up()  # the workers start while the run finds its files
        gathered = fan_out(folder=None if sources else source, sources=sources or [], data_dir=data,
                           warehouse=wh, crawl_settings=crawl_settings or CrawlSettings())
        usage = pool.usage() if pool is not None else None
        if usage is not None and usage.files:
            logger.info(usage.line())
    try:
        reports = gathered.reports
        extracted = [r for r in reports if ReportStatus(r.status).extracted]
        if extracted:
            validate_reports(extracted, str(settings.data_dir / "docs"))
        fetches = [fetch_row(record) for result in gathered.crawls for record in result.fetches]
        load = write_batch(wh, reports, gathered.documents, fetches)
        if gathered.pending_states:
            commit_crawl_state(data, gathered.pending_states)
    finally:
        if gathered.pending_dir:
            shutil.rmtree(gathered.pending_dir, ignore_errors=True)
    summary = summarise(gathered, load, sources or [], None if sources else source)
    for problem in summary.problems:
        logger.warning(problem)
    for warning in summary.warnings():
        logger.warning(warning)
    create_markdown_artifact(key=ARTIFACT_KEY, markdown=summary.markdown(), description=summary.headline())
    if summary.failed_sources:
        return Failed(message=summary.headline(), data=summary)
    return summary


def summary_of(state: State[Any]) -> RunSummary:
    """The summary an xxgk_run state holds, also when it ended Failed for a failed source; a crash raises."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    if not isinstance(result, RunSummary):
        raise TypeError(f"xxgk-run ended {state.type.value} without a run summary: {state.message}")
    return result


# ---------------------------------------------------------------------------------------------- helpers
def summarise(gathered: Gathered, load: LoadSummary, sources: list[Source], folder: str | None) -> RunSummary:
    """The run's outcome from what was gathered and what the loader did with it."""
    by_id = {report_id_of(r.sha256): r for r in gathered.reports}
    replacing = {new for _, new in load.replaced}
    written = [by_id[i] for i in [*load.loaded, *load.quarantined] if i in by_id]
    summary = RunSummary(files=gathered.files, skipped_unchanged=gathered.unchanged + len(load.skipped),
                         loaded=len(load.loaded), quarantined=len(load.quarantined))
    summary.statuses = dict(Counter(r.status for r in written))
    summary.failed_rules = dict(Counter(
        c.rule for r in written for c in r.checks if c.status == CheckStatus.FAIL and c.severity == Severity.ERROR))
    summary.new = [by_id[i].source for i in load.loaded if i in by_id and i not in replacing]
    summary.changed = [by_id[i].source for i in load.loaded if i in by_id and i in replacing]
    summary.failed = [f"{by_id[i].source}: {' '.join(by_id[i].errors) or by_id[i].status}"
                      for i in load.quarantined if i in by_id]
    summary.problems = [*gathered.problems, *(e for r in written for e in r.errors)]
    records = [record for result in gathered.crawls for record in result.fetches]
    summary.fetches = len(records)
    summary.fetch_errors = [f"{record.url}: {record.error}" for result in gathered.crawls for record in result.errors]
    summary.skipped_links = sum(len(result.skipped) for result in gathered.crawls)
    summary.sources = len(sources) or 1
    if folder is not None:
        empty = folder_failure(folder, gathered.files + gathered.unchanged, REPORT_SUFFIXES)
        summary.failed_sources = [empty] if empty else []
    else:
        summary.failed_sources = crawl_failures(sources, gathered.crawls, gathered.problems)
    return summary


def fetch_row(record: FetchRecord) -> dict[str, Any]:
    """A crawler fetch record as a `fetches` row (only the columns the warehouse has)."""
    row = record.to_row() | {"source_name": record.source, "not_modified": record.status == 304}
    return {column: value for column, value in row.items() if column in FETCH_COLUMNS}


def _in_order(futures: list[PrefectFuture[Report]], description: str) -> list[Report]:
    """Results in submission order (the loader's replacement rules depend on order), with progress."""
    for _ in track(futures, description):
        pass
    return [future.result() for future in futures]


def _charset(record: FetchRecord | None) -> str | None:
    if record is None or not record.content_type:
        return None
    message = Message()
    message["content-type"] = record.content_type
    return message.get_content_charset()


def _document_version(report_file: ReportFile, record: FetchRecord | None) -> DocumentVersion:
    return DocumentVersion(
        sha256=report_file.sha256, source=report_file.url, fetched_at=record.fetched_at if record else None,
        archive_path=str(report_file.path), content_type=record.content_type if record else None,
        size_bytes=record.bytes if record else None,
    )


def _tables(con: Any) -> set[str]:
    return {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder
