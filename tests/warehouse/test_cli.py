"""`xxgk query`, `xxgk export` and what every read-only command shares, on a small warehouse."""

from __future__ import annotations

import codecs
import json
import unicodedata
from importlib import metadata
from pathlib import Path

import duckdb
import openpyxl
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
    assert main(["query", SQL, "--warehouse", str(sample), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "沙坡头区文昌镇" in out and "0.75" in out and "int64" in out


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_query_table_fits_the_width_and_cuts_with_an_ellipsis(sample: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "SELECT * FROM agency_year_all", "--warehouse", str(sample), "--format", "table",
                 "--max-width", "80"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(display_width(line) for line in lines) <= 80
    assert "…" in "\n".join(lines) and "columns (" in "\n".join(lines)  # e.g. "58 columns (4 shown)"


def test_query_piped_prints_every_column_as_csv(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "SELECT * FROM agency_year_all", "--warehouse", str(sample)]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert len(header.split(",")) > 50 and "沙坡头区文昌镇" in row and "…" not in row


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


@pytest.mark.parametrize("command", [["query", "SELECT 1"], ["export", "--format", "csv", "--out", "x"],
                                     ["checks"], ["show", "abc", "3.new_requests.total"]])
def test_every_command_exits_2_without_a_warehouse(command: list[str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--warehouse", str(tmp_path / "nope.duckdb")]) == 2
    assert "no warehouse file here" in capsys.readouterr().err
    text = tmp_path / "notes.txt"
    text.write_text("SELECT * FROM agency_year; -- not a database\n" * 50, encoding="utf-8")
    assert main([*command, "--warehouse", str(text)]) == 2
    err = capsys.readouterr().err
    assert "not a DuckDB file" in err and "notes.txt" in err and "lock" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"xxgk {metadata.version('xxgk')}"


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


def test_csv_starts_with_a_byte_order_mark_for_excel(sample: Path, tmp_path: Path) -> None:
    assert main(["export", "--format", "csv", "--out", str(tmp_path), "--relation", "agency_year",
                 "--warehouse", str(sample)]) == 0
    data = (tmp_path / "agency_year.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and "沙坡头区文昌镇" in data.decode("utf-8-sig")
    assert main(["export", "--format", "csv", "--out", str(tmp_path), "--relation", "agency_year", "--no-bom",
                 "--warehouse", str(sample)]) == 0
    assert (tmp_path / "agency_year.csv").read_bytes().startswith(b"report_id,")


def test_xlsx_holds_chinese_labels_text_and_integer_cells(sample: Path, tmp_path: Path) -> None:
    assert main(["export", "--format", "xlsx", "--labels", "zh", "--out", str(tmp_path), "--relation",
                 "agency_year", "--relation", "requests_wide", "--warehouse", str(sample)]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "agency_year.xlsx").active
    header, row = list(sheet.iter_rows(values_only=True))
    record = dict(zip(header, row, strict=True))
    assert record["机关"] == "沙坡头区文昌镇" and record["年度"] == 2023
    assert record["一、本年新收政府信息公开申请数量"] == 12 and type(record["一、本年新收政府信息公开申请数量"]) is int
    assert record["予以公开率"] == 0.75 and record["（七）总计"] == 4
    wide = openpyxl.load_workbook(tmp_path / "requests_wide.xlsx").active
    rows = [dict(zip(next(wide.iter_rows(values_only=True)), r, strict=True))
            for r in list(wide.iter_rows(values_only=True))[1:]]
    new = next(r for r in rows if r["行键"] == "new_requests")
    assert new["总计"] == 12 and type(new["总计"]) is int and new["行"] == "一、本年新收政府信息公开申请数量"


def test_xlsx_refuses_a_relation_too_big_for_a_sheet(sample: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("warehouse.export.EXCEL_MAX_ROWS", 2)
    assert main(["export", "--format", "xlsx", "--out", str(tmp_path), "--relation", "cells", "--relation",
                 "reports", "--warehouse", str(sample)]) == 1
    assert "cells not written" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports.xlsx"]
