"""The fast PDF path (PDFium) gives the reference path's (pdfplumber's) answers on every PDF we have.

Every rendered fixture layout (both templates, two seeds), every committed PDF fixture, the
examples and every real PDF of ../shared/corpus are read twice — once per path — and must agree
on keys, values, raw texts, flags, statuses, checks, identity, narrative and body text, and on
each cell's page; boxes may differ by float rounding only. The fast path must really be taken:
a test that passed because PDFium fell back would prove nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors.extract import build_report
from extractors.pdf import FAST, REFERENCE, PdfSettings, read_pdf
from extractors.report import Report
from tests.extractors.test_pdf_fixtures import BLANK_ZEROS, LAYOUTS, SEEDS, TEMPLATES
from tests.fixtures.render_pdf import render_pdf
from tests.fixtures.values import make_answer

ROOT = Path(__file__).resolve().parents[2]
BBOX_TOLERANCE = 0.5  # points: PDFium keeps glyph widths in float32 and rounds some to whole units
RENDERED = [(layout, seed, template) for layout in [*LAYOUTS.values(), BLANK_ZEROS]
            for seed in SEEDS for template in TEMPLATES]
COMMITTED = sorted(p for p in [*(ROOT / "tests/fixtures/pdf").glob("*.pdf"), *(ROOT / "examples").glob("*.pdf")]
                   if p.with_suffix(".answer.json").exists())  # the reports (a truncated download is not one)


def read_both(path: Path) -> tuple[Report, Report]:
    data = path.read_bytes()
    reports = []
    for reader in (FAST, REFERENCE):
        document = read_pdf(data, path.name, PdfSettings(reader=reader))
        assert document.extractor == reader, document.fallback
        reports.append(build_report(document, Report(path.name, "0" * 64, format="pdf", extractor=reader)))
    return reports[0], reports[1]


def differences(fast: Report, reference: Report) -> list[str]:
    """Every way the two reports differ, as readable lines (empty when they agree)."""
    found: list[str] = []
    skip = {"cells", "extractor"}
    fast_json, reference_json = fast.to_json(with_provenance=True), reference.to_json(with_provenance=True)
    found += [f"{key}: {fast_json[key]!r} != {reference_json[key]!r}"
              for key in reference_json if key not in skip and fast_json.get(key) != reference_json[key]]
    if fast.text != reference.text:
        found.append("body text differs")
    fast_cells, reference_cells = _cells(fast_json), _cells(reference_json)
    if fast_cells.keys() != reference_cells.keys():
        found.append(f"cell keys differ: {sorted(fast_cells.keys() ^ reference_cells.keys())}")
    for key in fast_cells.keys() & reference_cells.keys():
        found += [f"{key}: {line}" for line in _cell_differences(fast_cells[key], reference_cells[key])]
    return found


def _cells(report_json: dict[str, Any]) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {(c["section"], c["row_key"], c["col_key"]): c for c in report_json["cells"]}


def _cell_differences(fast: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    found = [f"{field} {fast[field]!r} != {reference[field]!r}"
             for field in ("value", "raw", "flags") if fast[field] != reference[field]]
    fast_at, reference_at = fast["provenance"] or {}, reference["provenance"] or {}
    if fast_at.get("page") != reference_at.get("page"):
        found.append(f"page {fast_at.get('page')} != {reference_at.get('page')}")
    fast_box, reference_box = fast_at.get("bbox"), reference_at.get("bbox")
    if not _boxes_agree(fast_box, reference_box):
        found.append(f"bbox {fast_box} != {reference_box}")
    return found


def _boxes_agree(fast: list[float] | None, reference: list[float] | None) -> bool:
    if fast is None or reference is None:
        return fast is reference
    return max(abs(a - b) for a, b in zip(fast, reference, strict=True)) <= BBOX_TOLERANCE


@pytest.mark.parametrize(("layout", "seed", "template"), RENDERED,
                         ids=[f"{layout.name}-{template}-{seed}" for layout, seed, template in RENDERED])
def test_rendered_fixture_reads_the_same_on_both_paths(tmp_path: Path, layout: Any, seed: int, template: str) -> None:
    path = tmp_path / f"{layout.name}-{template}-{seed}.pdf"
    render_pdf(make_answer(seed, template), path, layout)
    fast, reference = read_both(path)
    assert reference.status in ("ok", "invalid")
    assert differences(fast, reference) == []


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.stem)
def test_committed_pdf_reads_the_same_on_both_paths(path: Path) -> None:
    fast, reference = read_both(path)
    assert differences(fast, reference) == []


def test_every_real_pdf_reads_the_same_on_both_paths(shared_corpus: Path) -> None:
    pdfs = sorted(shared_corpus.rglob("*.pdf"))
    assert pdfs, f"{shared_corpus} holds no PDF"
    for path in pdfs:
        fast, reference = read_both(path)
        assert reference.cells, f"{path.name}: the reference path found no table"
        assert differences(fast, reference) == [], path.name


def test_a_difference_is_reported() -> None:
    """The comparison itself can fail: a changed value and a moved box are both caught."""
    fast, reference = read_both(ROOT / "examples/binhe-2023.pdf")
    key = next(k for k, c in fast.cells.items() if c.value is not None and c.provenance and c.provenance.bbox)
    cell = fast.cells[key]
    assert cell.provenance is not None and cell.provenance.bbox is not None
    x0, top, x1, bottom = cell.provenance.bbox
    moved = type(cell.provenance)(file=cell.provenance.file, page=cell.provenance.page,
                                  bbox=(x0 + 2 * BBOX_TOLERANCE, top, x1, bottom))
    fast.cells[key] = type(cell)(cell.section, cell.row_key, cell.col_key, cell.value, cell.raw, moved, cell.flags)
    assert [line for line in differences(fast, reference) if "bbox" in line]
    fast.cells[key] = type(cell)(cell.section, cell.row_key, cell.col_key, (cell.value or 0) + 1, cell.raw,
                                 cell.provenance, cell.flags)
    assert [line for line in differences(fast, reference) if "value" in line]
