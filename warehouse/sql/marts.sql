-- Marts. Dollar placeholders are rendered from extractors/template.py by warehouse/marts.py.
-- Every mart has an `_all` variant that includes invalid reports (flagged by is_valid/status);
-- the plain name excludes them, so an analyst never mixes in invalid numbers by accident.

-- Counts are BIGINT in every mart. A count printed with a fraction (never valid: rule T3-4) is
-- NULL here; cells.value keeps it as printed.
CREATE OR REPLACE MACRO whole_count(x) AS CASE WHEN x = trunc(x) THEN CAST(x AS BIGINT) END;

-- agency_year_all is materialised (one row per current report) and refreshed by the loader for
-- the reports a batch touched: the comparison views over it then answer in milliseconds.
CREATE TABLE IF NOT EXISTS agency_year_all AS $agency_year_select WITH NO DATA;
COMMENT ON TABLE agency_year_all IS 'One row per agency and year (current report), invalid reports included and flagged by is_valid: request outcomes, review/litigation and proactive-disclosure counts.';
COMMENT ON COLUMN agency_year_all.report_id IS 'reports.report_id of the report the row comes from.';
COMMENT ON COLUMN agency_year_all.agency_id IS 'agencies.agency_id.';
COMMENT ON COLUMN agency_year_all.agency IS 'Agency name.';
COMMENT ON COLUMN agency_year_all.level IS 'province, prefecture, county, township or department.';
COMMENT ON COLUMN agency_year_all.scope IS 'own, aggregate or unknown: do not compare aggregate with own reports.';
COMMENT ON COLUMN agency_year_all.province IS 'Province name.';
COMMENT ON COLUMN agency_year_all.city IS 'Prefecture-level city name.';
COMMENT ON COLUMN agency_year_all.county IS 'County-level unit name.';
COMMENT ON COLUMN agency_year_all.township IS 'Township name for township agencies.';
COMMENT ON COLUMN agency_year_all.agency_code IS 'Division code of the agency.';
COMMENT ON COLUMN agency_year_all.city_code IS '6-digit city code (NULL when the agency code is unknown).';
COMMENT ON COLUMN agency_year_all.county_code IS '6-digit county code (NULL when unknown or above county level).';
COMMENT ON COLUMN agency_year_all.county_key IS 'The county the agency belongs to: county_code, else province/city/county names.';
COMMENT ON COLUMN agency_year_all.city_key IS 'The city the agency belongs to: city_code, else province/city names.';
COMMENT ON COLUMN agency_year_all.year IS 'Reporting year.';
COMMENT ON COLUMN agency_year_all.template IS 'Report template: 2021 or 2019.';
COMMENT ON COLUMN agency_year_all.status IS 'ok or invalid.';
COMMENT ON COLUMN agency_year_all.is_valid IS 'True when status = ok; false rows appear only in _all marts.';
COMMENT ON COLUMN agency_year_all.failed_rules IS 'Error-severity rules that failed, comma-separated (why the report is invalid).';
COMMENT ON COLUMN agency_year_all.proactive_items_total IS 'Items disclosed proactively as stated in the narrative (largest mention), from narrative_facts.';

CREATE OR REPLACE VIEW agency_year AS SELECT * FROM agency_year_all WHERE is_valid;
COMMENT ON VIEW agency_year IS 'agency_year_all without invalid reports: one row per agency and year.';

CREATE OR REPLACE MACRO requests_wide_of(include_invalid) AS TABLE
SELECT
    r.report_id, r.agency_id, r.agency, r.level, r.province, r.city, r.county, r.year, r.status, r.is_valid,
    any_value(k.row_group) AS row_group,
    any_value($group_label) AS group_label,
    c.row_key,
    any_value(k.row_label) AS row_label,
    any_value(k.row_order) AS row_order,
    $applicant_pivot
FROM cells AS c
JOIN reports AS r USING (report_id)
LEFT JOIN cell_keys AS k
    ON k.template = coalesce(r.template, '2021') AND k.section = 3 AND k.row_key = c.row_key AND k.col_order = 1
WHERE c.section = 3 AND (include_invalid OR r.is_valid)
GROUP BY ALL;

CREATE OR REPLACE VIEW requests_wide_all AS SELECT * FROM requests_wide_of(true);
COMMENT ON VIEW requests_wide_all IS 'One row per report and section 三 row, the 7 applicant columns as columns; invalid reports included (is_valid).';
COMMENT ON COLUMN requests_wide_all.row_group IS 'Outcome group of the row: denied, unavailable, not_processed or other (NULL outside the groups); tells apart rows such as 3.其他 of different groups.';
COMMENT ON COLUMN requests_wide_all.group_label IS 'Printed heading of the group, e.g. （三）不予公开.';
COMMENT ON COLUMN requests_wide_all.row_key IS 'Section 三 row key (docs/format.md §3.2).';
COMMENT ON COLUMN requests_wide_all.row_label IS 'Official Chinese row label.';
COMMENT ON COLUMN requests_wide_all.row_order IS 'Display order of the row.';
CREATE OR REPLACE VIEW requests_wide AS SELECT * FROM requests_wide_of(false);
COMMENT ON VIEW requests_wide IS 'requests_wide_all without invalid reports.';

