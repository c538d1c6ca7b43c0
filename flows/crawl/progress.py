"""A live status line on a terminal; silence in CI logs and pipes."""

from __future__ import annotations

import os
import sys
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn


def progress_wanted(setting: bool | None) -> bool:
    """An explicit setting wins; otherwise only a terminal outside CI gets progress."""
    if setting is not None:
        return setting
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


class CrawlProgress:
    """Shows one source's crawl as it goes: requests, reports found, errors, current URL."""

    def __init__(self, source: str, enabled: bool) -> None:
        self._source = source
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if enabled:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                TextColumn("{task.completed} requests · {task.fields[reports]} reports · {task.fields[errors]} errors"),
                TextColumn("[dim]{task.fields[url]}"),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> CrawlProgress:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task(self._source, total=None, reports=0, errors=0, url="")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, url: str, requests: int, reports: int, errors: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=requests, reports=reports, errors=errors, url=url[-80:])
