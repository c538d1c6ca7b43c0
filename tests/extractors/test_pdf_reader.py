"""The PDF reader at grid level: faithful grids from generated reports, honest errors on bad files."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from extractors.document import Document, UnreadableDocument, UnsupportedDocument
from extractors.numbers import parse_cell
from extractors.pdf import PdfSettings, read_pdf
from extractors.pdf_text import join_wrapped
from extractors.template import SECTION3_ROWS, SECTION_HEADINGS
from tests.fixtures.bad_inputs import encrypted_pdf
from tests.fixtures.render_pdf import PdfLayout, render_pdf
from tests.fixtures.values import make_answer

LAYOUTS = {
    "ruled": PdfLayout(),
    "borderless": PdfLayout(name="borderless", ruled=False),
    "split": PdfLayout(name="split", split_section3=True),
    "wrapped-letter-spaced": PdfLayout(name="wrapped", wrap_labels=True, letter_spaced_title=True),
}


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("pdf-reader")
    answer = make_answer(3)
    out: dict[str, bytes] = {}
    for name, layout in LAYOUTS.items():
        path = folder / f"{name}.pdf"
        render_pdf(answer, path, layout)
        out[name] = path.read_bytes()
    return out


def _read(rendered: dict[str, bytes], name: str) -> Document:
    return read_pdf(rendered[name], f"{name}.pdf")


def _section3_rows(doc: Document) -> list[list[str]]:
    """Rows of every grid that carries a section 三 row label (split chunks included)."""
    return [row for grid in doc.grids for row in grid.texts()
            if any(anchor in "".join(row) for spec in SECTION3_ROWS for anchor in spec.anchors)]


@pytest.mark.parametrize("name", LAYOUTS)
def test_section3_row_labels_come_in_form_order(rendered: dict[str, bytes], name: str) -> None:
    rows = _section3_rows(_read(rendered, name))
    labels = ["".join(row) for row in rows]
    position = 0
    for spec in SECTION3_ROWS:
        found = next(i for i in range(position, len(labels)) if spec.label in labels[i])
        position = found + 1


@pytest.mark.parametrize("name", LAYOUTS)
def test_section3_rows_hold_seven_numbers_each(rendered: dict[str, bytes], name: str) -> None:
    answer = make_answer(3)
    rows = _section3_rows(_read(rendered, name))
    by_label = {spec.key: row for spec in SECTION3_ROWS for row in rows if spec.label in "".join(row)}
    assert len(by_label) == len(SECTION3_ROWS)
    for key, row in by_label.items():
        numbers = [int(parse_cell(text).value or 0) for text in row if parse_cell(text).is_number]
        assert numbers == list(answer["section3"][key].values()), key


def test_split_table_comes_as_two_grids_on_two_pages(rendered: dict[str, bytes]) -> None:
    doc = _read(rendered, "split")
    section3 = [g for g in doc.grids if any("自然人" in "".join(r) or "不掌握" in "".join(r) for r in g.texts())]
    assert len({g.provenance.page for g in section3}) == 2
    assert all(any("自然人" in "".join(row) for row in g.texts()) for g in section3), "header repeated on each page"


@pytest.mark.parametrize("name", ["ruled", "borderless"])
def test_cell_bbox_points_at_the_printed_value(rendered: dict[str, bytes], name: str) -> None:
    doc = _read(rendered, name)
    numeric = [cell for grid in doc.grids for row in grid.rows for cell in row if parse_cell(cell.text).is_number]
    assert len(numeric) > 150
    with pdfplumber.open(io.BytesIO(rendered[name])) as pdf:
        for cell in numeric:
            page = pdf.pages[(cell.provenance.page or 0) - 1]
            assert cell.provenance.bbox is not None
            x0, top, x1, bottom = cell.provenance.bbox
            crop = page.within_bbox((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5))
            assert join_wrapped(crop.extract_text()) == cell.text


@pytest.mark.parametrize("name", LAYOUTS)
def test_headings_and_title_are_text_blocks(rendered: dict[str, bytes], name: str) -> None:
    doc = _read(rendered, name)
    answer = make_answer(3)
    lines = doc.text.split("\n")
    assert answer["agency"]["name"] in "".join(lines[:2]).replace(" ", "")
    for section in (2, 3, 4, 5, 6):
        assert any(SECTION_HEADINGS[section][0] in line for line in lines), section
    assert answer["contact"] in doc.text


def test_wrapped_number_and_spaced_cjk_are_joined() -> None:
    assert join_wrapped("23,006.1\n7") == "23,006.17"
    assert join_wrapped("结 果\n维持") == "结果维持"
    assert join_wrapped("三\n、\n本\n年") == "三、本年"
    assert join_wrapped("Word\nexport") == "Word export"


def _scanned_pdf() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawImage(ImageReader(Image.new("RGB", (200, 100), "white")), 50, 600, 200, 100)
    page.showPage()
    page.save()
    return buffer.getvalue()




@pytest.mark.parametrize(("data", "error", "reason"), [
    (b"", UnreadableDocument, "empty"),
    (b"<html><body>not found</body></html>", UnreadableDocument, "not a PDF"),
    (b"%PDF-1.7\n1 0 obj <<>> garbage", UnreadableDocument, "corrupt"),
    (encrypted_pdf(), UnreadableDocument, "password"),
    (_scanned_pdf(), UnsupportedDocument, "OCR read no text"),
], ids=["empty", "html", "corrupt", "encrypted", "scanned"])
def test_bad_input_raises_one_sentence_reason(data: bytes, error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason) as raised:
        read_pdf(data, "bad.pdf")
    assert str(raised.value).startswith("bad.pdf: ")


def test_truncated_report_is_unreadable(rendered: dict[str, bytes]) -> None:
    data = rendered["ruled"]
    with pytest.raises(UnreadableDocument, match=r"truncated\.pdf"):
        read_pdf(data[: len(data) // 3], "truncated.pdf")


def test_limits_come_from_settings(rendered: dict[str, bytes]) -> None:
    with pytest.raises(UnreadableDocument, match="page limit"):
        read_pdf(rendered["ruled"], "big.pdf", PdfSettings(max_pages=1))
    with pytest.raises(UnreadableDocument, match="byte limit"):
        read_pdf(rendered["ruled"], "big.pdf", PdfSettings(max_bytes=1000))
    with pytest.raises(ValueError, match="column_gap_ratio"):
        PdfSettings(column_gap_ratio=0)

