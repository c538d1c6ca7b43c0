"""`xxgk run --reextract`: archived documents an older extractor read are read again; only changes reload."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from extractors.version import EXTRACTOR_VERSION
from flows.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_reextract_reloads_what_changed_and_says_so(prefect_server: None, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("binhe-2023.pdf", "binhe-2024.pdf", "truncated-download.pdf"):
        shutil.copy(EXAMPLES / name, inbox / name)
    warehouse, data = tmp_path / "w.duckdb", tmp_path / "data"
    common = ["--warehouse", str(warehouse), "--data", str(data), "--workers", "2"]
    assert main(["run", "--source", str(inbox), *common]) == 0
    with duckdb.connect(str(warehouse)) as con:
        archived = con.execute("SELECT archive_path FROM documents WHERE archive_path IS NOT NULL").fetchall()
        assert len(archived) == 3 and all(Path(p).is_file() for (p,) in archived)  # folder files are archived
        assert con.execute("SELECT DISTINCT extractor FROM reports").fetchall() == [("pdfium",)]
        con.execute("UPDATE documents SET extractor_version = '0.1.0'")
        tampered = con.execute("SELECT min(report_id) FROM reports").fetchone()
        assert tampered is not None
        con.execute("UPDATE cells SET value = value + 1 WHERE report_id = ? AND section = 3 "
                    "AND row_key = 'new_requests' AND col_key = 'total'", [tampered[0]])
    for name in ("binhe-2023.pdf", "binhe-2024.pdf"):
        (inbox / name).unlink()  # the archive, not the inbox, is what is read again
    capsys.readouterr()
    assert main(["run", "--reextract", *common]) == 0
    out = capsys.readouterr().out
    assert "re-extracted 3 of 3 document(s)" in out
    assert "2 unchanged, 1 changed (0 status, 1 cells), 0 missing" in out
    assert "3/new_requests/total" in out
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT DISTINCT extractor_version FROM documents").fetchall() == [(EXTRACTOR_VERSION,)]
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (2,)
    assert main(["run", "--reextract", *common]) == 0
    assert "re-extracted 0 of 0" in capsys.readouterr().out
