"""Where fetch and extraction tasks run (threads here, or a Dask cluster), and how their progress shows.

Only the fan-out (crawl one source, extract one file) ever leaves the flow's process; the
Great Expectations validation and the single DuckDB writer always stay in it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.crawl.progress import progress_wanted

if TYPE_CHECKING:
    from prefect.futures import PrefectFuture
    from prefect.task_runners import TaskRunner

T = TypeVar("T")

LOCAL = "local"
THREADS = 8  # sites crawled side by side in one process


@dataclass(frozen=True)
class DaskSettings:
    """`--dask local` (a LocalCluster on this machine) or `--dask ADDRESS` (an existing scheduler)."""

    target: str
    local_workers: int = 2
    threads_per_worker: int = 1  # pdfplumber is pure Python: processes, not threads, give parallelism

    def __post_init__(self) -> None:
        if not self.target.strip():
            raise ValueError("--dask needs 'local' or a scheduler address such as tcp://10.0.0.5:8786")
        if self.local_workers < 1 or self.threads_per_worker < 1:
            raise ValueError(f"a local Dask cluster needs at least one worker and one thread, not {self}")

    @property
    def is_local(self) -> bool:
        return self.target == LOCAL


def local_workers_default() -> int:
    """Two workers unless XXGK_DASK_WORKERS says otherwise (a 2-core machine gains nothing from more)."""
    return int(os.environ.get("XXGK_DASK_WORKERS", "2"))


def task_runner_for(dask: str | None, extract_workers: int = 1) -> TaskRunner[Any]:
    """The task runner for the fan-out: a thread pool, or prefect-dask's DaskTaskRunner."""
    if not dask:
        from prefect.task_runners import ThreadPoolTaskRunner

        # Threads pay off for crawling (sites answer slowly). An extraction task's thread only
        # waits for a worker process of the extraction pool (flows/extract_pool.py), which is
        # where the CPU work happens: enough threads to keep every worker busy, no more.
        return ThreadPoolTaskRunner(max_workers=max(THREADS, extract_workers + 1))
    from prefect_dask import DaskTaskRunner

    settings = DaskSettings(dask, local_workers=local_workers_default())
    if settings.is_local:
        return DaskTaskRunner(cluster_kwargs={
            "n_workers": settings.local_workers, "threads_per_worker": settings.threads_per_worker,
            "processes": True, "dashboard_address": None,
        })
    return DaskTaskRunner(address=settings.target)


@contextmanager
def api_reachable_from_workers(dask: str | None) -> Iterator[None]:
    """Point Dask workers at the API this flow reports to.

    Without PREFECT_API_URL the flow talks to a temporary server in this process's care; workers
    would each start their own (slow, and their task runs lost with it). Pinning the URL in the
    settings that prefect-dask ships with every task makes them report to the same one.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if not dask or PREFECT_API_URL.value():
        yield
        return
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        url = str(client.api_url).rstrip("/")
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield


def track(futures: Sequence[PrefectFuture[T]], description: str) -> Iterator[PrefectFuture[T]]:
    """Futures as they finish, with a rich progress bar on a terminal and silence in CI logs and pipes."""
    from prefect.futures import as_completed

    if not futures or not progress_wanted(None):
        yield from as_completed(list(futures))
        return
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        bar = progress.add_task(description, total=len(futures))
        for future in as_completed(list(futures)):
            progress.advance(bar)
            yield future
