"""Export every relation of the warehouse to Parquet or CSV, for tools that do not speak DuckDB."""

from __future__ import annotations

from pathlib import Path

from warehouse.connection import open_sealed

EXPORT_FORMATS = {"parquet": "(FORMAT parquet)", "csv": "(FORMAT csv, HEADER true)"}


def relation_names(con: object) -> list[str]:
    """Tables and views of the warehouse's main schema, in name order."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def export_relations(warehouse: Path, out: Path, file_format: str) -> dict[str, Path]:
    """Write each relation to out/<name>.<format>; returns relation → file."""
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f"export format must be one of {sorted(EXPORT_FORMATS)}, got {file_format!r}")
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    written: dict[str, Path] = {}
    with open_sealed(warehouse, writable_dir=out) as con:  # COPY can write into `out` and nowhere else
        for name in relation_names(con):
            target = out / f"{_file_stem(name)}.{file_format}"
            escaped, quoted = str(target).replace("'", "''"), name.replace('"', '""')
            con.execute(f'COPY (SELECT * FROM "{quoted}") TO \'{escaped}\' {EXPORT_FORMATS[file_format]}')
            written[name] = target
    return written


def _file_stem(relation: str) -> str:
    """A relation name as a file name that stays inside the export folder (no separators, no `..`)."""
    stem = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in relation)
    return stem or "_"
