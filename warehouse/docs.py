"""docs/schema.md, the warehouse reference, generated from the database's own COMMENTs.

`python -m warehouse.docs --write` rewrites the file and `--check` exits 1 when it is stale; a test
fails when docs/schema.md and a freshly created warehouse disagree, so the docs cannot drift.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from warehouse.connection import STORAGE_COMPATIBILITY
from warehouse.schema import ensure_schema

SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
REGENERATE = "python -m warehouse.docs --write"

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

# Ten questions analysts ask, answered by the marts (the tests run every one of them).
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Which townships of a county refused most often, and why?",
     """SELECT agency, year, denied_total, denial_rate, denied_state_secret, denied_law_prohibited,
       denied_security_stability, denied_third_party_rights, denied_internal_affairs,
       denied_process_info, denied_enforcement_file, denied_admin_query
FROM agency_year
WHERE county = '沙坡头区' AND level = 'township'
ORDER BY year DESC, denied_total DESC NULLS LAST"""),
    ("How does each township rank in its county on new requests and on grant rate?",
     """SELECT year, county, agency, new_requests, new_requests_rank_in_county,
       grant_rate, grant_rate_rank_in_county, peers_in_county
FROM township_comparison
WHERE county_code = '640502'
ORDER BY year DESC, new_requests_rank_in_county"""),
    ("Which agencies received many more (or fewer) requests than the year before?",
     """SELECT agency, previous_year, year, previous_new_requests, new_requests, new_requests_change_pct
FROM year_over_year
WHERE abs(new_requests_change) >= 10
ORDER BY abs(new_requests_change) DESC"""),
    ("Which reports are invalid, and which rules failed with what arithmetic?",
     """SELECT r.agency, r.year, c.rule, c.detail, c.cells
FROM check_results AS c JOIN reports AS r USING (report_id)
WHERE c.status = 'fail' AND c.severity = 'error'
ORDER BY r.agency, r.year, c.rule"""),
    ("Where in the PDF does a number come from?",
     """SELECT r.agency, r.year, k.row_label, k.col_label, c.value, c.raw, c.page, c.bbox
FROM cells AS c
JOIN reports AS r USING (report_id)
JOIN cell_keys AS k ON k.template = coalesce(r.template, '2021')
    AND k.section = c.section AND k.row_key = c.row_key AND k.col_key = c.col_key
WHERE c.section = 3 AND c.row_key = 'new_requests' AND c.col_key = 'total'"""),
    ("Who applies: natural persons or organisations, per city and year?",
     """SELECT province, city, year, sum(new_requests_natural_person) AS natural_persons,
       sum(new_requests_organisations) AS organisations,
       round(sum(new_requests_natural_person) / nullif(sum(new_requests), 0), 3) AS natural_person_share
FROM agency_year
GROUP BY ALL
ORDER BY province, city, year"""),
    ("Where does this year's 上年结转 not match last year's 结转下年度 (rule Y-1)?",
     """SELECT agency, previous_year, year, previous_report_id, report_id
FROM year_over_year
WHERE NOT carried_over_matches_previous"""),
    ("Which agencies lose reviews and lawsuits most often (result 纠正)?",
     """SELECT agency, year, admin_review_total, litigation_total, corrected_share
FROM agency_year
WHERE admin_review_total + litigation_total > 0
ORDER BY corrected_share DESC, admin_review_total + litigation_total DESC"""),
    ("The full section 三 table of one report, in printed order with Chinese labels",
     """SELECT row_label, natural_person, commercial_enterprise, research_institution,
       public_interest_org, legal_service_org, other_org, total
FROM requests_wide
WHERE agency = '沙坡头区文昌镇' AND year = 2023
ORDER BY row_order"""),
    ("What could not be loaded, and which reports were replaced by a newer file?",
     """SELECT 'quarantined' AS what, source, reason AS detail, seen_at AS happened_at FROM quarantine
UNION ALL
SELECT 'replaced', source, 'replaced by ' || superseded_by, superseded_at FROM documents
WHERE superseded_by IS NOT NULL
ORDER BY happened_at"""),
)


def relations_markdown(con: duckdb.DuckDBPyConnection) -> str:
    """One sub-section per table/view: its comment and a column table with types and comments."""
    parts: list[str] = []
    for name, kind, comment in _relations(con):
        parts.append(f"### `{name}` ({kind})\n\n{comment}\n\n| column | type | meaning |\n|---|---|---|")
        for column, data_type, col_comment in con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND table_name = ? ORDER BY column_index", [name]
        ).fetchall():
            parts.append(f"| `{column}` | {data_type} | {(col_comment or '').replace('|', '/')} |")
        parts.append("")
    return "\n".join(parts)


def _relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute("""
        SELECT table_name, 'table' AS kind, comment FROM duckdb_tables() WHERE database_name = current_database()
        UNION ALL
        SELECT view_name, 'view', comment FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal
        ORDER BY 1""").fetchall()


def examples_markdown() -> str:
    blocks = [f"{i}. **{question}**\n\n```sql\n{sql}\n```\n" for i, (question, sql) in enumerate(EXAMPLES, start=1)]
    return "\n".join(blocks)


def schema_markdown(con: duckdb.DuckDBPyConnection) -> str:
    """The whole of docs/schema.md for the schema `con` holds."""
    index = " · ".join(f"[`{name}`](#{name}-{kind})" for name, kind, _ in _relations(con))
    return (f"# Warehouse schema\n\n<!-- Generated by `{REGENERATE}` from the COMMENT ON text in "
            f"warehouse/sql/*.sql. Do not edit by hand. -->\n\n{INTRO}\nRelations: {index}\n\n"
            f"## Ten questions, answered in SQL\n\n{examples_markdown()}\n"
            f"## Relations\n\nGenerated from the `COMMENT ON` text in the database (`{REGENERATE}`).\n\n"
            f"{relations_markdown(con)}")


def fresh_schema_markdown() -> str:
    """docs/schema.md as a newly created warehouse documents itself."""
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "docs.duckdb"))
        try:
            ensure_schema(con, divisions_dir=Path(tmp) / "none")
            return schema_markdown(con)
        finally:
            con.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.docs", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the file")
    mode.add_argument("--check", action="store_true", help="exit 1 when the file is stale (the default)")
    parser.add_argument("--path", type=Path, default=SCHEMA_DOC, help="the schema reference (default docs/schema.md)")
    args = parser.parse_args(argv)
    fresh = fresh_schema_markdown()
    if args.write:
        args.path.parent.mkdir(parents=True, exist_ok=True)
        args.path.write_text(fresh, encoding="utf-8")
        print(f"wrote {args.path}")
        return 0
    current = args.path.read_text(encoding="utf-8") if args.path.exists() else ""
    if current != fresh:
        print(f"{args.path} is stale: run {REGENERATE}", file=sys.stderr)
        return 1
    print(f"{args.path} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
