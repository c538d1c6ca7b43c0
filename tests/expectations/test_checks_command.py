"""`xxgk checks` reads check_results read-only and prints failing rules."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.cli import main


@pytest.fixture()
def warehouse_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "250")  # rich folds long evidence at 80 columns
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE reports (report_id VARCHAR, sha256 VARCHAR, agency VARCHAR, year INTEGER, source VARCHAR)"
    )
    con.execute(
        "CREATE TABLE check_results (report_id VARCHAR, rule VARCHAR, status VARCHAR, severity VARCHAR, "
        "detail VARCHAR, cells VARCHAR[])"
    )
    con.execute(
        "INSERT INTO reports VALUES ('aaaa', 'aaaa1111', '洪泽区', 2023, 'hz.pdf'), "
        "('bbbb', 'bbbb2222', '文昌镇', 2023, 'wc.pdf')"
    )
    con.execute(
        "INSERT INTO check_results VALUES "
        "('aaaa', 'T4-1', 'fail', 'error', 'admin_review.total 0 ≠ admin_review.upheld 10', "
        "['s4_admin_review__total']), "
        "('aaaa', 'T3-1', 'pass', 'error', 'holds', []), "
        "('bbbb', 'N-1', 'uncertain', 'warning', 'no figure', [])"
    )
    con.close()
    return path


def test_prints_failing_rules(warehouse_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks", "--warehouse", str(warehouse_file)]) == 0
    out = capsys.readouterr().out
    assert "T4-1" in out and "洪泽区" in out and "admin_review.total 0" in out
    assert "T3-1" not in out and "N-1" not in out


def test_all_and_report_filter(warehouse_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks", "--warehouse", str(warehouse_file), "--all", "--report", "bbbb"]) == 0
    out = capsys.readouterr().out
    assert "N-1" in out and "T4-1" not in out
    assert main(["checks", "--warehouse", str(warehouse_file), "--report", "bbbb"]) == 0
    assert "No failing rules for report bbbb" in capsys.readouterr().out


def test_missing_warehouse_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "none.duckdb" in capsys.readouterr().err


def test_a_narrow_terminal_gets_one_block_per_failure(warehouse_file: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["checks", "--warehouse", str(warehouse_file), "--all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "3 check results"
    headings = [line for line in lines if " · report " in line]
    assert headings == ["N-1 uncertain (warning) · 文昌镇 2023 · report bbbb",
                        "T3-1 pass (error) · 洪泽区 2023 · report aaaa",
                        "T4-1 fail (error) · 洪泽区 2023 · report aaaa"]
    assert "  admin_review.total 0 ≠ admin_review.upheld 10" in lines
    assert len(lines) <= 4 * 3 + 1 and all(len(line) <= 60 for line in lines)
