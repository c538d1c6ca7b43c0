-- Base tables: what the loader writes. Created once per warehouse file; every statement is
-- idempotent so an existing warehouse is brought up to date in place (the schema may only grow).

CREATE TABLE IF NOT EXISTS documents (
    report_id VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    is_current BOOLEAN NOT NULL,
    agency_id VARCHAR,
    year INTEGER,
    extractor_version VARCHAR,
    archive_path VARCHAR,
    content_type VARCHAR,
    size_bytes BIGINT,
    fetched_at TIMESTAMPTZ,
    loaded_at TIMESTAMPTZ NOT NULL,
    superseded_by VARCHAR,
    superseded_at TIMESTAMPTZ,
    reason VARCHAR
);
COMMENT ON TABLE documents IS 'Every file version ever seen, one row per sha256, whatever its status; is_current marks the version whose rows are in reports/cells.';
COMMENT ON COLUMN documents.report_id IS 'First 16 hex characters of sha256: the id this version has (or had) in reports.';
COMMENT ON COLUMN documents.sha256 IS 'SHA-256 of the file bytes: the identity of a file version (loading it again adds nothing).';
COMMENT ON COLUMN documents.source IS 'URL or path the file was read from.';
COMMENT ON COLUMN documents.status IS 'Extraction status of this version: ok, invalid, unsupported or error.';
COMMENT ON COLUMN documents.is_current IS 'True for the version currently in reports; false once superseded, or when the version was quarantined.';
COMMENT ON COLUMN documents.agency_id IS 'agencies.agency_id of the publishing agency, NULL when the agency is unknown.';
COMMENT ON COLUMN documents.year IS 'Reporting year of this version, NULL when unknown.';
COMMENT ON COLUMN documents.extractor_version IS 'Version of the xxgk extractor that read this file.';
COMMENT ON COLUMN documents.archive_path IS 'Where the raw file is archived (content-addressed), when the crawler archived it.';
COMMENT ON COLUMN documents.content_type IS 'HTTP Content-Type or file format the file arrived as.';
COMMENT ON COLUMN documents.size_bytes IS 'File size in bytes, when known.';
COMMENT ON COLUMN documents.fetched_at IS 'When the file was fetched or read, when known.';
COMMENT ON COLUMN documents.loaded_at IS 'When this version was first loaded into the warehouse.';
COMMENT ON COLUMN documents.superseded_by IS 'report_id of the version that replaced this one (same source or same agency-year).';
COMMENT ON COLUMN documents.superseded_at IS 'When this version stopped being current.';
COMMENT ON COLUMN documents.reason IS 'Why the version was quarantined (one sentence per problem), NULL otherwise.';

CREATE TABLE IF NOT EXISTS reports (
    report_id VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    agency_id VARCHAR,
    agency VARCHAR,
    full_name VARCHAR,
    level VARCHAR,
    kind VARCHAR,
    scope VARCHAR,
    province VARCHAR,
    city VARCHAR,
    county VARCHAR,
    agency_code VARCHAR,
    year INTEGER,
    template VARCHAR,
    title VARCHAR,
    format VARCHAR,
    status VARCHAR NOT NULL,
    is_valid BOOLEAN NOT NULL,
    extractor_version VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL,
    extractor VARCHAR,
    ocr BOOLEAN
);
COMMENT ON TABLE reports IS 'One row per current report file (status ok or invalid); superseded versions move to reports_history.';
COMMENT ON COLUMN reports.report_id IS 'First 16 hex characters of sha256.';
COMMENT ON COLUMN reports.sha256 IS 'SHA-256 of the file bytes.';
COMMENT ON COLUMN reports.source IS 'URL or path the file was read from.';
COMMENT ON COLUMN reports.agency_id IS 'agencies.agency_id of the publishing agency.';
COMMENT ON COLUMN reports.agency IS 'Agency name as resolved from the title (e.g. 沙坡头区文昌镇).';
COMMENT ON COLUMN reports.full_name IS 'Canonical full agency name, e.g. from the contact line.';
COMMENT ON COLUMN reports.level IS 'Administrative level: province, prefecture, county, township or department.';
COMMENT ON COLUMN reports.kind IS 'Agency kind (government, government_office, department, dispatched_office, ...).';
COMMENT ON COLUMN reports.scope IS 'own (the agency itself), aggregate (sums constituent bodies) or unknown.';
COMMENT ON COLUMN reports.province IS 'Province name.';
COMMENT ON COLUMN reports.city IS 'Prefecture-level city name.';
COMMENT ON COLUMN reports.county IS 'County-level unit name.';
COMMENT ON COLUMN reports.agency_code IS 'Administrative division code: 6 digits (county and above) or 9 (township); NULL when unknown.';
COMMENT ON COLUMN reports.year IS 'Reporting year (the year the statistics cover, not the publication year).';
COMMENT ON COLUMN reports.template IS 'Report template: 2021, 2019, or NULL when not detected.';
COMMENT ON COLUMN reports.title IS 'Report title as printed.';
COMMENT ON COLUMN reports.format IS 'File format read: pdf, html, docx or text.';
COMMENT ON COLUMN reports.status IS 'ok (every error-severity rule passes) or invalid (numbers as printed, at least one error-severity rule fails).';
COMMENT ON COLUMN reports.is_valid IS 'status = ''ok''; marts exclude rows where this is false unless you use their _all variant.';
COMMENT ON COLUMN reports.extractor_version IS 'Version of the xxgk extractor that read the file.';
COMMENT ON COLUMN reports.loaded_at IS 'When the report was loaded.';
COMMENT ON COLUMN reports.extractor IS 'Which parse produced the cells: pdfium (fast PDF path) or pdfplumber (reference PDF path), with +ocr when some pages were read from their images; or html, docx, text.';
COMMENT ON COLUMN reports.ocr IS 'Some cells were read from page images by OCR (their values carry recogniser doubt; rule OCR-1 checks them).';

