"""Politeness: at most one request start per interval per host, across every thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class HostRateLimiter:
    """Spaces request starts to the same host by at least an interval.

    Each caller reserves the next free slot under a lock and sleeps outside it, so threads
    crawling different hosts never wait for each other. Share one limiter between crawls that
    may hit the same host.
    """

    def __init__(
        self,
        min_interval_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if min_interval_seconds < 0:
            raise ValueError(f"min_interval_seconds must not be negative, not {min_interval_seconds!r}")
        self.min_interval_seconds = min_interval_seconds
        self._clock = clock
        self._sleep = sleep
        self._next_start: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, interval_seconds: float | None = None) -> float:
        """Block until `host` may be asked again; returns the seconds waited.

        `interval_seconds` overrides the default for this host when larger (robots.txt Crawl-delay).
        """
        interval = max(self.min_interval_seconds, interval_seconds or 0.0)
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay
