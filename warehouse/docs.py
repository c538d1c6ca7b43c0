"""The README's warehouse section, generated from the database's own COMMENTs.

`python -m warehouse.docs README.md` rewrites the region between the schema markers; a test
fails when the README and a freshly created warehouse disagree, so the docs cannot drift.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb

from warehouse.connection import STORAGE_COMPATIBILITY
from warehouse.schema import ensure_schema

START, END = "<!-- schema:start -->", "<!-- schema:end -->"

INTRO = f"""\
The warehouse is one DuckDB file (default `data/xxgk.duckdb`, or `$XXGK_WAREHOUSE`). Open it
read-only: `xxgk query "SQL"`, `duckdb -readonly data/xxgk.duckdb`, or in Python
`warehouse.connection.open_readonly(path)`; `xxgk export --format parquet|csv --out DIR` writes
every relation to files. The notebook `notebooks/township_comparison.ipynb` starts from the
comparison marts.

**Supported DuckDB versions.** The file is written in DuckDB's `{STORAGE_COMPATIBILITY}` storage
format by the pinned library (`duckdb` 1.5.x), so the `duckdb` Python package 1.x and the DuckDB CLI
1.x open it (tested: Python package 1.5.6 and the PyPI `duckdb-cli` 1.5.6). DuckDB 2.x reads it too,
but never let a 2.x client write to it: a file written by 2.x cannot be opened by 1.x.

**Reading while `xxgk run` loads.** The loader never writes the published file in place: it copies
it, loads the batch into the copy in one transaction, and atomically renames the copy over the
file. A connection opened before the load keeps seeing the old snapshot until it reconnects;
nobody waits and nothing fails (POSIX file systems; writers queue on `<file>.lock`). Changes an
analyst writes into the file are lost at the next load: keep your own tables in another file
(`ATTACH`).

**Versions and invalid reports.** A file seen before (same sha256) is never loaded twice. A new
file from the same source, or for the same agency and year, replaces the current report:
`reports`/`cells` hold current versions only, earlier ones move to `reports_history`/`cells_history`
and `documents` lists every version. Marts exclude `invalid` reports; each has an `_all` variant
that includes them, flagged by `is_valid` and `status` (and `failed_rules` in `agency_year_all`).
Inputs that could not be read are in `quarantine`, with the reason.
"""

EXAMPLES_POINTER = """\
Counts are BIGINT, the 万元 fee DECIMAL(18,4), rates fractions from 0 to 1
([docs/analysts.md](docs/analysts.md)). Questions analysts ask, answered in SQL and tested on
the sample warehouse: [docs/queries.md](docs/queries.md).
"""


def relations_markdown(con: duckdb.DuckDBPyConnection) -> str:
    """One sub-section per table/view: its comment and a column table with types and comments."""
    relations = con.execute("""
        SELECT table_name, 'table' AS kind, comment FROM duckdb_tables() WHERE database_name = current_database()
        UNION ALL
        SELECT view_name, 'view', comment FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal
        ORDER BY 1""").fetchall()
    parts: list[str] = []
    for name, kind, comment in relations:
        parts.append(f"#### `{name}` ({kind})\n\n{comment}\n\n| column | type | meaning |\n|---|---|---|")
        for column, data_type, col_comment in con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND table_name = ? ORDER BY column_index", [name]
        ).fetchall():
            parts.append(f"| `{column}` | {data_type} | {(col_comment or '').replace('|', '/')} |")
        parts.append("")
    return "\n".join(parts)


def region(con: duckdb.DuckDBPyConnection) -> str:
    """The full text between the README markers."""
    return (f"{START}\n{INTRO}\n{EXAMPLES_POINTER}\n"
            f"### Relations\n\nGenerated from the `COMMENT ON` text in the database "
            f"(`python -m warehouse.docs README.md`).\n\n{relations_markdown(con)}{END}")


def fresh_region() -> str:
    """The region as a newly created warehouse documents itself."""
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "docs.duckdb"))
        try:
            ensure_schema(con, divisions_dir=Path(tmp) / "none")
            return region(con)
        finally:
            con.close()


def readme_region(readme: Path) -> str:
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(START), text.index(END) + len(END)
    return text[start:end]


def write_readme(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace(readme_region(readme), fresh_region()), encoding="utf-8")


if __name__ == "__main__":
    write_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
