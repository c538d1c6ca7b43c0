"""Documentation in the database and in docs/schema.md, and the files analysts' tools must open."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.builders import make_report, section3, township
from warehouse.connection import STORAGE_COMPATIBILITY, open_readonly
from warehouse.docs import REGENERATE, SCHEMA_DOC, fresh_schema_markdown, main
from warehouse.loader import load_batch

CONTRACT_RELATIONS = {
    "reports": {"report_id", "sha256", "source", "agency", "level", "province", "city", "county", "agency_code",
                "year", "template", "status", "loaded_at"},
    "cells": {"report_id", "section", "row_key", "col_key", "value", "raw", "page"},
    "check_results": {"report_id", "rule", "status", "detail"},
    "quarantine": {"source", "sha256", "status", "reason", "seen_at"},
}
DUCKDB_CLI = Path(sys.executable).with_name("duckdb")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docs") / "xxgk.duckdb"
    agency = township("文昌镇")
    load_batch(path, [make_report(agency, 2022, section3(new_requests=4, carried_forward=1)),
                      make_report(agency, 2023, section3(new_requests=9, carried_over=2, granted=5, outcome_total=5),
                                  status="invalid", failed=("T3-1",))], None)
    return path


def test_every_relation_and_column_has_a_comment(sample: Path) -> None:
    with open_readonly(sample) as con:
        relations = con.execute("""
            SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND comment IS NULL
            UNION ALL SELECT view_name FROM duckdb_views()
            WHERE database_name = current_database() AND NOT internal AND comment IS NULL""").fetchall()
        columns = con.execute("SELECT table_name || '.' || column_name FROM duckdb_columns() "
                              "WHERE database_name = current_database() AND comment IS NULL").fetchall()
    assert relations == [] and columns == []


def test_contract_relations_have_their_columns(sample: Path) -> None:
    with open_readonly(sample) as con:
        for relation, required in CONTRACT_RELATIONS.items():
            columns = {c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [relation]).fetchall()}
            assert required <= columns, relation


def test_schema_doc_matches_a_fresh_database() -> None:
    assert SCHEMA_DOC.read_text(encoding="utf-8") == fresh_schema_markdown(), f"run: {REGENERATE}"


def test_the_check_command_fails_on_a_stale_file_and_write_repairs_it(tmp_path: Path) -> None:
    doc = tmp_path / "schema.md"
    doc.write_text("# an old schema\n", encoding="utf-8")
    assert main(["--check", "--path", str(doc)]) == 1
    assert main(["--write", "--path", str(doc)]) == 0
    assert main(["--path", str(doc)]) == 0


def test_schema_doc_lists_every_relation_of_a_loaded_warehouse(sample: Path) -> None:
    region = SCHEMA_DOC.read_text(encoding="utf-8")
    with open_readonly(sample) as con:
        names = [n for (n,) in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_catalog = current_database()").fetchall()]
    assert [n for n in names if f"### `{n}`" not in region] == []


def hand_written_queries() -> list[tuple[str, str]]:
    """(page, sql) of every ```sql block in the README and the docs pages written by hand."""
    root = SCHEMA_DOC.parents[1]
    pages = [root / "README.md", root / "docs" / "crawling.md"]
    return [(page.name, sql) for page in pages
            for sql in re.findall(r"```sql\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)]


@pytest.mark.parametrize("page, sql", hand_written_queries(), ids=[f"{p}:{q[:30]}" for p, q in hand_written_queries()])
def test_hand_written_example_queries_run(sample: Path, page: str, sql: str) -> None:
    with open_readonly(sample) as con:
        con.execute(sql).fetchall()


def test_file_opens_in_the_duckdb_cli_read_only(sample: Path) -> None:
    assert DUCKDB_CLI.exists(), "the duckdb-cli package provides .venv/bin/duckdb"
    version = subprocess.run([DUCKDB_CLI, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1.")
    sql = "SELECT agency, year, new_requests::INTEGER AS new_requests FROM agency_year_all ORDER BY year"
    out = subprocess.run([DUCKDB_CLI, "-readonly", "-json", str(sample), "-c", sql],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert json.loads(out) == [{"agency": "沙坡头区文昌镇", "year": 2022, "new_requests": 4},
                               {"agency": "沙坡头区文昌镇", "year": 2023, "new_requests": 9}]


def test_file_opens_in_the_python_package_and_uses_the_pinned_storage_format(sample: Path) -> None:
    assert duckdb.__version__.startswith("1.5.")
    with duckdb.connect(str(sample), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (2,)
        [(storage,)] = con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                                   "WHERE database_name = current_database()").fetchall()
    assert storage.startswith(STORAGE_COMPATIBILITY)  # e.g. "v1.0.0+": readable by every DuckDB >= 1.0
