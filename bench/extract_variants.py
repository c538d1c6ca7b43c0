"""What each layout variant costs: median seconds per document through `extract_bytes`.

    .venv/bin/python bench/extract_variants.py [REPEATS]

Renders every PDF/HTML/DOCX layout of the end-to-end tests once, extracts it REPEATS times
(default 3) and prints the median, plus the real corpus PDFs when ../shared is present.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.extractors.test_html_and_docx_end_to_end import DOCX_LAYOUTS, HTML_LAYOUTS
from tests.extractors.test_pdf_fixtures import LAYOUTS as PDF_LAYOUTS
from tests.fixtures.checked import extract_bytes
from tests.fixtures.render_docx import render_docx
from tests.fixtures.render_html import render_html
from tests.fixtures.render_pdf import render_pdf
from tests.fixtures.values import make_answer

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def documents(folder: Path) -> dict[str, bytes]:
    """One rendered document per layout variant (plus the real PDFs), as bytes."""
    answer = make_answer(31, scale=200)
    docs: dict[str, bytes] = {}
    for name, pdf_layout in PDF_LAYOUTS.items():
        path = folder / f"{name}.pdf"
        render_pdf(answer, path, pdf_layout)
        docs[f"pdf {name}"] = path.read_bytes()
    for name, html_layout in HTML_LAYOUTS.items():
        docs[f"html {name}"] = render_html(answer, html_layout)
    for name, docx_layout in DOCX_LAYOUTS.items():
        path = folder / f"{name}.docx"
        render_docx(answer, path, docx_layout)
        docs[f"docx {name}"] = path.read_bytes()
    for path in sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []:
        docs[f"real {path.stem}"] = path.read_bytes()
    return docs


def main(repeats: int = 3) -> None:
    extract_bytes(b"<html><body><p>warm-up</p></body></html>", "warm.html")  # imports off the clock
    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(Path(tmp))
    print(f"{'variant':48s} {'median s/doc':>12s}  status")
    for name, data in docs.items():
        times, status = [], ""
        for _ in range(repeats):
            start = time.perf_counter()
            status = extract_bytes(data, name.split()[-1]).status
            times.append(time.perf_counter() - start)
        print(f"{name:48s} {statistics.median(times):12.3f}  {status}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
