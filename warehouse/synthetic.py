"""N synthetic reports written straight into a warehouse with set-based SQL (no Report objects).

For scale tests and the bench: real townships of whole counties as agencies, four reporting years each,
every printed cell of the 2021 template filled. Section 三 is internally consistent per column
(T3-1, T3-2: the outcomes of the closed requests add up; T3-3: 总计 is the row sum), so the marts
show realistic rates; section 二 and 四 values are random counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractors.template import (
    OUTCOME_ROW_KEYS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMNS,
    TEMPLATE_2021,
)
from warehouse.connection import snapshot_writer
from warehouse.schema import ensure_schema, refresh_agency_year

YEARS = (2021, 2022, 2023, 2024)
_TOTAL = SECTION3_COLUMNS[-1].key


@dataclass(frozen=True)
class SyntheticSettings:
    """How many reports, and the seed that makes them reproducible."""

    reports: int
    seed: float = 0.42

    def __post_init__(self) -> None:
        if self.reports < 1:
            raise ValueError(f"need at least one synthetic report, got {self.reports}")
        if not -1 <= self.seed <= 1:
            raise ValueError(f"DuckDB's setseed takes a seed in [-1, 1], got {self.seed}")


def generate(warehouse: Path | str, settings: SyntheticSettings) -> int:
    """Fill an empty warehouse with `settings.reports` synthetic reports (township × year); returns the count."""
    with snapshot_writer(Path(warehouse)) as (con, _publish):
        con.begin()
        ensure_schema(con)
        if con.execute("SELECT count(*) FROM documents").fetchone() != (0,):
            raise ValueError(f"{warehouse}: synthetic reports go into an empty warehouse only")
        townships = -(-settings.reports // len(YEARS))
        available = con.execute("SELECT count(*) FROM divisions WHERE level = 'township'").fetchone()
        if not available or available[0] < townships:
            raise ValueError(f"{warehouse}: {townships} townships needed but the divisions table has "
                             f"{available[0] if available else 0}; load the NBS division CSVs first")
        con.execute(f"SELECT setseed({settings.seed})")
        con.execute(_SYNTHETIC_AGENCIES_SQL, [settings.seed, townships])
        con.execute(_SYNTHETIC_REPORTS_SQL, [list(YEARS), settings.reports])
        con.execute("INSERT INTO agencies BY NAME SELECT * FROM synthetic_agencies")
        con.execute("INSERT INTO reports BY NAME SELECT * EXCLUDE (scale) FROM synthetic_reports")
        con.execute("""
            INSERT INTO documents BY NAME
            SELECT report_id, sha256, source, status, true AS is_current, agency_id, year,
                   extractor_version, loaded_at
            FROM synthetic_reports""")
        _insert_cells(con)
        refresh_agency_year(con, None)
        con.commit()
    return settings.reports


# Agencies: the townships of whole counties, counties in a seeded random order; reports: each township × year.
_SYNTHETIC_AGENCIES_SQL = """
CREATE TEMP TABLE synthetic_agencies AS
SELECT substr(sha256('synthetic|' || t.code), 1, 16) AS agency_id,
       regexp_replace(co.name, '(区|县|市|旗)$', '') || t.name AS name,
       'township' AS level, 'government' AS kind, t.code,
       p.name AS province, t.province_code, ci.name AS city, t.city_code,
       co.name AS county, t.county_code, t.name AS township, t.code AS township_code,
       now() AS updated_at
FROM (SELECT * FROM divisions WHERE level = 'township' ORDER BY hash(county_code, ?), code LIMIT ?) AS t
JOIN divisions AS p ON p.code = t.province_code AND p.level = 'province'
JOIN divisions AS ci ON ci.code = t.city_code AND ci.level = 'prefecture'
JOIN divisions AS co ON co.code = t.county_code AND co.level = 'county'
"""
_SYNTHETIC_REPORTS_SQL = """
CREATE TEMP TABLE synthetic_reports AS
SELECT substr(h, 1, 16) AS report_id, h AS sha256, 'synthetic://' || h AS source, agency_id, name AS agency,
       level, kind, 'own' AS scope, province, city, county, code AS agency_code, year, '2021' AS template,
       name || year || '年政府信息公开工作年度报告' AS title, 'synthetic' AS format,
       'ok' AS status, true AS is_valid, 'synthetic' AS extractor_version, now() AS loaded_at,
       1 + floor(random() * 60)::INTEGER AS scale
