-- Superseded versions stay queryable: when a new file replaces a report (same source or same
-- agency-year), its reports and cells rows move here in the same transaction. Column comments
-- are copied from reports/cells by warehouse/schema.py.
CREATE TABLE IF NOT EXISTS reports_history AS
    SELECT *, NULL::TIMESTAMPTZ AS superseded_at, NULL::VARCHAR AS superseded_by FROM reports WITH NO DATA;
COMMENT ON TABLE reports_history IS 'Superseded report versions (same columns as reports, plus when and by which report_id).';
COMMENT ON COLUMN reports_history.superseded_at IS 'When a newer version replaced this report.';
COMMENT ON COLUMN reports_history.superseded_by IS 'report_id of the replacing version.';

CREATE TABLE IF NOT EXISTS cells_history AS SELECT * FROM cells WITH NO DATA;
COMMENT ON TABLE cells_history IS 'Cells of superseded report versions (same columns as cells); join to reports_history.';

-- Columns added to reports after a warehouse was created (the schema may only grow).
ALTER TABLE reports ADD COLUMN IF NOT EXISTS extractor VARCHAR;
ALTER TABLE reports_history ADD COLUMN IF NOT EXISTS extractor VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS ocr BOOLEAN;
ALTER TABLE reports_history ADD COLUMN IF NOT EXISTS ocr BOOLEAN;
