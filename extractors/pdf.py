"""PDF reader: a text-layer PDF's bytes → a Document (body paragraphs and table grids, in reading order).

pypdfium2 opens the file first because it is fast and precise about why a file cannot be read
(corrupt, password) and which pages carry no text (scans). pdfplumber then parses each page with
text exactly once, finds ruled tables on it, rebuilds tables printed without lines, and groups the
remaining lines into paragraphs; each page is closed as soon as it is read.
"""

from __future__ import annotations

import io
import statistics
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pdfplumber
import pypdfium2
from pdfplumber.page import Page

from extractors.document import Block, Document, Provenance, TextBlock, UnreadableDocument, UnsupportedDocument
from extractors.ocr.text_layer import usable_text_layer
from extractors.pdf_borderless import Line, Word, build_lines, find_borderless_tables
from extractors.pdf_ruled import find_ruled_tables, ruled_grid
from extractors.pdf_text import Paragraph, TextLine, group_paragraphs, rounded_bbox

_PDFIUM_LOCK = threading.Lock()

_PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class PdfSettings:
    """Limits and layout tolerances of the PDF reader; validated so a typo fails loudly."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 300
    borderless_tables: bool = True
    # Words further apart than this many font sizes sit in different table columns.
    column_gap_ratio: float = 0.9
    # pdfplumber's word splitting tolerances, in points.
    word_x_tolerance: float = 3.0
    word_y_tolerance: float = 3.0
    ocr: bool = True  # read pages without a usable text layer from their image

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_pages <= 0:
            raise ValueError(f"PdfSettings: max_bytes and max_pages must be positive, "
                             f"got {self.max_bytes}, {self.max_pages}")
        if not 0.2 <= self.column_gap_ratio <= 5:
            raise ValueError(f"PdfSettings: column_gap_ratio must be within 0.2–5 font sizes, "
                             f"got {self.column_gap_ratio}")
        if self.word_x_tolerance < 0 or self.word_y_tolerance < 0:
            raise ValueError("PdfSettings: word tolerances cannot be negative")


def read_pdf(data: bytes, source: str, settings: PdfSettings | None = None) -> Document:
    """Read a PDF into blocks; raise UnreadableDocument / UnsupportedDocument with a one-sentence reason."""
    settings = settings or PdfSettings()
    text_pages = _pages_with_text(data, source, settings)
    ocr_blocks = _ocr_pages(data, source, text_pages, settings)
    document = Document(source=source, format="pdf", page_count=len(text_pages),
                        pages_without_text=text_pages.count(False) - len(ocr_blocks), ocr_pages=len(ocr_blocks))
    if not any(text_pages) and not any(ocr_blocks.values()):
        raise UnsupportedDocument(f"{source}: pages have no usable text layer and OCR read no text from their images")
    with _parsed(source, "open"):
        pdf = pdfplumber.open(io.BytesIO(data))
    with pdf:
        for page, has_text in zip(pdf.pages, text_pages, strict=True):
            if has_text:
                with _parsed(source, f"page {page.page_number}"):
                    page.objects  # noqa: B018 - parse the page once, here, where parse errors are caught
                document.blocks.extend(_read_page(page, source, settings))
            document.blocks.extend(ocr_blocks.get(page.page_number - 1, []))
            page.close()
    return document


@contextmanager
def _parsed(source: str, what: str) -> Iterator[None]:
    """Turn pdfminer's many exception types on malformed objects into one UnreadableDocument."""
    try:
        yield
    except Exception as exc:
        raise UnreadableDocument(f"{source}: the PDF is damaged at {what} ({type(exc).__name__}: {exc})") from exc


def _ocr_pages(data: bytes, source: str, text_pages: list[bool], settings: PdfSettings) -> dict[int, list[Block]]:
    """Pages without a usable text layer, read from their images (extractors/ocr)."""
    if not settings.ocr or all(text_pages):
        return {}
    from extractors.ocr.reader import read_pages

    return read_pages(data, source, [i for i, has_text in enumerate(text_pages) if not has_text])


def _pages_with_text(data: bytes, source: str, settings: PdfSettings) -> list[bool]:
    """Which pages carry a text layer; also the gate for empty, oversized, corrupt and locked files."""
    with _PDFIUM_LOCK:  # PDFium is not thread-safe: concurrent calls from task threads segfault
        return _pages_with_text_unlocked(data, source, settings)


def _pages_with_text_unlocked(data: bytes, source: str, settings: PdfSettings) -> list[bool]:
    if not data:
        raise UnreadableDocument(f"{source}: the file is empty")
    if len(data) > settings.max_bytes:
        raise UnreadableDocument(f"{source}: the file is {len(data)} bytes, over the {settings.max_bytes}-byte limit")
    if _PDF_MAGIC not in data[:1024]:
        raise UnreadableDocument(f"{source}: not a PDF (no %PDF- header)")
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableDocument(f"{source}: the PDF is encrypted and needs a password") from exc
        raise UnreadableDocument(f"{source}: the PDF is corrupt ({exc})") from exc
    try:
        if len(pdf) == 0:
            raise UnreadableDocument(f"{source}: the PDF has no pages")
        if len(pdf) > settings.max_pages:
            raise UnreadableDocument(f"{source}: {len(pdf)} pages, over the {settings.max_pages}-page limit")
        return [_page_has_text(pdf, index) for index in range(len(pdf))]
    finally:
        pdf.close()


def _page_has_text(pdf: pypdfium2.PdfDocument, index: int) -> bool:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return usable_text_layer(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()


def _read_page(page: Page, source: str, settings: PdfSettings) -> list[Block]:
    """One page's grids and paragraphs, ordered top to bottom."""
    placed: list[tuple[float, Block]] = []
    tables = find_ruled_tables(page)
    for table in tables:
        placed.append((table.bbox[1], ruled_grid(page, table, source)))
    table_boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside_any(obj, table_boxes))
    lines = build_lines(_words(outside, settings), settings.column_gap_ratio)
    consumed: set[int] = set()
    if settings.borderless_tables and lines:
        text_width = max(line.x1 for line in lines) - min(line.x0 for line in lines)
        for found in find_borderless_tables(lines, source, page.page_number, text_width, settings.column_gap_ratio):
            bbox = found.grid.provenance.bbox
            placed.append((bbox[1] if bbox else 0.0, found.grid))
            consumed.update(found.line_indices)
    body = [_text_line(line) for index, line in enumerate(lines) if index not in consumed]
    for paragraph in _paragraphs(body, lines):
        provenance = Provenance(file=source, page=page.page_number, bbox=rounded_bbox(paragraph.bbox))
        placed.append((paragraph.bbox[1], TextBlock(paragraph.text, provenance)))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _inside_any(obj: dict[str, float], boxes: Iterable[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _words(page: Page, settings: PdfSettings) -> list[Word]:
    raw = page.extract_words(x_tolerance=settings.word_x_tolerance, y_tolerance=settings.word_y_tolerance,
                             extra_attrs=["size"])
    return [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], float(w["size"])) for w in raw]


def _text_line(line: Line) -> TextLine:
    text = " ".join(segment.text for segment in line.segments)
    return TextLine(text, line.x0, line.top, line.x1, line.bottom)


def _paragraphs(body: list[TextLine], lines: list[Line]) -> list[Paragraph]:
    """Body lines as paragraphs, with indents and gaps measured in the page's typical font size."""
    size = statistics.median(line.size for line in lines) if lines else 10.0
    return group_paragraphs(body, indent=1.5 * size, line_gap=1.2 * size)
