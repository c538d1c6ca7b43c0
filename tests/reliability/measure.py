"""Run the real `xxgk` command in a child process and measure its peak memory and wall time.

os.wait4 returns the child's resource usage, whose ru_maxrss (Linux: KiB) also covers the
processes it waited for, so Prefect's or a worker's memory counts too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

XXGK = str(Path(sys.executable).with_name("xxgk"))


@dataclass(frozen=True)
class Measured:
    """What one command did: exit status, output, peak resident memory and time."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    seconds: float


def run_measured(argv: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 300) -> Measured:
    """Run `argv`, wait for it (killing it after `timeout` s) and return what it did."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(list(argv), stdout=out, stderr=err, env={**os.environ, **(env or {})})
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                os.kill(process.pid, signal.SIGKILL)
            time.sleep(0.05)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Measured(process.returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"), usage.ru_maxrss / 1024, seconds)
