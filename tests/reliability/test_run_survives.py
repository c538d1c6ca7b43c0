"""`xxgk run` on a folder of good reports beside bombs, odd names and unreadable files.

The good reports load; every bad file becomes one quarantine row with its reason; nothing sinks
the run. Then: the loaded warehouse refuses SQL that would write or reach other files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from extractors.files import source_name
from tests.fixtures.bad_inputs import gbk_name, long_pipe_table, span_bomb_html, write_docx_bomb
from tests.reliability.measure import XXGK, Measured, run_measured

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LIMITS = {"XXGK_MAX_INFLATED_BYTES": "20000000", "XXGK_MAX_BYTES": "2500000"}
BAD = {  # file name → reason it must be quarantined with
    "bomb.docx": "DOCX expands past 20 MB",
    "spans.html": "table grid over 200,000 cells",
    "pipes.md": "table over 5,000 rows",
    "big-1.txt": "over the 2 MB limit",
    "big-2.txt": "over the 2 MB limit",
    r"\xbf\xd5.pdf": "the file is empty (name read as GB18030:",
    r"\xbf\xd52.pdf": "the file is empty (name read as GB18030:",
}


@dataclass
class Outcome:
    folder: Path
    warehouse: Path
    run: Measured


@pytest.fixture(scope="module")
def outcome(cli_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    root = tmp_path_factory.mktemp("hostile-run")
    folder = root / "reports"
    folder.mkdir()
    for good in ("rouyuan-2023.docx", "binhe-2023.pdf"):
        shutil.copy(EXAMPLES / good, folder / good)
    shutil.copy(EXAMPLES / "binhe-2023.pdf", folder / "copy-of-binhe.pdf")  # a duplicate: extracted once
    # A good report under a GBK name, as an unzipped archive leaves it.
    Path(os.fsdecode(bytes(folder) + b"/" + gbk_name("东园镇", ".html"))).write_bytes(
        (EXAMPLES / "dongyuan-2023.html").read_bytes())
    for empty in ("空", "空2"):  # two empty files: each gets its own row
        Path(os.fsdecode(bytes(folder) + b"/" + gbk_name(empty, ".pdf"))).write_bytes(b"")
    write_docx_bomb(folder / "bomb.docx", 60)
    (folder / "spans.html").write_bytes(span_bomb_html(3_000))
    (folder / "pipes.md").write_bytes(long_pipe_table(100_000))
    for big in ("big-1.txt", "big-2.txt"):
        (folder / big).write_bytes(b"x" * 3_000_000)
    warehouse = root / "w.duckdb"
    run = run_measured([XXGK, "run", "--source", str(folder), "--warehouse", str(warehouse),
                        "--data", str(root / "data")], cli_env | LIMITS)
    return Outcome(folder, warehouse, run)


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_run_completes(outcome: Outcome) -> None:
    assert outcome.run.returncode == 0, outcome.run.stderr[-3000:]


def test_the_run_stays_in_bounded_memory(outcome: Outcome) -> None:
    # Before the limits one of these bombs alone passed 6 GB; `xxgk run` on examples/ peaks at about 0.5 GB.
    assert outcome.run.peak_rss_mb < 800, f"{outcome.run.peak_rss_mb:.0f} MB"


def test_good_reports_load_including_the_one_with_a_gbk_name(outcome: Outcome) -> None:
    loaded = {Path(source).name: status for source, status in rows(outcome.warehouse,
                                                                   "SELECT source, status FROM reports")}
    stored_name = Path(source_name(gbk_name("东园镇", ".html"))).name  # every byte kept, printable
    assert stored_name.startswith(r"\xb6\xab")
    assert loaded == {"rouyuan-2023.docx": "ok", "binhe-2023.pdf": "ok", stored_name: "ok"}


def test_every_bad_file_has_a_quarantine_row_with_its_reason(outcome: Outcome) -> None:
    quarantined = {Path(source).name: reason for source, reason in rows(
        outcome.warehouse, "SELECT source, reason FROM quarantine")}
    assert set(quarantined) == set(BAD)
    for name, reason in BAD.items():
        assert reason in quarantined[name]
    assert len({sha for (sha,) in rows(outcome.warehouse, "SELECT sha256 FROM documents")}) == len(BAD) + 3


def test_a_rerun_adds_nothing(outcome: Outcome, cli_env: dict[str, str]) -> None:
    before = rows(outcome.warehouse, "SELECT count(*) FROM documents")
    again = run_measured([XXGK, "run", "--source", str(outcome.folder), "--warehouse", str(outcome.warehouse),
                          "--data", str(outcome.warehouse.parent / "data")], cli_env | LIMITS)
    assert again.returncode == 0 and again.stdout.startswith("files 0, unchanged 11,")
    assert rows(outcome.warehouse, "SELECT count(*) FROM documents") == before


@pytest.mark.parametrize("sql", [
    "ATTACH '{dir}/other.duckdb' AS other",
    "COPY reports TO '{dir}/stolen.csv'",
    "EXPORT DATABASE '{dir}/dump'",
    "SELECT * FROM read_csv('{dir}/../w.duckdb.lock')",
    "INSTALL httpfs",
    "SET enable_external_access = true",
])
def test_a_query_cannot_write_or_reach_other_files(outcome: Outcome, sql: str, tmp_path: Path) -> None:
    refused = run_measured([XXGK, "query", sql.format(dir=tmp_path), "--warehouse", str(outcome.warehouse)])
    assert refused.returncode == 1
    assert "xxgk query" in refused.stderr and ("sealed" in refused.stderr or "locked" in refused.stderr)
    assert list(tmp_path.iterdir()) == []


def test_export_writes_only_into_its_folder(outcome: Outcome, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_measured([XXGK, "export", "--format", "csv", "--out", str(out), "--warehouse", str(outcome.warehouse)])
    assert done.returncode == 0, done.stderr
    assert (out / "reports.csv").read_text(encoding="utf-8").count("\n") == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.fixture
def nobody_dir() -> Iterator[Path]:
    """A folder anyone may write, for the unreadable-file run (which may run with fewer rights)."""
    folder = Path(tempfile.mkdtemp(prefix="xxgk-unreadable-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_file_unreadable_at_scan_time_is_quarantined(cli_env: dict[str, str], nobody_dir: Path) -> None:
    folder = nobody_dir / "reports"
    folder.mkdir(mode=0o777)
    shutil.copy(EXAMPLES / "rouyuan-2023.docx", folder / "good.docx")
    for name in ("locked-1.pdf", "locked-2.pdf"):
        shutil.copy(EXAMPLES / "binhe-2024.pdf", folder / name)
        (folder / name).chmod(0)
    (folder / "good.docx").chmod(0o644)
    argv = [XXGK, "run", "--source", str(folder), "--warehouse", str(nobody_dir / "w.duckdb"),
            "--data", str(nobody_dir / "data")]
    env = cli_env | {"HOME": str(nobody_dir), "PREFECT_HOME": str(nobody_dir / "prefect")}
    if os.geteuid() == 0:  # root reads mode-0 files: drop the capabilities that let it, so they really are unreadable
        dropped = "-dac_override,-dac_read_search"
        argv = ["setpriv", f"--bounding-set={dropped}", f"--inh-caps={dropped}", *argv]
    run = run_measured(argv, env)
    assert run.returncode == 0, run.stderr[-3000:]
    quarantined = rows(nobody_dir / "w.duckdb", "SELECT source, reason FROM quarantine ORDER BY source")
    assert [(Path(s).name, "cannot read the file (Permission denied)" in r) for s, r in quarantined] == [
        ("locked-1.pdf", True), ("locked-2.pdf", True)]
    assert [Path(s).name for (s,) in rows(nobody_dir / "w.duckdb", "SELECT source FROM reports")] == ["good.docx"]
