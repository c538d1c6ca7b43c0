"""Extraction on every core, one file per worker process, each under a memory cap and a time limit.

pdfplumber and the mapper are pure Python, so threads never use more than one core; and one
hostile file (a decompression bomb, a page of 200,000 rects) must not take the run down with it.
Each worker is a process that extracts one file at a time under RLIMIT_AS; the parent hands it a
path (never the bytes), waits at most `timeout_s`, and kills and replaces a worker that runs
over or dies. Such a file becomes an `error` report naming the limit, and the batch goes on.

The pool is shared by the threads of one process: Prefect task threads (`xxgk run`) or the
CLI's own threads (`xxgk extract`) each borrow an idle worker, so at most `workers` files are
being read at once. Dask runs bypass it: there, Dask's worker processes are the parallelism.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue
import resource
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from extractors.files import OUT_OF_MEMORY, identify_file
from extractors.report import Report, ReportStatus

_MB = 1024 * 1024
_NO_SIZE_LIMIT = 1 << 62  # a stopped file is hashed whatever its size (in chunks)
# Modules the fork server imports once, so that a new worker starts in milliseconds, not seconds.
_PRELOAD = ["extractors.extract", "extractors.pdf", "extractors.mapping", "extractors.identity",
            "extractors.narrative", "expectations.rules"]


def default_workers() -> int:
    """The cores this process may use (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class IsolationSettings:
    """How many files are read at once, and the budget each one gets (environment: XXGK_WORKER_*)."""

    workers: int = 0  # 0: one per core
    # Address space per worker (RLIMIT_AS): the libraries take ~80 MB, but OCR of a scanned page peaks
    # at ~2.1 GB of address space (text detection at 2400 px), ~1.1 GB resident.
    memory_mb: int = 3072
    timeout_s: float = 300.0  # wall-clock seconds per file
    files_per_worker: int = 500  # a worker is replaced after this many files, so memory stays flat

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ValueError(f"workers must be 0 (one per core) or more, got {self.workers}")
        if self.memory_mb < 256:
            raise ValueError(f"memory_mb must be at least 256 (the libraries alone need ~150 MB), got {self.memory_mb}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {self.timeout_s}")
        if self.files_per_worker < 1:
            raise ValueError(f"files_per_worker must be at least 1, got {self.files_per_worker}")

    @property
    def processes(self) -> int:
        return self.workers or default_workers()

    @classmethod
    def from_env(cls, workers: int | None = None) -> IsolationSettings:
        """Settings from XXGK_WORKERS, XXGK_WORKER_MEMORY_MB, XXGK_WORKER_TIMEOUT_S; `workers` wins."""
        env = os.environ
        return cls(
            workers=workers if workers is not None else int(env.get("XXGK_WORKERS", "0")),
            memory_mb=int(env.get("XXGK_WORKER_MEMORY_MB", str(cls.memory_mb))),
            timeout_s=float(env.get("XXGK_WORKER_TIMEOUT_S", str(cls.timeout_s))),
            files_per_worker=int(env.get("XXGK_WORKER_FILES", str(cls.files_per_worker))),
        )


@dataclass(frozen=True)
class PoolUsage:
    """How busy the extraction workers were, measured over the pool's own extraction window.

    `wall_s` runs from the first file handed to a worker to the last answer; `worker_cpu_s` is the
    CPU time the workers spent in it (each worker reports its own), `parent_cpu_s` what this
    process (task threads, receiving reports) used meanwhile. A worker extracting but short of CPU
    counts in `worker_busy_s`, not in `worker_cpu_s`: on a machine other programs keep busy, the
    two tell a starved pool from an idle one. A killed worker's last file is not counted.
    """

    files: int
    wall_s: float
    worker_cpu_s: float
    worker_busy_s: float  # wall time the workers spent extracting (running or waiting for a core)
    parent_cpu_s: float
    processes: int
    machine_cpu_s: float | None = None  # every process on the machine (Linux /proc/stat), for context

    @property
    def cores_busy(self) -> float:
        """Cores the workers kept busy on average during extraction."""
        return self.worker_cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def occupied(self) -> float:
        """Share of the window the workers had a file in hand: 1.0 means the pool never kept one waiting."""
        return self.worker_busy_s / (self.wall_s * self.processes) if self.wall_s > 0 else 0.0

    @property
    def parent_cores(self) -> float:
        return self.parent_cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    def line(self) -> str:
        text = (f"extraction: {self.files} file(s) in {self.wall_s:.1f} s on {self.processes} worker(s), "
                f"{self.cores_busy:.2f} cores busy in the workers (extracting {self.occupied:.0%} of the time), "
                f"{self.parent_cores:.2f} in the run's own process")
        if self.machine_cpu_s is not None and self.wall_s > 0:
            text += f"; the machine's {os.cpu_count()} cores: {self.machine_cpu_s / self.wall_s:.2f} busy (everyone)"
        return text


@dataclass(frozen=True)
class ExtractJob:
    """One file to extract: where its bytes are, the name the report gets, the HTTP charset if any."""

    path: str
    source: str
    http_charset: str | None = None

    @classmethod
    def of_path(cls, path: str | Path) -> ExtractJob:
        return cls(str(path), str(path))


def extract_job(job: ExtractJob) -> Report:
    """Extract in this process (a worker, a Dask worker, or inline); an unreadable file is an `error`."""
    from extractors.extract import extract_bytes, extract_path

    if job.path == job.source and job.http_charset is None:
        return extract_path(job.path)
    try:
        data = Path(job.path).read_bytes()
    except OSError as exc:
        return failed_report(job, f"cannot read the archived file {job.path} ({exc.strerror or exc})")
    return extract_bytes(data, job.source, http_charset=job.http_charset)


def failed_report(job: ExtractJob, reason: str) -> Report:
    """An `error` report for a file whose extraction was stopped, keyed by the file's own sha256."""
    report = Report(source=job.source, sha256=identify_file(job.path, _NO_SIZE_LIMIT).sha256)
    report.status = ReportStatus.ERROR
    report.errors.append(f"{job.source}: {reason}")
    return report


# ---------------------------------------------------------------------------------------------- workers
def _serve(conn: Connection, memory_mb: int) -> None:
    """A worker's life: cap the address space, then extract what the parent sends until told to stop."""
    limit = memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    busy = 0.0  # wall seconds spent extracting, sent with each answer beside the CPU seconds
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        started = time.monotonic()
        try:
            report = extract_job(job)
        except MemoryError:
            report = None
        busy += time.monotonic() - started
        if report is None or (report.status == ReportStatus.ERROR and _out_of_memory(report, limit)):
            conn.send(("memory", None, (_cpu_seconds(), busy)))
            return  # the heap may be fragmented past use: the parent starts a fresh worker
        conn.send(("ok", report, (_cpu_seconds(), busy)))


def _cpu_seconds() -> float:
    """CPU time (user + system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine_cpu_seconds() -> float:
    """CPU time every process on the machine has used since boot (NaN where /proc/stat is missing)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:  # pragma: no cover - not Linux
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _out_of_memory(report: Report, limit: int) -> bool:
    """Whether an error report is the memory limit's doing: a MemoryError the reader let through, or
    a library that turned its failed allocation into an error of its own at the cap."""
    return any(error.endswith(OUT_OF_MEMORY) for error in report.errors) or _reached(limit)


def _reached(limit: int) -> bool:
    """Whether this process's address space peaked at its cap: libraries turn a failed allocation into
    their own errors (lxml: "unknown error", pdfminer: anything), so the peak is the honest signal."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux: only a MemoryError that reached us is recognised
        return False
    peak_kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmPeak:")), 0)
    return peak_kb * 1024 >= limit * 0.9


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: BaseContext, settings: IsolationSettings) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, settings.memory_mb), daemon=True, name="xxgk-extract")
        self.process.start()
        child.close()
        self.files = 0
        self.used: tuple[float, float] = (0.0, 0.0)  # CPU and extracting wall seconds, at its last answer

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


_IN_FLIGHT = 2  # files per worker: the one it reads and the next, already in its pipe


class _Feed:
    """The jobs of one `map`, taken by the worker threads, and their reports handed back in order."""

    def __init__(self, jobs: Iterable[ExtractJob]) -> None:
        self._jobs = enumerate(jobs)
        self._lock = threading.Lock()
        self._answered = threading.Condition()
        self._reports: dict[int, Report] = {}
        self._stopped = False

    def take(self) -> tuple[int, ExtractJob] | None:
        with self._lock:
            return None if self._stopped else next(self._jobs, None)

    def deliver(self, index: int, report: Report) -> None:
        with self._answered:
            self._reports[index] = report
            self._answered.notify_all()

    def delivered(self, index: int) -> Report:
        with self._answered:
            return self._reports.pop(index)

    def stop(self) -> None:
        """No more jobs are handed out (the reader of the reports went away)."""
        with self._lock:
            self._stopped = True

    def in_order(self, drivers: list[Future[None]]) -> Iterator[Report]:
        """Reports by input index as they arrive; a driver's exception is raised here."""
        index = 0
        while True:
            with self._answered:
                while index not in self._reports and not all(d.done() for d in drivers):
                    self._answered.wait(timeout=0.5)
                report = self._reports.pop(index, None)
            if report is None:
                for driver in drivers:
                    driver.result()  # raises what stopped a driver
                with self._answered:
                    report = self._reports.pop(index, None)
                if report is None:
                    return
            yield report
            index += 1


class ExtractionPool:
    """`workers` isolated extraction processes, borrowed by threads one file at a time."""

    def __init__(self, settings: IsolationSettings) -> None:
        self.settings = settings
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(settings.processes):
            self._idle.put(None)  # a slot: its worker starts when first needed
        # The extraction window and the CPU spent in it (`usage`).
        self._files = 0
        self._window: list[float] = []  # monotonic time of the first job and of the latest answer
        self._parent_cpu: list[float] = []  # this process's CPU time at the same two moments
        self._machine_cpu: list[float] = []  # and the whole machine's
        self._retired = (0.0, 0.0)  # CPU and extracting seconds of workers already stopped
        self._warming: threading.Thread | None = None

    def extract(self, job: ExtractJob) -> Report:
        """Extract one file in a worker; a file over budget or a dead worker gives an `error` report."""
        feed = _Feed([job])
        self._drive(feed)
        return feed.delivered(0)

    def warm_up(self) -> None:
        """Start the fork server and every idle worker in the background, before the first file.

        Starting the fork server imports the extractors (~0.5 s of CPU); a run that warms up while
        it discovers its files starts extracting on every worker at once. Slots already borrowed
        by a file are left alone.
        """
        def start_idle() -> None:
            for _ in range(self.settings.processes):
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    return
                try:
                    if worker is None:
                        worker = self._start()
                finally:
                    self._idle.put(worker)

        self._warming = threading.Thread(target=start_idle, name="xxgk-extract-warm-up", daemon=True)
        self._warming.start()

    def map(self, jobs: Iterable[ExtractJob]) -> Iterator[Report]:
        """Reports in input order. Each worker has its next file waiting in its pipe while it reads
        one, so it never idles while the parent takes its answer and finds it more work (measured:
        18 % of a worker's time once a fast PDF took ~30 ms)."""
        feed = _Feed(jobs)
        with ThreadPoolExecutor(max_workers=self.settings.processes, thread_name_prefix="xxgk-extract") as threads:
            drivers = [threads.submit(self._drive, feed) for _ in range(self.settings.processes)]
            try:
                yield from feed.in_order(drivers)
            finally:
                feed.stop()

    def _drive(self, feed: _Feed) -> None:
        """Borrow a worker slot and keep its worker fed from `feed` until the feed runs dry."""
        worker = self._idle.get()
        try:
            worker = self._feed_worker(worker, feed)
        finally:
            self._idle.put(worker if worker is not None and worker in self._all else None)

    def _feed_worker(self, worker: _Worker | None, feed: _Feed) -> _Worker | None:
        """Two files in flight per worker; a file that stops its worker is an `error` report, and the
        file queued behind it goes to the replacement."""
        pending: deque[tuple[int, ExtractJob]] = deque()
        while True:
            while len(pending) < _IN_FLIGHT and (
                    worker is None or worker.files + len(pending) < self.settings.files_per_worker):
                item = feed.take()
                if item is None:
                    break
                if worker is None or not worker.process.is_alive():
                    worker = self._start()
                self._send(worker, item[1])
                pending.append(item)
            if not pending or worker is None:
                return worker  # the feed ran dry and every answer is in
            index, job = pending.popleft()
            kind, report = self._receive(worker)
            if report is None:
                feed.deliver(index, failed_report(job, self._why_stopped(kind, worker)))
                self._retire(worker, kill=True)
                worker = None
                if pending:
                    worker = self._start()
                    for _, queued in pending:
                        self._send(worker, queued)
                continue
            feed.deliver(index, report)
            if worker.files >= self.settings.files_per_worker and not pending:
                self._retire(worker)
                worker = None

    def close(self) -> None:
        if self._warming is not None:
            self._warming.join()  # a worker still starting is stopped with the others
        with self._lock:
            workers, self._all = list(self._all), set()
            self._retire_usage(workers)
        for worker in workers:
            worker.stop()

    def usage(self) -> PoolUsage:
        """How busy the workers were between the first file handed out and the latest answer."""
        with self._lock:
            worker_cpu = self._retired[0] + sum(worker.used[0] for worker in self._all)
            worker_busy = self._retired[1] + sum(worker.used[1] for worker in self._all)
            wall = self._window[1] - self._window[0] if len(self._window) == 2 else 0.0
            parent = self._parent_cpu[1] - self._parent_cpu[0] if len(self._parent_cpu) == 2 else 0.0
            machine = self._machine_cpu[1] - self._machine_cpu[0] if len(self._machine_cpu) == 2 else math.nan
            return PoolUsage(self._files, wall, worker_cpu, worker_busy, parent, self.settings.processes,
                             None if math.isnan(machine) else machine)

    def _retire_usage(self, workers: list[_Worker]) -> None:
        """Keep what stopped workers used (the caller holds the lock)."""
        cpu, busy = self._retired
        self._retired = (cpu + sum(w.used[0] for w in workers), busy + sum(w.used[1] for w in workers))

    def _mark(self, answered: bool = False) -> None:
        """Open the extraction window at the first job; move its end to each answer."""
        if not answered and self._window:
            return  # the window is open: only answers move it
        now, cpu, machine = time.monotonic(), _cpu_seconds(), _machine_cpu_seconds()
        with self._lock:
            if answered:
                self._files += 1
                self._window[1:], self._parent_cpu[1:], self._machine_cpu[1:] = [now], [cpu], [machine]
            elif not self._window:
                self._window, self._parent_cpu, self._machine_cpu = [now], [cpu], [machine]

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.settings)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        with self._lock:
            self._all.discard(worker)
            self._retire_usage([worker])
        worker.stop(kill=kill)

    def _send(self, worker: _Worker, job: ExtractJob) -> None:
        """Queue a file in the worker's pipe; a worker already gone shows when its answer is awaited."""
        self._mark()
        with suppress(EOFError, OSError):
            worker.conn.send(job)

    def _receive(self, worker: _Worker) -> tuple[str, Report | None]:
        """The answer to the oldest file sent to `worker`, waiting at most the time limit: ("ok",
        report), or why there is none: "memory", "timeout" or "died"."""
        try:
            if not worker.conn.poll(self.settings.timeout_s):
                return "timeout", None
            kind, report, worker.used = worker.conn.recv()
        except (EOFError, OSError):
            return "died", None
        finally:
            worker.files += 1
            self._mark(answered=True)
        return kind, report

    def _why_stopped(self, kind: str, worker: _Worker) -> str:
        limits = self.settings
        if kind == "timeout":
            return f"extraction took over {limits.timeout_s:g} s (the time limit per file), so it was stopped"
        if kind == "memory":
            return f"extraction used over {limits.memory_mb} MB (the memory limit per file), so it was stopped"
        worker.process.join(timeout=5)  # it is gone: its exit code says how
        return (f"the extraction worker died (exit code {worker.process.exitcode}): a crash in a PDF/XML library "
                f"or the {limits.memory_mb} MB memory limit; the file was skipped")


_current: ExtractionPool | None = None


@contextmanager
def extraction_pool(settings: IsolationSettings, enabled: bool = True) -> Iterator[ExtractionPool | None]:
    """A pool for this process's threads to share (see `extract_isolated`), closed on exit.

    Disabled (Dask runs), extraction happens wherever the task runs.
    """
    global _current
    if not enabled:
        yield None
        return
    pool = ExtractionPool(settings)
    previous, _current = _current, pool
    try:
        yield pool
    finally:
        _current = previous
        pool.close()


def extract_isolated(job: ExtractJob) -> Report:
    """Extract through this process's pool when there is one (local runs), else right here (Dask)."""
    pool = _current
    return pool.extract(job) if pool is not None else extract_job(job)


def local_pool() -> ExtractionPool | None:
    """This process's extraction pool, if the run has one (local runs; not Dask)."""
    return _current
