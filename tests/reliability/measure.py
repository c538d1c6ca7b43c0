"""Run the real `xxgk` command in a child process and measure its peak memory and wall time.

A child's peak RSS on Linux starts from its parent's at the moment it was started (exec keeps
the high-water mark), so a big test process would hide the child's own figure. The command
therefore runs under a tiny Python launcher, which reports RUSAGE_CHILDREN: the peak of the
command and of every process it waited for (Prefect's or a worker's memory counts too).
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
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "status = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(status if status >= 0 else 128 - status)\n"
)


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
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(peak_file), *argv],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                   env={**os.environ, **(env or {})})
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
        seconds = time.monotonic() - started
        peak_kib = int(peak_file.read_text()) if peak_file.exists() else 0
        return Measured(process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                        peak_kib / 1024, seconds)