CREATE TABLE IF NOT EXISTS cells (
    report_id VARCHAR NOT NULL,
    section TINYINT NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DECIMAL(18, 4),
    raw VARCHAR,
    page INTEGER,
    bbox DOUBLE[],
    table_no INTEGER,
    row_no INTEGER,
    col_no INTEGER,
    source_file VARCHAR,
    flags VARCHAR[]
);
COMMENT ON TABLE cells IS 'One row per table cell of a current report (sections 二, 三, 四), long format keyed by docs/format.md keys.';
COMMENT ON COLUMN cells.report_id IS 'reports.report_id.';
COMMENT ON COLUMN cells.section IS 'Report section: 2 (主动公开), 3 (依申请公开) or 4 (复议诉讼).';
COMMENT ON COLUMN cells.row_key IS 'Row key of docs/format.md (e.g. new_requests); see cell_keys for labels.';
COMMENT ON COLUMN cells.col_key IS 'Column key of docs/format.md (e.g. natural_person, total).';
COMMENT ON COLUMN cells.value IS 'The number as printed (never corrected); NULL when blank, a not-applicable marker, or unreadable.';
COMMENT ON COLUMN cells.raw IS 'The cell text exactly as extracted.';
COMMENT ON COLUMN cells.page IS '1-based PDF page the cell was read from (NULL for HTML/DOCX).';
COMMENT ON COLUMN cells.bbox IS 'Cell box on the PDF page in points: [x0, top, x1, bottom].';
COMMENT ON COLUMN cells.table_no IS '0-based table index within the document (HTML/DOCX/text).';
COMMENT ON COLUMN cells.row_no IS '0-based row within that table, after span expansion.';
COMMENT ON COLUMN cells.col_no IS '0-based column within that table, after span expansion.';
COMMENT ON COLUMN cells.source_file IS 'File the provenance refers to.';
COMMENT ON COLUMN cells.flags IS 'Extraction flags: blank, na_marker, imputed_zero, derived.';

CREATE TABLE IF NOT EXISTS narrative_facts (
    report_id VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value DECIMAL(18, 4),
    unit VARCHAR,
    qualifier VARCHAR,
    approx BOOLEAN NOT NULL,
    raw VARCHAR,
    section TINYINT,
    char_span INTEGER[]
);
COMMENT ON TABLE narrative_facts IS 'Figures stated in the prose of sections 一 and 六 (docs/format.md §7); several mentions per key are allowed.';
COMMENT ON COLUMN narrative_facts.report_id IS 'reports.report_id.';
COMMENT ON COLUMN narrative_facts.key IS 'Narrative key of docs/format.md §7 (e.g. proactive_items_total).';
COMMENT ON COLUMN narrative_facts.value IS 'The figure (magnitude words applied); 0 for a stated negation.';
COMMENT ON COLUMN narrative_facts.unit IS 'Unit as stated (条, 件, 元, %, ...).';
COMMENT ON COLUMN narrative_facts.qualifier IS 'Approximation word (余, 多, 约, 近, 逾, 超过, 以上) or none_stated for a negation.';
COMMENT ON COLUMN narrative_facts.approx IS 'True when the figure is approximate.';
COMMENT ON COLUMN narrative_facts.raw IS 'The phrase as printed.';
COMMENT ON COLUMN narrative_facts.section IS 'Section the phrase is in (1 or 6).';
COMMENT ON COLUMN narrative_facts.char_span IS '[start, end) character offsets of the phrase in the document text.';

