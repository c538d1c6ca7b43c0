"""Scanned reports through the real CLI: a clean scan reads right and is `ok`; a rough scan is
either read right or `invalid` — never `ok` with a wrong value. One `xxgk extract` run reads
every scan (the OCR models load once per worker); the files are generated into tmp, including
an office scan of a real published report (the corpus), checked against its answer key."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import registerFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from expectations.rules.catalogue import RULES_BY_ID
from expectations.rules.cell_kinds import OcrCertaintyRule
from expectations.validate import evaluate_report
from extractors.document import Provenance
from tests.fixtures.render_pdf import PdfLayout, font_path, render_pdf
from tests.fixtures.render_scan import ScanNoise, scan_pdf
from tests.fixtures.reports import report_from_answer
from tests.fixtures.values import make_answer, with_cell

SEED = 3  # a township report whose tables span two pages
SCANS = {
    "clean-200dpi": ScanNoise(),
    "clean-150dpi": ScanNoise(name="clean-150dpi", dpi=150),
    "rough-150dpi": ScanNoise(name="rough-150dpi", dpi=150, skew_degrees=1.5, blur_radius=0.8, jpeg_quality=40,
                              paper_grey=225, stamp=True, seed=1),
}


LYING = "lying-text-layer"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
# A real report's layout (KaiTi labels wrapped over three lines, 2× leading, 15-column 四) as an
# office scanner leaves it: 200 dpi, slightly turned, soft, JPEG, grey paper, a seal on a table.
REAL_REPORT = CORPUS / "real" / "js-huaian-shizhengfu-2024.pdf"
REAL_SCAN = ScanNoise(name="real-report-office-scan", dpi=200, skew_degrees=0.7, blur_radius=0.5, jpeg_quality=60,
                      paper_grey=235, stamp=True, seed=2)


def lying_text_layer_pdf(source: Path, target: Path) -> None:
    """Each page as a 200 dpi image under an invisible text layer of private-use code points the font
    has no glyph for (it reads back as control characters, as broken CID fonts do): only OCR can read it."""
    pdf = pypdfium2.PdfDocument(str(source))
    registerFont(TTFont("ScanFont", str(font_path())))
    out = canvas.Canvas(str(target))
    try:
        for index in range(len(pdf)):
            width, height = pdf[index].get_size()
            image = pdf[index].render(scale=200 / 72, rev_byteorder=True).to_pil().convert("RGB")
            out.setPageSize((width, height))
            out.drawImage(ImageReader(image), 0, 0, width, height)
            text = out.beginText(40, height - 60)
            text.setTextRenderMode(3)  # invisible, as OCR'd and broken-font text layers are
            text.setFont("ScanFont", 10)
            for line in range(40):
                text.textLine("".join(chr(0xE000 + (line * 7 + k) % 400) for k in range(30)))
            out.drawText(text)
            out.showPage()
    finally:
        pdf.close()
    out.save()


@pytest.fixture(scope="module")
def answer() -> dict[str, Any]:
    return make_answer(SEED)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory, answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("scans")
    text_pdf = folder / "text-layer.pdf"
    render_pdf(answer, text_pdf, PdfLayout())
    for name, noise in SCANS.items():
        scan_pdf(text_pdf, folder / f"{name}.pdf", noise)
    lying_text_layer_pdf(text_pdf, folder / f"{LYING}.pdf")
    scan_pdf(REAL_REPORT, folder / f"{REAL_SCAN.name}.pdf", REAL_SCAN)
    xxgk = Path(sys.executable).with_name("xxgk")
    files = [str(folder / f"{n}.pdf") for n in (REAL_SCAN.name, *SCANS, LYING)]  # the longest first
    run = subprocess.run([str(xxgk), "extract", "--json", "--workers", "2", *files],
                         capture_output=True, text=True, timeout=600, check=True)
    reports = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    return {Path(r["source"]).stem: r for r in reports}


def wrong_cells(report: dict[str, Any], answer: dict[str, Any]) -> list[str]:
    return [f"{section}.{row}.{col}: {value} read as {(report[section] or {}).get(row, {}).get(col)}"
            for section in ("section2", "section3", "section4")
            for row, cols in answer[section].items() for col, value in cols.items()
            if (report[section] or {}).get(row, {}).get(col) != value]


@pytest.mark.parametrize("name", ["clean-200dpi", "clean-150dpi"])
def test_a_clean_scan_reads_every_cell_and_is_ok(extracted: dict[str, dict[str, Any]], answer: dict[str, Any],
                                                 name: str) -> None:
    report = extracted[name]
    assert report["ocr"] is True and report["extractor"].endswith("+ocr")
    assert wrong_cells(report, answer) == []
    assert report["status"] == "ok", [c for c in report["checks"] if c["status"] == "fail"]


@pytest.mark.parametrize("name", list(SCANS))
def test_a_scan_is_never_ok_with_a_wrong_value(extracted: dict[str, dict[str, Any]], answer: dict[str, Any],
                                               name: str) -> None:
    assert_right_or_invalid_naming_cells(extracted[name], answer)


def test_a_scanned_real_report_is_right_or_invalid_naming_the_suspect_cells(
        extracted: dict[str, dict[str, Any]]) -> None:
    report = extracted[REAL_SCAN.name]
    key = json.loads(REAL_REPORT.with_name(f"{REAL_REPORT.stem}.answer.json").read_text(encoding="utf-8"))
    assert report["ocr"] is True and report["agency"]["name"] == key["agency"]["name"]
    assert_right_or_invalid_naming_cells(report, key)


def assert_right_or_invalid_naming_cells(report: dict[str, Any], answer: dict[str, Any]) -> None:
    wrong = wrong_cells(report, answer)
    if wrong:
        assert report["status"] == "invalid", wrong
        failing = [c for c in report["checks"] if c["status"] == "fail" and c["severity"] == "error"]
        assert failing and all(c["cells"] or c["rule"] == "D-2" for c in failing), failing


def test_a_lying_text_layer_is_read_by_ocr(extracted: dict[str, dict[str, Any]], answer: dict[str, Any]) -> None:
    report = extracted[LYING]
    assert report["ocr"] is True and report["extractor"].endswith("+ocr")
    assert wrong_cells(report, answer) == [] or report["status"] == "invalid"
    assert report["section3"]["new_requests"]["total"] == answer["section3"]["new_requests"]["total"]


def test_ocr1_names_a_doubtful_reading_no_sum_confirms() -> None:
    rule = RULES_BY_ID["OCR-1"]
    assert isinstance(rule, OcrCertaintyRule)
    fee = "s2_admin_fees_amount_wan_yuan"
    record: dict[str, Any] = {"doc_ocr_readings": f"{fee}=0.41,s3_new_requests__total=0.99"}
    result = rule.evaluate(record)
    assert (result.status, result.severity, result.cells) == ("fail", "error", [fee])
    assert "confidence 0.41" in result.detail


def test_ocr1_passes_a_report_read_from_its_text_layer() -> None:
    assert RULES_BY_ID["OCR-1"].evaluate({"doc_ocr_readings": ""}).status == "pass"


_OFFLINE = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network blocked by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
import numpy as np
from extractors.ocr.engine import OcrSettings, recognise
print(len(recognise(np.full((64, 256, 3), 255, dtype=np.uint8), OcrSettings())))
"""


def test_rapidocr_loads_its_models_from_the_wheel_with_the_network_blocked() -> None:
    run = subprocess.run([sys.executable, "-c", _OFFLINE], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "0"


def test_ocr1_names_the_misread_cell_t3_7_localises() -> None:
    answer = make_answer(SEED)
    printed = answer["section3"]["granted"]["natural_person"]
    report = report_from_answer(with_cell(answer, 3, "granted", "natural_person", printed + 3), "scan.pdf")
    for key, cell in report.cells.items():
        report.cells[key] = replace(cell, flags=cell.flags | {"ocr"},
                                    provenance=Provenance("scan.pdf", page=1, ocr_confidence=0.99))
    ocr1 = next(c for c in evaluate_report(report) if c.rule == "OCR-1")
    assert ocr1.status == "fail" and ocr1.cells == ["s3_granted__natural_person"]
    assert f"printed {printed + 3}, {printed} would satisfy" in ocr1.detail
    assert report.value(3, "granted", "natural_person") == printed + 3  # named, never corrected
