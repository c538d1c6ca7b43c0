"""How many cells scans read right: the scans of tests/extractors/test_ocr_scans.py, cell by cell.

    .venv/bin/python bench/ocr_accuracy.py [--seeds 3 7 1] [--boxes-cache DIR]

Generates the synthetic report of each seed as clean 200 dpi, clean 150 dpi and rough 150 dpi
scans, and the real report of the corpus as a clean 200 dpi scan and as an office scan; extracts
each through `extract_bytes`, checks it with the rules, and prints per scan: cells right of the
answer key, status, the error rules that failed, and the wrong cells. The docs/ocr.md table is
measured with it. `--boxes-cache` keeps the recogniser's boxes per page image, so a change to
the layout code is measured again in seconds (the recogniser itself must not change).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from expectations.validate import check_report
from extractors.extract import extract_bytes
from extractors.ocr import engine, page
from tests.extractors.test_ocr_scans import REAL_REPORT, REAL_SCAN, SCANS, wrong_cells
from tests.fixtures.render_pdf import PdfLayout, render_pdf
from tests.fixtures.render_scan import ScanNoise, scan_pdf
from tests.fixtures.values import make_answer


def _cache_boxes(folder: Path) -> None:
    """Recognise each distinct page image once: its boxes are kept in `folder` by image hash."""
    folder.mkdir(parents=True, exist_ok=True)
    recognise = engine.recognise

    def cached(image: np.ndarray, settings: engine.OcrSettings) -> list[engine.OcrBox]:
        key = hashlib.sha256(image.tobytes() + repr(settings).encode()).hexdigest()
        path = folder / key
        if path.exists():
            boxes: list[engine.OcrBox] = pickle.loads(path.read_bytes())
            return boxes
        boxes = recognise(image, settings)
        path.write_bytes(pickle.dumps(boxes))
        return boxes

    page.recognise = cached  # type: ignore[assignment]


def _scans(seeds: list[int], folder: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    key = json.loads(REAL_REPORT.with_name(f"{REAL_REPORT.stem}.answer.json").read_text(encoding="utf-8"))
    real = [("real report, clean 200 dpi", ScanNoise(name="real-clean-200dpi")),
            ("real report, office scan", REAL_SCAN)]
    scans = []
    for label, noise in real:
        scan_pdf(REAL_REPORT, folder / f"{noise.name}.pdf", noise)
        scans.append((label, folder / f"{noise.name}.pdf", key))
    for seed in seeds:
        answer = make_answer(seed)
        text_pdf = folder / f"seed{seed}.pdf"
        render_pdf(answer, text_pdf, PdfLayout())
        for name, noise in SCANS.items():
            scan_pdf(text_pdf, folder / f"seed{seed}-{name}.pdf", noise)
            scans.append((f"seed {seed}, {name}", folder / f"seed{seed}-{name}.pdf", answer))
    return scans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[3], help="synthetic reports (default: 3)")
    parser.add_argument("--boxes-cache", type=Path, help="keep the recogniser's boxes here between runs")
    args = parser.parse_args()
    if args.boxes_cache:
        _cache_boxes(args.boxes_cache)
    with tempfile.TemporaryDirectory() as tmp:
        for label, pdf, answer in _scans(args.seeds, Path(tmp)):
            report = check_report(extract_bytes(pdf.read_bytes(), pdf.name)).to_json()
            wrong = wrong_cells(report, answer)
            total = sum(len(cols) for section in ("section2", "section3", "section4")
                        for cols in answer[section].values())
            failed = sorted({c["rule"] for c in report["checks"] if c["status"] == "fail" and c["severity"] == "error"})
            print(f"{label:<32} {total - len(wrong):>3}/{total}  {report['status']:<8} {', '.join(failed)}", flush=True)
            for cell in wrong:
                print(f"    {cell}")


if __name__ == "__main__":
    main()
