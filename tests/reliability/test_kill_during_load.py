"""kill -9 while `xxgk run` writes the warehouse: the published file is untouched, the rerun is identical.

The kill lands while the writer's private `.writing-PID` copy exists; the rerun must remove that
leftover and end with the same tables as a run that was never interrupted.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import duckdb

from tests.reliability.measure import XXGK

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONTENT = {  # table → columns that do not depend on when the run happened
    "reports": "report_id, source, agency, year, status",
    "cells": "report_id, section, row_key, col_key, value",
    "quarantine": "report_id, source, reason",
    "check_results": "report_id, rule, status",
}
EVIDENCE = {"check_results": "severity, detail"}  # shown beside a differing row, not compared


def run(folder: Path, warehouse: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`xxgk run` in the background; its output is appended to run.log beside the warehouse."""
    with open(warehouse.parent / "run.log", "ab") as log:
        return subprocess.Popen([XXGK, "run", "--source", str(folder), "--warehouse", str(warehouse),
                                 "--data", str(warehouse.parent / "data")], env={**os.environ, **env},
                                stdout=log, stderr=subprocess.STDOUT)


def content(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {table: sorted(con.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
                for table, columns in CONTENT.items()}


def differences(clean: Path, rerun: Path) -> str:
    """The rows only one of the two warehouses holds, per table, with their evidence, and the runs' output."""
    lines = []
    for table, columns in CONTENT.items():
        width = columns.count(",") + 1
        shown = ", ".join([columns, *([EVIDENCE[table]] if table in EVIDENCE else [])])
        rows = {}
        for name, warehouse in (("clean", clean), ("rerun", rerun)):
            with duckdb.connect(str(warehouse), read_only=True) as con:
                rows[name] = sorted(con.execute(f"SELECT {shown} FROM {table}").fetchall(), key=repr)
        for this, other in (("clean", "rerun"), ("rerun", "clean")):
            extra = Counter(row[:width] for row in rows[this]) - Counter(row[:width] for row in rows[other])
            lines += [f"{table} only in the {this} run: {row}" for row in rows[this] if row[:width] in extra]
    for warehouse in (clean, rerun):
        lines.append(f"--- {warehouse.parent.name}/run.log (end) ---")
        lines.append((warehouse.parent / "run.log").read_text(errors="replace")[-3000:])
    return "\n".join(lines)


def test_kill_9_during_the_load_then_an_identical_rerun(cli_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.json", "*.toml"))
    clean = tmp_path / "clean" / "w.duckdb"
    clean.parent.mkdir()
    assert run(folder, clean, cli_env).wait(timeout=300) == 0

    killed = tmp_path / "killed" / "w.duckdb"
    killed.parent.mkdir()
    process = run(folder, killed, cli_env)
    deadline = time.monotonic() + 300
    while not list(killed.parent.glob("w.duckdb.writing-*")):
        assert process.poll() is None, "the run ended before its load could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not killed.exists()  # the first load never published anything
    assert list(killed.parent.glob("w.duckdb.writing-*")), "the killed writer left its copy behind"

    assert run(folder, killed, cli_env).wait(timeout=300) == 0
    assert not list(killed.parent.glob("w.duckdb.writing-*")), "the next writer removes a dead writer's copy"
    assert content(killed) == content(clean), differences(clean, killed)
