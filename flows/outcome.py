"""Which sources failed in a run, why, and the exit status that tells an operator (docs/nightly.md).

A source fails when nothing could be read from it: a site whose entry page cannot be fetched or
that yields no report file, a folder without report files. A dead link inside a reachable site is
a fetch error, listed in the run's summary but not a failed source; a quarantined file is normal.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports the exit statuses for its help: no crawler imports then
    from flows.crawl import CrawlResult, FetchRecord, Source

EXIT_OK = 0  # every source was read (quarantined files are normal)
EXIT_SOME_SOURCES_FAILED = 1
EXIT_USAGE = 2  # argparse's own status for a bad command line
EXIT_NOTHING_READ = 3  # every source failed

EXIT_STATUSES_HELP = ("exit status: 0 every source was read (quarantined files are normal), 1 some sources failed, "
                      "2 usage error, 3 nothing could be read")

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^)\]]+)")


@dataclass(frozen=True)
class SourceFailure:
    """A source nothing could be read from: where it is (host[:port] or folder) and why, in a few words."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def exit_status(sources: int, failed: int) -> int:
    if not failed:
        return EXIT_OK
    return EXIT_NOTHING_READ if failed >= sources else EXIT_SOME_SOURCES_FAILED


def folder_failure(folder: str, report_files: int, suffixes: Collection[str]) -> SourceFailure | None:
    """A folder fails when it holds no report file at all (new, changed or already loaded)."""
    if report_files:
        return None
    return SourceFailure(folder, f"no report files ({', '.join(sorted(suffixes))}) in this folder")


def crawl_failures(sources: Sequence[Source], crawls: Sequence[CrawlResult],
                   problems: Sequence[str]) -> list[SourceFailure]:
    """The failed sources among those crawled, in source order; a crawl that raised is failed too."""
    by_name = {result.source: result for result in crawls}
    failures = []
    for source in sources:
        result = by_name.get(source.name)
        reason = _crawl_failure(result) if result is not None else _crash_reason(source, problems)
        if reason is not None:
            failures.append(SourceFailure(_where(source), reason))
    return failures


def short_reason(error: str) -> str:
    """A fetch error in a few words: 'connection refused' rather than the whole exception."""
    system = _ERRNO.search(error)
    if system:
        reason = system.group(1).strip()
        return reason[:1].lower() + reason[1:]
    return error


def _crawl_failure(result: CrawlResult) -> str | None:
    from flows.crawl.records import LinkKind

    pages = [record for record in result.fetches if record.kind is not LinkKind.ROBOTS]
    if not any(_answered(record) for record in pages):
        # The entry page's own error, else robots.txt's (an unreachable robots.txt forbids the site).
        errors = [record.error for record in [*pages, *result.fetches] if record.error]
        if errors:
            return short_reason(errors[0])
        refused = result.skipped[0].reason if result.skipped else "no request made"
        return f"the entry page was not fetched ({refused})"
    if not result.reports and not result.unchanged:
        return f"no report file found ({len(pages)} requests)"
    return None


def _answered(record: FetchRecord) -> bool:
    return record.error is None and record.status is not None and (record.status < 300 or record.status == 304)


def _crash_reason(source: Source, problems: Sequence[str]) -> str:
    prefix = f"{source.start_url}: "
    return next((problem.removeprefix(prefix) for problem in problems if problem.startswith(prefix)),
                "the crawl failed")


def _where(source: Source) -> str:
    import httpx

    url = httpx.URL(source.start_url)
    netloc = f"{url.host}:{url.port}" if url.port else url.host
    return netloc if source.name in (url.host, netloc) else f"{netloc} ({source.name})"