CREATE OR REPLACE MACRO township_comparison_of(include_invalid) AS TABLE
SELECT
    year, province, city, county, township, agency, level, agency_id, report_id, county_key, city_key,
    county_code, city_code, status, is_valid,
    new_requests, granted, denied_total, outcome_total, grant_rate, denial_rate,
    admin_review_total, litigation_total,
    count(*) OVER county_peers AS peers_in_county,
    rank() OVER (county_peers ORDER BY new_requests DESC NULLS LAST) AS new_requests_rank_in_county,
    rank() OVER (county_peers ORDER BY grant_rate DESC NULLS LAST) AS grant_rate_rank_in_county,
    rank() OVER (county_peers ORDER BY denied_total DESC NULLS LAST) AS denied_rank_in_county,
    round(new_requests / nullif(sum(new_requests) OVER county_peers, 0), 4) AS share_of_county_requests,
    count(*) OVER city_peers AS peers_in_city,
    rank() OVER (city_peers ORDER BY new_requests DESC NULLS LAST) AS new_requests_rank_in_city,
    rank() OVER (city_peers ORDER BY grant_rate DESC NULLS LAST) AS grant_rate_rank_in_city,
    rank() OVER (city_peers ORDER BY denied_total DESC NULLS LAST) AS denied_rank_in_city
FROM agency_year_all
WHERE include_invalid OR is_valid
WINDOW county_peers AS (PARTITION BY year, level, county_key),
       city_peers AS (PARTITION BY year, level, city_key);

-- Materialised like agency_year_all (ranks over the whole country cost too much per query); the
-- loader recomputes both tables after each batch.
CREATE TABLE IF NOT EXISTS township_comparison_all AS SELECT * FROM township_comparison_of(true) WITH NO DATA;
COMMENT ON TABLE township_comparison_all IS 'agency_year ranked among agencies of the same level and year within its county and within its city; invalid reports included and ranked.';
COMMENT ON COLUMN township_comparison_all.peers_in_county IS 'Agencies of the same level and year in the county (including this one).';
COMMENT ON COLUMN township_comparison_all.new_requests_rank_in_county IS 'Rank by new_requests within the county, 1 = most.';
COMMENT ON COLUMN township_comparison_all.grant_rate_rank_in_county IS 'Rank by grant_rate within the county, 1 = highest.';
COMMENT ON COLUMN township_comparison_all.denied_rank_in_county IS 'Rank by denied_total within the county, 1 = most refusals.';
COMMENT ON COLUMN township_comparison_all.share_of_county_requests IS 'new_requests / the sum over the county peers, a fraction 0–1.';
COMMENT ON COLUMN township_comparison_all.peers_in_city IS 'Agencies of the same level and year in the city (including this one).';
COMMENT ON COLUMN township_comparison_all.new_requests_rank_in_city IS 'Rank by new_requests within the city, 1 = most.';
COMMENT ON COLUMN township_comparison_all.grant_rate_rank_in_city IS 'Rank by grant_rate within the city, 1 = highest.';
COMMENT ON COLUMN township_comparison_all.denied_rank_in_city IS 'Rank by denied_total within the city, 1 = most refusals.';
CREATE TABLE IF NOT EXISTS township_comparison AS SELECT * FROM township_comparison_of(false) WITH NO DATA;
COMMENT ON TABLE township_comparison IS 'township_comparison_all computed over valid reports only (ranks ignore invalid reports).';

CREATE OR REPLACE MACRO year_over_year_of(include_invalid) AS TABLE
WITH eligible AS (SELECT * FROM agency_year_all WHERE include_invalid OR is_valid)
SELECT
    cur.agency_id, cur.agency, cur.level, cur.province, cur.city, cur.county, cur.county_key,
    cur.year, prev.year AS previous_year, cur.report_id, prev.report_id AS previous_report_id,
    cur.status, cur.is_valid, prev.is_valid AS previous_is_valid,
    cur.carried_over = prev.carried_forward AS carried_over_matches_previous,
    $year_over_year_columns
FROM eligible AS cur
JOIN eligible AS prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1;

CREATE OR REPLACE VIEW year_over_year_all AS SELECT * FROM year_over_year_of(true);
COMMENT ON VIEW year_over_year_all IS 'One row per agency and year that has a report for the previous year: headline measures, their previous values and changes; invalid reports included.';
COMMENT ON COLUMN year_over_year_all.previous_year IS 'year - 1.';
COMMENT ON COLUMN year_over_year_all.previous_report_id IS 'report_id of the previous year''s report.';
COMMENT ON COLUMN year_over_year_all.previous_is_valid IS 'is_valid of the previous year''s report.';
COMMENT ON COLUMN year_over_year_all.carried_over_matches_previous IS 'carried_over = previous carried_forward (rule Y-1 on the 总计 column).';
CREATE OR REPLACE VIEW year_over_year AS SELECT * FROM year_over_year_of(false);
COMMENT ON VIEW year_over_year IS 'year_over_year_all with both years valid.';

-- check_results.cells holds flat keys (extractors/template.flat_key); this view resolves each to
-- its cells row, so a failed rule can be followed to the printed numbers and their location.
CREATE OR REPLACE VIEW check_cells AS
WITH refs AS (
    SELECT report_id, rule, status, severity, detail, unnest(cells) AS cell FROM check_results
)
SELECT
    f.report_id, f.rule, f.status, f.severity, f.cell, c.section, c.row_key, c.col_key,
    c.value, c.raw, c.page, c.bbox, c.table_no, c.row_no, c.col_no, c.source_file, c.flags, f.detail
FROM refs AS f
LEFT JOIN cells AS c
    ON c.report_id = f.report_id
    AND f.cell = 's' || c.section || '_' || c.row_key || CASE WHEN c.section = 2 THEN '_' ELSE '__' END || c.col_key;
COMMENT ON VIEW check_cells IS 'One row per rule result and cell it involves (check_results.cells unnested), with the cell''s value, raw text and location; section/row_key/col_key are NULL when the report has no such cell.';
COMMENT ON COLUMN check_cells.cell IS 'The flat key as stored in check_results.cells.';
