"""Identities of files whose bytes cannot be used: one per file, stable until the file changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from extractors.extract import extract_path
from extractors.files import identify_file, readable_name, source_name
from warehouse.connection import remove_stale_copies


def test_each_empty_or_oversized_file_gets_its_own_stable_identity(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"")
    (tmp_path / "b.pdf").write_bytes(b"")
    (tmp_path / "big.pdf").write_bytes(b"x" * 100)
    a, b, big = (identify_file(tmp_path / name, max_bytes=10) for name in ("a.pdf", "b.pdf", "big.pdf"))
    assert len({a.sha256, b.sha256, big.sha256}) == 3
    assert (a.problem, big.problem) == ("the file is empty", "file is 0.0 MB, over the 0 MB limit")
    assert identify_file(tmp_path / "a.pdf", max_bytes=10) == a
    os.utime(tmp_path / "a.pdf", ns=(1, 1))  # touched: read again on the next run
    assert identify_file(tmp_path / "a.pdf", max_bytes=10).sha256 != a.sha256


def test_a_file_that_vanished_is_an_error_with_the_identity_the_scan_gave_it(tmp_path: Path) -> None:
    gone = tmp_path / "gone.pdf"
    scanned = identify_file(gone, max_bytes=10)
    report = extract_path(gone)
    assert (report.status, report.sha256) == ("error", scanned.sha256)
    assert report.errors == [f"{gone}: the file vanished before it could be read"]


def test_a_gbk_name_is_stored_losslessly_and_shown_readably() -> None:
    raw = "年度报告.pdf".encode("gbk")
    name = os.fsdecode(raw)
    assert source_name(name).encode("utf-8").decode("unicode_escape").encode("latin-1") == raw
    assert readable_name(name) == "年度报告.pdf"
    assert source_name("年度报告.pdf") == readable_name("年度报告.pdf") == "年度报告.pdf"


def test_only_copies_of_dead_writers_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    warehouse = tmp_path / "w.duckdb"
    mine, left = tmp_path / f"w.duckdb.writing-{os.getpid()}", tmp_path / f"w.duckdb.writing-{dead}"
    for copy in (mine, left, left.with_name(left.name + ".wal")):
        copy.write_bytes(b"")
    assert sorted(p.name for p in remove_stale_copies(warehouse)) == [left.name, left.name + ".wal"]
    assert mine.exists()
