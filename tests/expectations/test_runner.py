"""The GE batch path: one validation per batch, results identical to the pure rules, offline Data Docs."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from expectations.data_docs import build_data_docs, external_assets
from expectations.runner import batch_statuses, validate_batch
from expectations.validate import evaluate_report
from extractors.document import Provenance
from extractors.narrative import extract_narrative
from extractors.report import CHECK_RESULT_COLUMNS, Report, status_for
from tests.conftest import SHARED
from tests.fixtures.reports import report_from_answer
from tests.fixtures.values import make_answer, with_cell


def varied_reports(count: int) -> tuple[list[Report], dict[str, str]]:
    """Consistent, misprinted, 2019-format and half-missing reports, a few with their text."""
    rng = random.Random(4)
    reports = []
    for seed in range(count):
        answer = make_answer(seed, "2019" if seed % 4 == 0 else "2021")
        kind = seed % 6
        if kind == 1:
            section, row, col = rng.choice(
                [
                    (3, "granted", "natural_person"),
                    (3, "carried_forward", "total"),
                    (4, "admin_review", "total"),
                    (3, "other_misc", "total"),
                ]
            )
            value = answer[f"section{section}"][row][col]
            answer = with_cell(answer, section, row, col, None if value is None else value + rng.randint(1, 4))
        elif kind == 2:
            answer["section3"] = {r: dict.fromkeys(c) for r, c in answer["section3"].items()}
        elif kind == 3:
            answer = with_cell(answer, 3, "carried_over", "natural_person", None)
        elif kind == 4:
            answer = with_cell(answer, 2, "admin_licensing", "decisions", -1)
        report = report_from_answer(answer, f"r{seed}.pdf")
        if seed % 5 == 0:
            as_if_scanned(report, rng)
        reports.append(report)
    seed_text = (SHARED / "corpus" / "seed" / "wenchang-2023.md").read_text(encoding="utf-8")
    texts = {}
    for report in reports[::10]:
        report.narrative = extract_narrative(seed_text)
        texts[report.sha256] = seed_text
    return reports, texts


def as_if_scanned(report: Report, rng: random.Random) -> None:
    """Every cell read by OCR, a few of them with low confidence or no reading (OCR-1's input)."""
    report.ocr = True
    for key, cell in report.cells.items():
        confidence = rng.choice([0.99, 0.99, 0.99, 0.97, 0.5, None])
        report.cells[key] = replace(cell, flags=cell.flags | {"ocr"},
                                    provenance=Provenance(report.source, page=1, ocr_confidence=confidence))


@pytest.fixture(scope="module")
def batch() -> tuple[list[Report], dict[str, str], object]:
    reports, texts = varied_reports(120)
    return reports, texts, validate_batch(reports, texts)


def test_ge_results_equal_the_pure_rules(batch) -> None:
    reports, texts, results = batch
    assert list(results.columns) == list(CHECK_RESULT_COLUMNS)
    by_report = {rid: group for rid, group in results.groupby("report_id", sort=False)}
    assert len(by_report) == len(reports)
    for report in reports:
        pure = [
            (c.rule, c.status, c.severity, c.detail, c.cells) for c in evaluate_report(report, texts.get(report.sha256))
        ]
        ge = [
            (r.rule, r.status, r.severity, r.detail, list(r.cells)) for r in by_report[report.report_id].itertuples()
        ]
        assert ge == pure, report.source
    assert {"pass", "fail", "uncertain"} <= set(results["status"])
    assert {"pass", "fail"} <= set(results[results["rule"] == "OCR-1"]["status"])


def test_batch_statuses_follow_error_failures(batch) -> None:
    reports, texts, results = batch
    statuses = batch_statuses(results)
    assert statuses == {r.report_id: status_for(evaluate_report(r, texts.get(r.sha256))) for r in reports}
    assert set(statuses.values()) == {"ok", "invalid"}


def test_empty_batch_gives_empty_results() -> None:
    assert validate_batch([]).empty


def test_data_docs_build_and_work_offline(batch, tmp_path: Path) -> None:
    index = build_data_docs(tmp_path / "docs")
    assert index.exists()
    assert external_assets(tmp_path / "docs") == []
    pages = list((tmp_path / "docs").rglob("*.html"))
    assert any("validations" in str(p) for p in pages)
    suite_page = next(p for p in pages if p.parent.name == "expectations")
    assert "T3-1" in suite_page.read_text(encoding="utf-8")
    validation_page = next(p for p in pages if "validations" in str(p)).read_text(encoding="utf-8")
    assert "new_requests + carried_over = outcome_total + carried_forward" in validation_page
    assert "'equations'" not in validation_page  # the rule is shown as a statement, not its stored definition
    html = index.read_text(encoding="utf-8")
    assert 'href="static/xxgk/offline.css"' in html and 'src="static/xxgk/offline.js"' in html
    assert (tmp_path / "docs" / "static" / "xxgk" / "offline.js").read_text(encoding="utf-8").count("bootstrapTable")
