"""Create or bring up to date the warehouse schema: tables, history, marts, comments, reference data.

The SQL lives in warehouse/sql/*.sql (tables → history → marts); this module renders the
template-dependent parts, fills the reference tables (cell_keys from the template, divisions
from the NBS CSVs) and makes sure every relation and column carries a COMMENT.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from string import Template

import duckdb
import pandas as pd

import extractors
from extractors.template import (
    SECTION3_COLUMNS,
    SECTION3_GROUP_LABELS,
    SECTION3_ROWS,
    SECTION3_SUBTOTALS,
    SECTION4_COLUMNS,
    SECTION4_GROUPS,
    TEMPLATE_2019,
    TEMPLATE_2021,
    section2_rows,
)
from warehouse import marts

# Relations copy column comments from the relation named here when a column has none of its own.
_COMMENT_SOURCES = {
    "reports_history": ("reports",),
    "cells_history": ("cells",),
    "agency_year": ("agency_year_all",),
    "requests_wide_all": ("agency_year_all", "reports"),
    "requests_wide": ("requests_wide_all",),
    "township_comparison_all": ("agency_year_all",),
    "township_comparison": ("township_comparison_all",),
    "year_over_year_all": ("agency_year_all",),
    "year_over_year": ("year_over_year_all",),
    "check_cells": ("check_results", "cells"),
}
# Materialised marts: derived entirely from the base tables, so a schema upgrade rebuilds them.
_DERIVED_TABLES = ("agency_year_all", "township_comparison_all", "township_comparison")


def sql_text(name: str) -> str:
    """The text of warehouse/sql/<name>.sql (package data, so it works from an installed wheel)."""
    return resources.files("warehouse").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def agency_year_select() -> str:
    """The agency_year pivot for the report ids in the temporary table refresh_ids."""
    return Template(sql_text("agency_year")).substitute(
        measures=marts.measures_sql(), measure_cells=marts.measure_cells_sql(), rates=marts.rates_sql())


def ensure_schema(con: duckdb.DuckDBPyConnection, divisions_dir: Path | None = None) -> None:
    """Create every relation that is missing and refresh views, comments and reference data.

    Skipped (one query) when the file was last brought up to this exact schema.
    """
    con.execute("CREATE TEMP TABLE IF NOT EXISTS refresh_ids (report_id VARCHAR)")
    fingerprint = schema_fingerprint()
    if _applied_fingerprint(con) == fingerprint:
        return
    con.execute(sql_text("tables"))
    con.execute(sql_text("history"))
    rebuild = _applied_fingerprint(con) is not None
    for table in _DERIVED_TABLES if rebuild else ():
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(_marts_sql())
    con.execute(";\n".join(
        _comment_column_sql(relation, column, comment)
        for relation, comments in marts.column_comments().items() for column, comment in comments.items()
    ))
    _copy_missing_comments(con)
    _fill_cell_keys(con)
    _fill_report_rules(con)
    if rebuild:
        refresh_agency_year(con, None)
    if con.execute("SELECT count(*) FROM divisions").fetchone() == (0,):
        load_divisions(con, divisions_dir or default_divisions_dir())
    con.execute("DELETE FROM schema_info")
    con.execute("INSERT INTO schema_info VALUES (?, now())", [fingerprint])


def _marts_sql() -> str:
    return Template(sql_text("marts")).substitute(
        agency_year_select=agency_year_select(),
        applicant_pivot=marts.applicant_pivot_sql(),
        group_label=marts.group_label_sql("k.row_group"),
        year_over_year_columns=marts.year_over_year_sql(),
    )


def schema_fingerprint() -> str:
    """Identifies the schema this code creates: its SQL and the template's cell keys."""
    text = "\n".join([sql_text("tables"), sql_text("history"), _marts_sql(), repr(cell_key_rows()),
                      repr(report_rule_rows()),
                      repr(marts.column_comments()), repr(sorted(_COMMENT_SOURCES.items()))])
    return hashlib.sha256(text.encode()).hexdigest()


def _applied_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                         "AND table_name = 'schema_info'").fetchone()
    if exists == (0,):
        return None
    row = con.execute("SELECT fingerprint FROM schema_info").fetchone()
    return row[0] if row else None


def _comment_column_sql(relation: str, column: str, comment: str) -> str:
    escaped = comment.replace("'", "''")
    return f"COMMENT ON COLUMN {relation}.{column} IS '{escaped}'"