FROM (
    SELECT a.*, y.year, sha256('synthetic|' || a.code || '|' || y.year) AS h
    FROM synthetic_agencies AS a CROSS JOIN unnest(?) AS y(year)
    ORDER BY a.code, y.year
    LIMIT ?
)
"""


def _insert_cells(con: object) -> None:
    """Section 三 per applicant column: new/carried → closed outcomes + carried forward; 二/四 random."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    applicants = ", ".join(f"'{c}'" for c in SECTION3_APPLICANT_COLUMNS)
    outcomes = ", ".join(f"'{k}'" for k in OUTCOME_ROW_KEYS)
    first_outcome = OUTCOME_ROW_KEYS[0]
    con.execute(f"""
        CREATE TEMP TABLE synthetic_columns AS
        SELECT report_id, col_key,
               floor(random() * scale * (CASE WHEN col_key = 'natural_person' THEN 1 ELSE 0.2 END))::INTEGER AS new,
               floor(random() * 3)::INTEGER AS carried,
               floor(random() * 3)::INTEGER AS forward_wish
        FROM synthetic_reports CROSS JOIN unnest([{applicants}]) AS c(col_key)""")
    # Closed requests: all but carried_forward; most granted, the rest spread over a few outcomes.
    con.execute(f"""
        CREATE TEMP TABLE synthetic_section3 AS
        WITH sized AS (
            SELECT *, least(forward_wish, new + carried) AS forward,
                   new + carried - least(forward_wish, new + carried) AS closed
            FROM synthetic_columns
        ), spread AS (
            SELECT s.report_id, s.col_key, o.row_key, o.position,
                   CASE WHEN o.row_key = '{first_outcome}' THEN s.closed - s.closed // 3
                        WHEN o.position = 1 + (hash(s.report_id, s.col_key) % {len(OUTCOME_ROW_KEYS) - 1}) + 1
                        THEN s.closed // 3 ELSE 0 END AS value
            FROM sized AS s CROSS JOIN unnest([{outcomes}]) WITH ORDINALITY AS o(row_key, position)
        )
        SELECT report_id, 'new_requests' AS row_key, col_key, new AS value FROM sized
        UNION ALL SELECT report_id, 'carried_over', col_key, carried FROM sized
        UNION ALL SELECT report_id, 'outcome_total', col_key, closed FROM sized
        UNION ALL SELECT report_id, 'carried_forward', col_key, forward FROM sized
        UNION ALL SELECT report_id, row_key, col_key, value FROM spread""")
    con.execute(f"""
        INSERT INTO cells BY NAME
        SELECT report_id, 3 AS section, row_key, col_key, value, value::VARCHAR AS raw, 2 AS page, [] AS flags
        FROM synthetic_section3
        UNION ALL
        SELECT report_id, 3, row_key, '{_TOTAL}', sum(value), sum(value)::VARCHAR, 2, []
        FROM synthetic_section3 GROUP BY report_id, row_key
        UNION ALL
        SELECT report_id, section, row_key, col_key, value, value::VARCHAR, page, []
        FROM (
            SELECT r.report_id, k.section, k.row_key, k.col_key,
                   floor(random() * random() * 12)::INTEGER AS value, CASE WHEN k.section = 2 THEN 1 ELSE 3 END AS page
            FROM synthetic_reports AS r
            JOIN cell_keys AS k ON k.template = '{TEMPLATE_2021}' AND k.section IN (2, 4)
        )""")
