-- The agency_year pivot for the reports listed in the temporary table refresh_ids: one row per
-- report, measures and rates rendered from the template by warehouse/marts.py, agency chain
-- from agencies.
WITH mapped AS (
    SELECT c.report_id, measure_cells.measure, c.value
    FROM cells AS c
    JOIN $measure_cells USING (section, row_key, col_key)
    WHERE c.report_id IN (SELECT report_id FROM refresh_ids)
),
pivoted AS (
    SELECT
        report_id,
        $measures
    FROM mapped
    GROUP BY report_id
),
failed AS (
    SELECT report_id, string_agg(DISTINCT rule, ',' ORDER BY rule) AS failed_rules
    FROM check_results
    WHERE status = 'fail' AND coalesce(severity, 'error') = 'error'
      AND rule IN (SELECT rule FROM report_rules)
      AND report_id IN (SELECT report_id FROM refresh_ids)
    GROUP BY report_id
),
narrative AS (
    SELECT report_id, whole_count(max(value)) AS proactive_items_total
    FROM narrative_facts
    WHERE key = 'proactive_items_total' AND report_id IN (SELECT report_id FROM refresh_ids)
    GROUP BY report_id
),
measured AS (
    SELECT
        r.report_id, r.agency_id, r.agency, r.level, r.scope,
        coalesce(a.province, r.province) AS province,
        coalesce(a.city, r.city) AS city,
        coalesce(a.county, r.county) AS county,
        a.township,
        r.agency_code, a.city_code, a.county_code,
        coalesce(a.county_code, concat_ws('/', coalesce(a.province, r.province), coalesce(a.city, r.city),
                                           coalesce(a.county, r.county))) AS county_key,
        coalesce(a.city_code, concat_ws('/', coalesce(a.province, r.province), coalesce(a.city, r.city))) AS city_key,
        r.year, r.template, r.status, r.is_valid, f.failed_rules, n.proactive_items_total,
        p.* EXCLUDE (report_id)
    FROM reports AS r
    LEFT JOIN agencies AS a USING (agency_id)
    LEFT JOIN pivoted AS p USING (report_id)
    LEFT JOIN failed AS f USING (report_id)
    LEFT JOIN narrative AS n USING (report_id)
    WHERE r.report_id IN (SELECT report_id FROM refresh_ids)
)
SELECT
    *,
    $rates
FROM measured