def _copy_missing_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Columns shared with another relation get its comment, so each meaning is written once."""
    comments: dict[tuple[str, str], str | None] = {
        (table, column): comment
        for table, column, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = current_database()"
        ).fetchall()
    }
    for relation, sources in _COMMENT_SOURCES.items():
        for (table, column), comment in list(comments.items()):
            if table != relation or comment is not None:
                continue
            found = next((comments[(s, column)] for s in sources if comments.get((s, column))), None)
            if found:
                con.execute(_comment_column_sql(relation, column, found))
                comments[(relation, column)] = found


def cell_key_rows() -> list[tuple[str, int, str, str, str, str, str | None, int, int]]:
    """Every cell of both templates with labels and display order, derived rows included."""
    rows: list[tuple[str, int, str, str, str, str, str | None, int, int]] = []
    for template in (TEMPLATE_2021, TEMPLATE_2019):
        for row_order, row in enumerate(section2_rows(template), start=1):
            for col_order, col in enumerate(row.columns, start=1):
                rows.append((template, 2, row.key, col.key, row.label, col.label, None, row_order, col_order))
        for row_order, (key, label, group) in enumerate(_section3_rows(template), start=1):
            for col_order, col in enumerate(SECTION3_COLUMNS, start=1):
                rows.append((template, 3, key, col.key, label, col.label, group, row_order, col_order))
        for row_order, group4 in enumerate(SECTION4_GROUPS, start=1):
            for col_order, col in enumerate(SECTION4_COLUMNS, start=1):
                rows.append((template, 4, group4.key, col.key, group4.label, col.label, None, row_order, col_order))
    return rows


def _section3_rows(template: str) -> list[tuple[str, str, str | None]]:
    """Section 三 rows in display order, each outcome group preceded by its subtotal row.

    The 2019 template prints （六）其他处理 as one row: only its subtotal exists there.
    """
    subtotal_of = {group: key for key, group in SECTION3_SUBTOTALS.items()}
    out: list[tuple[str, str, str | None]] = []
    for row in SECTION3_ROWS:
        if row.group and row.group not in {g for _, _, g in out}:
            out.append((subtotal_of[row.group], f"{SECTION3_GROUP_LABELS[row.group][0]}（小计）", row.group))
        if template == TEMPLATE_2019 and row.group == "other":
            continue
        out.append((row.key, row.label, row.group))
    return out


def _fill_cell_keys(con: duckdb.DuckDBPyConnection) -> None:
    rows = cell_key_rows()
    current = con.execute("SELECT count(*) FROM cell_keys").fetchone()
    if current == (len(rows),):
        return
    con.execute("DELETE FROM cell_keys")
    frame = pd.DataFrame(rows, columns=["template", "section", "row_key", "col_key", "row_label", "col_label",
                                        "row_group", "row_order", "col_order"])
    con.register("new_cell_keys", frame)
    try:
        con.execute("INSERT INTO cell_keys BY NAME SELECT * FROM new_cell_keys")
    finally:
        con.unregister("new_cell_keys")


def report_rule_rows() -> list[tuple[str, str, str]]:
    """(rule, severity, statement) of every rule in the stored per-report suite."""
    suite = json.loads(resources.files("expectations").joinpath("suites", "reports.json").read_text(encoding="utf-8"))
    definitions = [e["kwargs"]["definition"] for e in suite["expectations"]]
    return [(d["rule"], d["severity"], d["statement"]) for d in definitions]


def _fill_report_rules(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM report_rules")
    con.executemany("INSERT INTO report_rules VALUES (?, ?, ?)", report_rule_rows())


def default_divisions_dir() -> Path:
    """The NBS division CSVs: `XXGK_DIVISIONS` if set, else those shipped in extractors/divisions."""
    return Path(os.environ.get("XXGK_DIVISIONS") or Path(extractors.__file__).parent / "divisions")


def load_divisions(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    """Load provinces/cities/areas/streets.csv (short codes, padded here); returns rows loaded.

    A missing folder loads nothing: agencies then keep the names their reports printed.
    """
    files = {name: directory / f"{name}.csv" for name in ("provinces", "cities", "areas", "streets")}
    if not all(f.exists() for f in files.values()):
        return 0
    read = "read_csv('{}', header = true, all_varchar = true)"
    con.execute(f"""
        INSERT INTO divisions
        SELECT code || '0000', name, 'province', NULL, code || '0000', NULL, NULL FROM {read.format(files['provinces'])}
        UNION ALL
        SELECT code || '00', name, 'prefecture', provinceCode || '0000', provinceCode || '0000', code || '00', NULL
        FROM {read.format(files['cities'])}
        UNION ALL
        SELECT code, name, 'county', cityCode || '00', provinceCode || '0000', cityCode || '00', code
        FROM {read.format(files['areas'])}
        UNION ALL
        SELECT code, name, 'township', areaCode, provinceCode || '0000', cityCode || '00', areaCode
        FROM {read.format(files['streets'])}
    """)
    row = con.execute("SELECT count(*) FROM divisions").fetchone()
    return int(row[0]) if row else 0


def refresh_agency_year(con: duckdb.DuckDBPyConnection, report_ids: list[str] | None,
                        agency_ids: list[str] | None = None) -> None:
    """Recompute agency_year_all rows for these reports (and every report of these agencies).

    `report_ids=None` rebuilds the whole table. Rows of reports no longer current are dropped.
    The township_comparison tables are recomputed whole: a new report moves its peers' ranks.
    """
    con.execute("DELETE FROM refresh_ids")
    if report_ids is None:
        con.execute("INSERT INTO refresh_ids SELECT report_id FROM reports")
    else:
        con.execute("INSERT INTO refresh_ids SELECT report_id FROM reports "
                    "WHERE list_contains(?, report_id) OR list_contains(?, agency_id)",
                    [report_ids, agency_ids or []])
    con.execute("DELETE FROM agency_year_all WHERE report_id IN (SELECT report_id FROM refresh_ids) "
                "OR report_id NOT IN (SELECT report_id FROM reports)")
    con.execute(f"INSERT INTO agency_year_all BY NAME {agency_year_select()}")
    for table, include_invalid in (("township_comparison_all", "true"), ("township_comparison", "false")):
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM township_comparison_of({include_invalid})")
