"""What a scanned page costs next to a text-layer page: seconds per page, side by side.

    .venv/bin/python bench/ocr.py [DPI]

Renders one synthetic report as a text-layer PDF and as a clean image-only scan (DPI, default
200), extracts both through `extract_bytes` in this process, and prints seconds per page: the
text-layer path, and the OCR path split into render, box detection, recognition and the rest
(layout, mapping). The models load once before timing, as they do in a long-lived worker.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from extractors.extract import extract_bytes
from extractors.ocr import engine, reader
from tests.fixtures.render_pdf import PdfLayout, render_pdf
from tests.fixtures.render_scan import ScanNoise, scan_pdf
from tests.fixtures.values import make_answer

SPENT: dict[str, float] = defaultdict(float)


class _TimedEngine:
    """The RapidOCR engine, recording its own detection and recognition seconds."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, image: np.ndarray, **kwargs: Any) -> Any:
        result = self.inner(image, **kwargs)
        detect, _, recognise = (*result.elapse_list, None, None, None)[:3]
        SPENT["detection"] += detect or 0.0
        SPENT["recognition"] += recognise or 0.0
        return result


def _instrument() -> None:
    real_engine, real_render = engine._engine, reader._render

    def timed_engine(settings: engine.OcrSettings) -> Any:
        return _TimedEngine(real_engine(settings))

    def timed_render(data: bytes, index: int, dpi: int) -> np.ndarray:
        start = time.perf_counter()
        image = real_render(data, index, dpi)
        SPENT["render"] += time.perf_counter() - start
        SPENT["pages"] += 1
        return image

    engine._engine, reader._render = timed_engine, timed_render  # type: ignore[method-assign]


def main(dpi: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        text_pdf, scan = Path(tmp) / "text.pdf", Path(tmp) / "scan.pdf"
        render_pdf(make_answer(3), text_pdf, PdfLayout())
        scan_pdf(text_pdf, scan, ScanNoise(name=f"clean-{dpi}dpi", dpi=dpi))
        text_bytes, scan_bytes = text_pdf.read_bytes(), scan.read_bytes()
    engine.recognise(np.full((64, 256, 3), 255, dtype=np.uint8), engine.OcrSettings())  # load the models
    _instrument()
    start = time.perf_counter()
    text_report = extract_bytes(text_bytes, "text.pdf")
    text_seconds = time.perf_counter() - start
    start = time.perf_counter()
    scan_report = extract_bytes(scan_bytes, "scan.pdf")
    scan_seconds = time.perf_counter() - start
    pages = SPENT["pages"] or 1
    text_pages = len({c.provenance.page for c in text_report.cells.values() if c.provenance and c.provenance.page})
    rest = scan_seconds - SPENT["render"] - SPENT["detection"] - SPENT["recognition"]
    print(f"{'path':<28}{'s/page':>8}")
    print(f"{'text layer (' + text_report.extractor + ')':<28}{text_seconds / max(text_pages, 1):>8.2f}")
    print(f"{'OCR (' + scan_report.extractor + ')':<28}{scan_seconds / pages:>8.2f}   {int(pages)} page(s) OCR'd")
    for part in ("render", "detection", "recognition"):
        print(f"{'  ' + part:<28}{SPENT[part] / pages:>8.2f}")
    print(f"{'  layout, mapping, rest':<28}{rest / pages:>8.2f}")
    print(f"ratio OCR / text layer per page: {scan_seconds / pages / (text_seconds / max(text_pages, 1)):.0f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
