"""`xxgk query … | head` and `xxgk checks | less` (quit early): the reader going away is not an error to report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import EXIT_READER_GONE
from tests.analysts.conftest import SampleRun

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [
    ["query", "SELECT * FROM cells, range(20)"],
    ["checks", "--all", "--cells"],
], ids=["query", "checks"])
def test_a_reader_that_stops_early_gets_no_traceback(sample_run: SampleRun, command: list[str]) -> None:
    process = subprocess.Popen([sys.executable, "-m", "flows.cli", *command, "--warehouse", str(sample_run.warehouse)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head -0`, or `| less` quit at once: every write finds the pipe closed
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == EXIT_READER_GONE
    assert error == ""
