"""The loader's promises: idempotent by sha256, replacement keeps history, quarantine, atomic batches."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from extractors.report import Agency, NarrativeFact, Report
from extractors.template import all_cell_keys
from tests.fixtures.values import make_answer
from tests.warehouse.builders import make_report, report_from_answer, section3, township
from warehouse import loader
from warehouse.connection import open_readonly
from warehouse.loader import DocumentVersion, load_batch
from warehouse.reads import known_sha256

COUNTED = ("reports", "cells", "documents", "quarantine", "check_results", "narrative_facts", "agencies",
           "reports_history", "cells_history", "agency_year_all", "fetches")


def counts(path: Path) -> dict[str, int]:
    with open_readonly(path) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}  # type: ignore[index]


def one(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with open_readonly(path) as con:
        return con.execute(sql).fetchall()


def broken(source: str, status: str, reason: str) -> Report:
    return Report(source=source, sha256=hashlib.sha256(source.encode()).hexdigest(), status=status, errors=[reason])


def test_full_report_cells_round_trip(warehouse: Path) -> None:
    answer = make_answer(7)
    report = report_from_answer(answer, "fixtures/r7.pdf")
    load_batch(warehouse, [report], None)
    got = {(s, r, c): v for s, r, c, v in one(warehouse, "SELECT section, row_key, col_key, value FROM cells")}
    assert len(got) == len(report.cells) == len(all_cell_keys())
    for key, cell in report.cells.items():
        assert got[key] == cell.value, key
    assert one(warehouse, "SELECT DISTINCT page, bbox FROM cells WHERE section = 3") == [(3, [10.0, 20.0, 30.0, 40.0])]


def test_loading_the_same_files_again_adds_nothing_and_keeps_the_file(warehouse: Path) -> None:
    batch = [make_report(township("文昌镇"), 2023, section3(new_requests=3)),
             broken("empty.pdf", "error", "empty.pdf: the file is empty.")]
    first = load_batch(warehouse, batch, None)
    before, inode = counts(warehouse), warehouse.stat().st_ino
    second = load_batch(warehouse, batch, None)
    assert (len(first.loaded), len(first.quarantined), first.published) == (1, 1, True)
    assert (second.loaded, second.quarantined, len(second.skipped), second.published) == ([], [], 2, False)
    assert counts(warehouse) == before
    assert warehouse.stat().st_ino == inode  # nothing published: readers keep the very same file


def test_changed_file_from_same_source_replaces_report_and_keeps_history(warehouse: Path) -> None:
    agency = township("文昌镇")
    old = make_report(agency, 2023, section3(new_requests=3), source="site/report.pdf")
    new = make_report(agency, 2023, section3(new_requests=4), source="site/report.pdf", version=1)
    load_batch(warehouse, [old], None)
    summary = load_batch(warehouse, [new], None)
    old_id, new_id = old.sha256[:16], new.sha256[:16]
    assert summary.replaced == [(old_id, new_id)]
    assert one(warehouse, "SELECT report_id FROM reports") == [(new_id,)]
    assert one(warehouse, "SELECT value FROM cells WHERE row_key = 'new_requests'") == [(4,)]
    assert one(warehouse, "SELECT report_id, superseded_by FROM reports_history") == [(old_id, new_id)]
    assert one(warehouse, "SELECT value FROM cells_history") == [(3,)]
    assert one(warehouse, "SELECT report_id, is_current, superseded_by FROM documents ORDER BY loaded_at") == [
        (old_id, False, new_id), (new_id, True, None)]
    assert one(warehouse, "SELECT new_requests FROM agency_year") == [(4,)]


def test_new_file_for_same_agency_year_replaces_even_from_another_source(warehouse: Path) -> None:
    agency = township("滨河镇")
    load_batch(warehouse, [make_report(agency, 2022, section3(new_requests=1), source="a/2022.pdf"),
                           make_report(agency, 2023, section3(new_requests=2), source="a/2023.pdf")], None)
    summary = load_batch(warehouse, [make_report(agency, 2023, section3(new_requests=5), source="b/2023.html")], None)
    assert len(summary.replaced) == 1
    assert sorted(one(warehouse, "SELECT year, source FROM reports")) == [(2022, "a/2022.pdf"), (2023, "b/2023.html")]
    assert one(warehouse, "SELECT count(*) FROM agency_year_all") == [(2,)]


def test_replacement_within_one_batch_goes_straight_to_history(warehouse: Path) -> None:
    agency = township("东园镇")
    first = make_report(agency, 2023, section3(new_requests=1), source="x.pdf")
    second = make_report(agency, 2023, section3(new_requests=2), source="x.pdf", version=1)
    first.narrative.append(NarrativeFact("proactive_items_total", None, "条", "若干条", 1, (0, 3)))
    summary = load_batch(warehouse, [first, second], None)
    assert summary.loaded == [second.sha256[:16]]
    assert one(warehouse, "SELECT count(*) FROM reports_history") == [(1,)]
    assert one(warehouse, "SELECT count(*) FROM narrative_facts") == [(0,)]
    assert one(warehouse, "SELECT count(*) FROM documents WHERE is_current") == [(1,)]


def test_unreadable_and_unsupported_inputs_are_quarantined_with_their_reason(warehouse: Path) -> None:
    summary = load_batch(warehouse, [
        broken("enc.pdf", "error", "enc.pdf: the PDF is encrypted."),
        broken("scan.pdf", "unsupported", "scan.pdf: the tables are images and no OCR is available."),
        make_report(township("文昌镇"), 2023, section3(new_requests=1)),
    ], None)
    assert len(summary.quarantined) == 2
    assert sorted(one(warehouse, "SELECT source, status, reason FROM quarantine")) == [
        ("enc.pdf", "error", "enc.pdf: the PDF is encrypted."),
        ("scan.pdf", "unsupported", "scan.pdf: the tables are images and no OCR is available.")]
    assert one(warehouse, "SELECT count(*) FROM cells WHERE report_id IN (SELECT report_id FROM quarantine)") == [(0,)]
    assert one(warehouse, "SELECT count(*) FROM documents WHERE NOT is_current AND reason IS NOT NULL") == [(2,)]


def test_a_report_that_cannot_be_converted_is_quarantined_and_the_rest_load(warehouse: Path) -> None:
    bad = make_report(township("文昌镇"), 2023, section3(new_requests=1), source="bad.pdf")
    bad.narrative.append(NarrativeFact("staff_count", None, "名", "x", 1, None))  # type: ignore[arg-type]
    good = make_report(township("滨河镇"), 2023, section3(new_requests=1))
    summary = load_batch(warehouse, [bad, good], None)
    assert summary.loaded == [good.sha256[:16]]
    [(source, status, reason)] = one(warehouse, "SELECT source, status, reason FROM quarantine")
    assert (source, status) == ("bad.pdf", "error")
    assert reason.startswith("bad.pdf: could not be loaded into the warehouse")


def test_a_failing_batch_leaves_the_published_warehouse_untouched(warehouse: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    load_batch(warehouse, [make_report(township("文昌镇"), 2022, section3(new_requests=1))], None)
    before = counts(warehouse)

    def explode(*_: object, **__: object) -> list[str]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(loader, "refresh_agency_year", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        load_batch(warehouse, [make_report(township("文昌镇"), 2023, section3(new_requests=2))], None)
    assert counts(warehouse) == before
    assert [p.name for p in warehouse.parent.iterdir() if "writing" in p.name] == []


def test_check_results_frame_upserts_by_report_and_rule(warehouse: Path) -> None:
    report = make_report(township("文昌镇"), 2023, section3(new_requests=1))
    rid = report.sha256[:16]
    frame = pd.DataFrame([
        {"report_id": rid, "rule": "T3-1", "status": "pass", "severity": "error", "detail": "1 + 0 = 1 + 0",
         "cells": ["s3.new_requests.total"]},
        {"report_id": "0" * 16, "rule": "T3-1", "status": "fail", "severity": "error", "detail": "?", "cells": []},
    ])
    first = load_batch(warehouse, [report], frame)
    assert first.check_results_written == 1
    assert one(warehouse, "SELECT rule, status, cells FROM check_results") == [
        ("T3-1", "pass", ["s3.new_requests.total"])]
    assert load_batch(warehouse, [report], frame).published is False  # same results again: no change
    y1 = pd.DataFrame([{"report_id": rid, "rule": "Y-1", "status": "fail", "severity": "error",
                        "detail": "carried_over 0 ≠ 3", "cells": []}])
    load_batch(warehouse, [], y1)
    assert sorted(one(warehouse, "SELECT rule, status FROM check_results")) == [("T3-1", "pass"), ("Y-1", "fail")]
    # the mart refreshed, but Y-1 is a cross-report rule: it never makes a report invalid
    assert one(warehouse, "SELECT failed_rules, status FROM agency_year_all") == [(None, "ok")]
    t31 = frame.iloc[:1].assign(status="fail", detail="1 + 0 ≠ 0 + 0")
    load_batch(warehouse, [], t31)
    assert one(warehouse, "SELECT failed_rules FROM agency_year_all") == [("T3-1",)]


def test_document_versions_record_fetch_facts(warehouse: Path) -> None:
    report = make_report(township("文昌镇"), 2023, section3(new_requests=1), source="https://example.gov.cn/a.pdf")
    fetched = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    version = DocumentVersion(report.sha256, report.source, fetched, "9.9.9", "data/raw/ab/abcd.pdf", "application/pdf",
                              1234)
    load_batch(warehouse, [report], None, documents=[version])
    assert one(warehouse, "SELECT fetched_at, extractor_version, archive_path, size_bytes FROM documents") == [
        (fetched, "9.9.9", "data/raw/ab/abcd.pdf", 1234)]
    assert one(warehouse, "SELECT extractor_version FROM reports") == [("9.9.9",)]


def test_agencies_resolve_the_parent_chain_from_divisions(warehouse: Path) -> None:
    load_batch(warehouse, [make_report(township("宁安镇"), 2023, section3(new_requests=1))], None)
    assert one(warehouse, "SELECT province, province_code, city, city_code, county, county_code, township, "
                          "township_code FROM agencies") == [
        ("宁夏回族自治区", "640000", "中卫市", "640500", "中宁县", "640521", "宁安镇", "640521100")]


def test_the_fetch_log_is_appended_and_unknown_columns_rejected(warehouse: Path) -> None:
    rows = [{"url": "https://example.gov.cn/", "status": 200, "bytes": 10, "etag": '"x"'},
            {"url": "https://example.gov.cn/404", "status": 404, "error": "HTTP 404"}]
    assert load_batch(warehouse, [], fetches=rows).fetches_logged == 2
    assert sorted(one(warehouse, "SELECT url, status, error FROM fetches")) == [
        ("https://example.gov.cn/", 200, None), ("https://example.gov.cn/404", 404, "HTTP 404")]
    with pytest.raises(ValueError, match="colour"):
        load_batch(warehouse, [], fetches=[{"url": "u", "colour": "red"}])
    assert one(warehouse, "SELECT count(*) FROM fetches") == [(2,)]


def test_a_quarantined_file_that_now_extracts_is_loaded(warehouse: Path) -> None:
    good = make_report(township("文昌镇"), 2023, section3(new_requests=1), source="scan.pdf")
    earlier = Report(source="scan.pdf", sha256=good.sha256, status="unsupported", errors=["scan.pdf: no OCR."])
    load_batch(warehouse, [earlier], None)
    summary = load_batch(warehouse, [good], None)
    assert summary.loaded == [good.sha256[:16]]
    assert one(warehouse, "SELECT count(*) FROM quarantine") == [(0,)]
    assert one(warehouse, "SELECT status, is_current FROM documents") == [("ok", True)]
    assert load_batch(warehouse, [earlier], None).skipped == [good.sha256[:16]]


def test_known_files_are_every_version_seen(warehouse: Path) -> None:
    assert known_sha256(warehouse) == set()
    report = make_report(township("文昌镇"), 2023, section3(new_requests=1))
    load_batch(warehouse, [report], None, fetches=[
        {"url": "https://a.gov.cn/r.pdf", "status": 200, "etag": '"1"', "fetched_at": datetime(2026, 1, 1, tzinfo=UTC)},
        {"url": "https://a.gov.cn/r.pdf", "status": 200, "etag": '"2"', "last_modified": "Mon, 05 Jan 2026",
         "sha256": report.sha256, "fetched_at": datetime(2026, 1, 2, tzinfo=UTC)},
        {"url": "https://a.gov.cn/gone", "status": 404, "error": "HTTP 404"},
    ])
    assert known_sha256(warehouse) == {report.sha256}


def test_a_city_without_districts_resolves_to_one_agency_row(warehouse: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    divisions = tmp_path / "divisions"
    divisions.mkdir()
    csv_files = {
        "provinces": 'code,name\n44,"广东省"\n',
        "cities": 'code,name,provinceCode\n4419,"东莞市",44\n',
        "areas": 'code,name,cityCode,provinceCode\n441900,"东莞市",4419,44\n',
        "streets": 'code,name,areaCode,provinceCode,cityCode\n441900003,"东城街道",441900,44,4419\n',
    }
    for name, text in csv_files.items():
        (divisions / f"{name}.csv").write_text(text, encoding="utf-8")
    monkeypatch.setenv("XXGK_DIVISIONS", str(divisions))
    town = Agency(name="东莞市东城街道", level="township", province="广东省", city="东莞市", code="441900003")
    city = Agency(name="东莞市", level="prefecture", province="广东省", city="东莞市", code="441900")
    load_batch(warehouse, [make_report(town, 2023, section3(new_requests=1)),
                           make_report(city, 2023, section3(new_requests=2))], None)
    assert sorted(one(warehouse, "SELECT name, city, county, township FROM agencies")) == [
        ("东莞市", "东莞市", None, None), ("东莞市东城街道", "东莞市", "东莞市", "东城街道")]


def test_a_report_read_by_ocr_is_marked_in_the_reports_table(warehouse: Path) -> None:
    scanned = make_report(township("文昌镇"), 2023, section3(new_requests=1), source="scan.pdf")
    scanned.ocr = True
    typed = make_report(township("文昌镇"), 2022, section3(new_requests=2), source="typed.pdf")
    load_batch(warehouse, [scanned, typed], None)
    assert one(warehouse, "SELECT source, ocr FROM reports ORDER BY source") == [("scan.pdf", True),
                                                                                 ("typed.pdf", False)]
