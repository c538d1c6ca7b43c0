"""Export relations of the warehouse to Parquet, CSV or Excel, for tools that do not speak DuckDB.

CSV starts with a UTF-8 byte-order mark by default: without it Excel in a Chinese locale reads
the file as GBK and shows 沙坡头区柔远镇 as mojibake. xlsx is written with openpyxl (DuckDB's
excel extension would have to be downloaded at run time), one workbook per relation.
"""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from warehouse.connection import open_sealed
from warehouse.labels import headers

EXPORT_FORMATS = ("parquet", "csv", "xlsx")
LABEL_LANGUAGES = ("keys", "zh")
EXCEL_MAX_ROWS = 1_048_575  # a sheet holds 1,048,576 rows, one of them the header
_COPY_OPTIONS = {"parquet": "(FORMAT parquet)", "csv": "(FORMAT csv, HEADER true)"}
_FETCH_ROWS = 10_000


@dataclass(frozen=True)
class ExportSettings:
    """What to write: format, header language, CSV byte-order mark and which relations (None = all)."""

    file_format: str
    labels: str = "keys"
    csv_bom: bool = True
    relations: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.file_format not in EXPORT_FORMATS:
            raise ValueError(f"export format must be one of {EXPORT_FORMATS}, got {self.file_format!r}")
        if self.labels not in LABEL_LANGUAGES:
            raise ValueError(f"labels must be one of {LABEL_LANGUAGES}, got {self.labels!r}")


class RelationTooLarge(ValueError):
    """A relation has more rows than an Excel sheet holds."""


def relation_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables and views of the warehouse's main schema, in name order."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def export_relations(warehouse: Path, out: Path, settings: ExportSettings) -> tuple[dict[str, Path], dict[str, str]]:
    """Write each relation to out/<name>.<format>; returns (relation → file, relation → why skipped)."""
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    written: dict[str, Path] = {}
    skipped: dict[str, str] = {}
    with open_sealed(warehouse, writable_dir=out) as con:  # COPY can write into `out` and nowhere else
        names = relation_names(con)
        unknown = sorted(set(settings.relations or ()) - set(names))
        if unknown:
            raise ValueError(f"no such relation: {', '.join(unknown)} (have: {', '.join(names)})")
        for name in settings.relations or names:
            target = out / f"{_file_stem(name)}.{settings.file_format}"
            try:
                _export_one(con, name, target, settings)
            except RelationTooLarge as exc:
                skipped[name] = str(exc)
                continue
            written[name] = target
    return written, skipped


def _file_stem(relation: str) -> str:
    """A relation name as a file name that stays inside the export folder (no separators, no `..`)."""
    stem = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in relation)
    return stem or "_"


def _export_one(con: duckdb.DuckDBPyConnection, name: str, target: Path, settings: ExportSettings) -> None:
    columns = [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
        "AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()]
    titles = headers(columns, settings.labels)
    select = "SELECT " + ", ".join(f'"{c}" AS "{t}"' for c, t in zip(columns, titles, strict=True)) + f' FROM "{name}"'
    if settings.file_format == "xlsx":
        _write_xlsx(con, name, select, titles, target)
        return
    escaped = str(target).replace("'", "''")
    con.execute(f"COPY ({select}) TO '{escaped}' {_COPY_OPTIONS[settings.file_format]}")
    if settings.file_format == "csv" and settings.csv_bom:
        _prepend_bom(target)


def _prepend_bom(path: Path) -> None:
    staged = path.with_name(path.name + ".part")
    with open(path, "rb") as source, open(staged, "wb") as target:
        target.write(codecs.BOM_UTF8)
        shutil.copyfileobj(source, target, length=1 << 20)
    staged.replace(path)


def _write_xlsx(con: duckdb.DuckDBPyConnection, name: str, select: str, titles: list[str], target: Path) -> None:
    from openpyxl import Workbook

    row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
    if row and row[0] > EXCEL_MAX_ROWS:
        raise RelationTooLarge(f"{row[0]:,} rows do not fit an Excel sheet ({EXCEL_MAX_ROWS:,}): "
                               f"export it as csv or parquet, or query a slice")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=name[:31])
    sheet.freeze_panes = "A2"
    sheet.append(titles)
    result = con.execute(select)
    while batch := result.fetchmany(_FETCH_ROWS):
        for values in batch:
            sheet.append(list(_excel_values(values)))
    book.save(target)


def _excel_values(values: Iterable[Any]) -> Iterable[Any]:
    """Numbers stay numbers (whole decimals as integers); what Excel has no type for becomes text."""
    for value in values:
        if isinstance(value, Decimal):
            yield int(value) if value == value.to_integral_value() else value
        elif isinstance(value, datetime) and value.tzinfo is not None:
            yield value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones: UTC
        elif isinstance(value, list | dict | tuple):
            yield str(value)
        else:
            yield value
