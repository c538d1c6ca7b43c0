"""`xxgk query` and `xxgk export` on a small warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from tests.warehouse.builders import make_report, section3, township
from warehouse.loader import load_batch


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "xxgk.duckdb"
    load_batch(path, [make_report(township("文昌镇"), 2023, section3(new_requests=12, granted=3, outcome_total=4))],
               None)
    return path


SQL = "SELECT agency, new_requests, grant_rate FROM agency_year"


def test_query_prints_a_table(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", SQL, "--warehouse", str(sample)]) == 0
    out = capsys.readouterr().out
    assert "沙坡头区文昌镇" in out and "0.75" in out


def test_query_json_lines_keep_numbers(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", SQL, "--warehouse", str(sample), "--format", "json"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [
        {"agency": "沙坡头区文昌镇", "new_requests": 12, "grant_rate": 0.75}]


def test_query_csv(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", SQL, "--warehouse", str(sample), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["agency,new_requests,grant_rate", "沙坡头区文昌镇,12,0.75"]


def test_query_uses_xxgk_warehouse_and_is_read_only(sample: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_WAREHOUSE", str(sample))
    assert main(["query", "DELETE FROM reports"]) == 1
    assert "read-only" in capsys.readouterr().err
    assert main(["query", "SELECT count(*) AS n FROM reports", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"n": 1}


def test_query_on_a_missing_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "SELECT 1", "--warehouse", str(tmp_path / "nope.duckdb")]) == 1
    assert "no warehouse file here" in capsys.readouterr().err


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_export_writes_every_relation(sample: Path, tmp_path: Path, file_format: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", file_format, "--out", str(tmp_path / "out"), "--warehouse", str(sample)]) == 0
    with duckdb.connect(str(sample), read_only=True) as con:
        relations = {n for (n,) in con.execute("SELECT table_name FROM information_schema.tables "
                                               "WHERE table_catalog = current_database()").fetchall()}
        written = {p.stem for p in (tmp_path / "out").iterdir()}
        assert written == relations
        reader = "read_parquet" if file_format == "parquet" else "read_csv"
        count = con.execute(f"SELECT count(*) FROM {reader}('{tmp_path / 'out' / ('cells.' + file_format)}')")
        assert count.fetchone() == con.execute("SELECT count(*) FROM cells").fetchone()
    assert "township_comparison" in capsys.readouterr().out