CREATE TABLE IF NOT EXISTS check_results (
    report_id VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    severity VARCHAR,
    detail VARCHAR,
    cells VARCHAR[],
    checked_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE check_results IS 'One row per consistency rule evaluated on a current report (docs/format.md §5), with its evidence.';
COMMENT ON COLUMN check_results.report_id IS 'reports.report_id.';
COMMENT ON COLUMN check_results.rule IS 'Rule id of docs/format.md §5 (T3-1, T4-1, Y-1, ...).';
COMMENT ON COLUMN check_results.status IS 'pass, fail or uncertain (an operand was missing).';
COMMENT ON COLUMN check_results.severity IS 'error, warning or info; only failing error rules make a report invalid.';
COMMENT ON COLUMN check_results.detail IS 'The arithmetic that was checked, with the values.';
COMMENT ON COLUMN check_results.cells IS 'Cells involved, as flat keys: s2_<row_key>_<col_key>, s3_<row_key>__<col_key>, s4_<row_key>__<col_key>; the view check_cells joins them to cells.';
COMMENT ON COLUMN check_results.checked_at IS 'When the result was written.';

CREATE TABLE IF NOT EXISTS report_rules (
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    statement VARCHAR NOT NULL
);
COMMENT ON TABLE report_rules IS 'Rules evaluated on each report alone (the Great Expectations suite): only their error-severity failures make a report invalid. Cross-report rules (Y-1, Y-2, Y-3, T2-3, P-1) are not listed: they never change a status.';
COMMENT ON COLUMN report_rules.rule IS 'Rule id, as in check_results.rule.';
COMMENT ON COLUMN report_rules.severity IS 'error, warning or info.';
COMMENT ON COLUMN report_rules.statement IS 'What the rule requires, in one sentence.';

CREATE TABLE IF NOT EXISTS quarantine (
    report_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE quarantine IS 'Inputs that could not be loaded as reports (status error or unsupported), with the reason.';
COMMENT ON COLUMN quarantine.report_id IS 'First 16 hex characters of sha256.';
COMMENT ON COLUMN quarantine.source IS 'URL or path of the input.';
COMMENT ON COLUMN quarantine.sha256 IS 'SHA-256 of the file bytes.';
COMMENT ON COLUMN quarantine.status IS 'error (unreadable: corrupt, encrypted, empty, too large) or unsupported (not a 2021/2019-format report, or tables as images).';
COMMENT ON COLUMN quarantine.reason IS 'Why, one sentence per problem.';
COMMENT ON COLUMN quarantine.seen_at IS 'When the input was seen.';

CREATE TABLE IF NOT EXISTS fetches (
    url VARCHAR NOT NULL,
    final_url VARCHAR,
    status INTEGER,
    bytes BIGINT,
    sha256 VARCHAR,
    content_type VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    not_modified BOOLEAN,
    elapsed_ms DOUBLE,
    source_name VARCHAR,
    kind VARCHAR,
    fetched_at TIMESTAMPTZ NOT NULL,
    error VARCHAR
);
COMMENT ON TABLE fetches IS 'Every HTTP request the crawler made, successful or not.';
COMMENT ON COLUMN fetches.url IS 'URL requested.';
COMMENT ON COLUMN fetches.final_url IS 'URL after redirects.';
COMMENT ON COLUMN fetches.status IS 'HTTP status code; NULL when no response arrived.';
COMMENT ON COLUMN fetches.bytes IS 'Bytes received.';
COMMENT ON COLUMN fetches.sha256 IS 'SHA-256 of the body, for report files.';
COMMENT ON COLUMN fetches.content_type IS 'Content-Type of the response.';
COMMENT ON COLUMN fetches.etag IS 'ETag of the response (for conditional GET next time).';
COMMENT ON COLUMN fetches.last_modified IS 'Last-Modified of the response (for conditional GET next time).';
COMMENT ON COLUMN fetches.not_modified IS 'True when the server answered 304 Not Modified.';
COMMENT ON COLUMN fetches.elapsed_ms IS 'Request duration in milliseconds.';
COMMENT ON COLUMN fetches.source_name IS 'Name of the configured source (sources file) the request belongs to.';
COMMENT ON COLUMN fetches.kind IS 'What was requested: robots, listing (a list page), article or attachment.';
COMMENT ON COLUMN fetches.fetched_at IS 'When the request was made.';
COMMENT ON COLUMN fetches.error IS 'Why the request failed (timeout, refused, too large, robots.txt, ...), NULL on success.';

CREATE TABLE IF NOT EXISTS divisions (
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    parent_code VARCHAR,
    province_code VARCHAR NOT NULL,
    city_code VARCHAR,
    county_code VARCHAR
);
COMMENT ON TABLE divisions IS 'NBS administrative division codes (统计用区划代码) down to townships, codes padded to 6 or 9 digits.';
COMMENT ON COLUMN divisions.code IS 'Division code: 6 digits (province, prefecture, county) or 9 (township); unique per level (东莞, 中山, 儋州 are both prefecture and county).';
COMMENT ON COLUMN divisions.name IS 'Division name (e.g. 文昌镇).';
COMMENT ON COLUMN divisions.level IS 'province, prefecture, county or township.';
COMMENT ON COLUMN divisions.parent_code IS 'Code of the division above; NULL for provinces.';
COMMENT ON COLUMN divisions.province_code IS 'Code of the province.';
COMMENT ON COLUMN divisions.city_code IS 'Code of the prefecture-level city (NULL for provinces).';
COMMENT ON COLUMN divisions.county_code IS 'Code of the county-level unit (NULL above county level).';

CREATE TABLE IF NOT EXISTS agencies (
    agency_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    full_name VARCHAR,
    level VARCHAR,
    kind VARCHAR,
    code VARCHAR,
    province VARCHAR,
    province_code VARCHAR,
    city VARCHAR,
    city_code VARCHAR,
    county VARCHAR,
    county_code VARCHAR,
    township VARCHAR,
    township_code VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE agencies IS 'One row per publishing agency, with its parent chain province → city → county → township.';
COMMENT ON COLUMN agencies.agency_id IS 'Stable id: hash of division code and name (or of province/city/county/name when the code is unknown).';
COMMENT ON COLUMN agencies.name IS 'Agency name as resolved from report titles.';
COMMENT ON COLUMN agencies.full_name IS 'Canonical full name, when known.';
COMMENT ON COLUMN agencies.level IS 'province, prefecture, county, township or department.';
COMMENT ON COLUMN agencies.kind IS 'government, government_office, department, dispatched_office, ...';
COMMENT ON COLUMN agencies.code IS 'Division code of the agency (or of the government a department belongs to).';
COMMENT ON COLUMN agencies.province IS 'Province name (from divisions when the code resolves).';
COMMENT ON COLUMN agencies.province_code IS '6-digit province code.';
COMMENT ON COLUMN agencies.city IS 'Prefecture-level city name.';
COMMENT ON COLUMN agencies.city_code IS '6-digit city code.';
COMMENT ON COLUMN agencies.county IS 'County-level unit name.';
COMMENT ON COLUMN agencies.county_code IS '6-digit county code.';
COMMENT ON COLUMN agencies.township IS 'Township name (乡/镇/街道) for township agencies.';
COMMENT ON COLUMN agencies.township_code IS '9-digit township code.';
COMMENT ON COLUMN agencies.updated_at IS 'When the row was last refreshed from a loaded report.';

CREATE TABLE IF NOT EXISTS cell_keys (
    template VARCHAR NOT NULL,
    section TINYINT NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    row_label VARCHAR NOT NULL,
    col_label VARCHAR NOT NULL,
    row_group VARCHAR,
    row_order INTEGER NOT NULL,
    col_order INTEGER NOT NULL
);
COMMENT ON TABLE cell_keys IS 'Every printed cell of the 2021 and 2019 templates with its official Chinese labels: join cells to it for readable output.';
COMMENT ON COLUMN cell_keys.template IS 'Template the key belongs to: 2021 or 2019.';
COMMENT ON COLUMN cell_keys.section IS 'Report section: 2, 3 or 4.';
COMMENT ON COLUMN cell_keys.row_key IS 'Row key (section 四: group key).';
COMMENT ON COLUMN cell_keys.col_key IS 'Column key.';
COMMENT ON COLUMN cell_keys.row_label IS 'Official row label (section 四: group label).';
COMMENT ON COLUMN cell_keys.col_label IS 'Official column label.';
COMMENT ON COLUMN cell_keys.row_group IS 'Section 三 outcome group: denied, unavailable, not_processed or other.';
COMMENT ON COLUMN cell_keys.row_order IS 'Position of the row in the printed table (1-based).';
COMMENT ON COLUMN cell_keys.col_order IS 'Position of the column in the printed table (1-based).';

CREATE TABLE IF NOT EXISTS schema_info (
    fingerprint VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE schema_info IS 'Which version of the xxgk schema (DDL, marts, template keys) this file was last brought up to.';
COMMENT ON COLUMN schema_info.fingerprint IS 'SHA-256 of the rendered schema SQL and template keys; a new xxgk release with other SQL re-applies it.';
COMMENT ON COLUMN schema_info.applied_at IS 'When the schema was applied.';
