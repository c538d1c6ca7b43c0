"""PDF reader: a text-layer PDF's bytes → a Document (body paragraphs and table grids, in reading order).

pypdfium2 opens the file first because it is fast and precise about why a file cannot be read
(corrupt, password) and which pages carry no text (scans). Each page with text is then parsed
exactly once — by PDFium (the fast path, extractors/pdfium_page.py) or by pdfminer through
pdfplumber (the reference path) — into the same char/line/rect objects; ruled tables are found on
it, tables printed without lines rebuilt, and the remaining lines grouped into paragraphs; each
page is closed as soon as it is read.
"""

from __future__ import annotations

import io
import statistics
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pdfplumber
import pypdfium2
from pdfplumber.page import Page

from extractors.document import Block, Document, Provenance, TextBlock, UnreadableDocument, UnsupportedDocument
from extractors.extract import ExtractSettings
from extractors.ocr.text_layer import usable_text_layer
from extractors.pdf_borderless import Line, build_lines, find_borderless_tables
from extractors.pdf_bounds import count_shapes, page_over_content_limit
from extractors.pdf_ruled import find_ruled_tables, ruled_grid
from extractors.pdf_text import Paragraph, TextLine, group_paragraphs, rounded_bbox
from extractors.pdf_words import page_words
from extractors.pdfium_page import PdfiumPage, TooManyShapes, UntrustedPage, parse_page

# One lock per process: threads take turns in PDFium, processes (the extraction pool) do not.
_PDFIUM_LOCK = threading.Lock()
# Words split where the font size changes; pdfminer's sizes carry float noise (15.949999999999989
# beside 15.950000000000045 in one line) that would split words at random, so sizes are compared
# rounded. Both parses round alike, so they split words alike.
SIZE_DIGITS = 3
FAST = "pdfium"
REFERENCE = "pdfplumber"

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
    # "pdfium": the fast path, falling back to the reference where a page cannot be trusted;
    # "pdfplumber": the reference path only (pdfminer parses every page).
    reader: str = "pdfium"
    ocr: bool = True  # read pages without a usable text layer from their image

    def __post_init__(self) -> None:
        if self.reader not in (FAST, REFERENCE):
            raise ValueError(f"PdfSettings: reader must be {FAST!r} or {REFERENCE!r}, got {self.reader!r}")
        if self.max_bytes <= 0 or self.max_pages <= 0:
            raise ValueError(f"PdfSettings: max_bytes and max_pages must be positive, "
                             f"got {self.max_bytes}, {self.max_pages}")
        if not 0.2 <= self.column_gap_ratio <= 5:
            raise ValueError(f"PdfSettings: column_gap_ratio must be within 0.2–5 font sizes, "
                             f"got {self.column_gap_ratio}")
        if self.word_x_tolerance < 0 or self.word_y_tolerance < 0:
            raise ValueError("PdfSettings: word tolerances cannot be negative")


def read_pdf(data: bytes, source: str, settings: PdfSettings | None = None,
             limits: ExtractSettings | None = None) -> Document:
    """Read a PDF into blocks; raise UnreadableDocument / UnsupportedDocument with a one-sentence reason.

    The fast path (PDFium) reads it unless a page cannot be trusted to parse as pdfminer would;
    then the whole document is read on the reference path (pdfplumber). `Document.extractor` says which.
    """
    settings = settings or PdfSettings()
    limits = limits or ExtractSettings()
    with _PDFIUM_LOCK:  # PDFium is not thread-safe: concurrent calls from task threads segfault
        pdf = _open(data, source, settings, limits)
    try:
        survey = _survey(pdf, source, limits.max_page_shapes, settings)
    finally:
        with _PDFIUM_LOCK:
            pdf.close()
    text_pages = survey.text_pages
    ocr_blocks = _ocr_pages(data, source, text_pages, settings)
    if not any(text_pages) and not any(ocr_blocks.values()):
        raise UnsupportedDocument(f"{source}: pages have no usable text layer and OCR read no text from "
                                  "their images")
    document = Document(source=source, format="pdf", page_count=len(text_pages),
                        pages_without_text=text_pages.count(False) - len(ocr_blocks), ocr_pages=len(ocr_blocks),
                        ocr_page_numbers=frozenset(i + 1 for i in ocr_blocks))
    if survey.fast:
        document.extractor = _with_ocr(FAST, ocr_blocks)
        for index in range(len(text_pages)):
            document.blocks.extend(survey.fast_blocks.get(index, ocr_blocks.get(index, [])))
        return document
    document.fallback = survey.untrusted
    return _read_reference(data, text_pages, ocr_blocks, document, settings)


@dataclass
class _Survey:
    """One pass over the pages: which carry a text layer, and on the fast path each such page's blocks."""

    fast: bool  # the fast path reads this file (asked for, and every page trusted)
    text_pages: list[bool] = field(default_factory=list)
    fast_blocks: dict[int, list[Block]] = field(default_factory=dict)
    untrusted: str = ""  # why the fast path cannot be trusted on this file


def _survey(pdf: pypdfium2.PdfDocument, source: str, max_shapes: int, settings: PdfSettings) -> _Survey:
    """Open each page once: refuse a shape bomb, test its text layer, and (fast path) parse and read it.

    A page is parsed while PDFium has it open, so no page is loaded twice; the blocks are read
    outside PDFium's lock. Once a page cannot be trusted, the rest are only surveyed.
    """
    survey = _Survey(fast=settings.reader == FAST)
    doctop = 0.0
    for index in range(len(pdf)):
        with _PDFIUM_LOCK:
            parsed = _survey_page(pdf, index, source, max_shapes, survey, doctop)
            height = parsed.height if parsed is not None else pdf.get_page_size(index)[1]
        doctop += height
        if parsed is not None:
            survey.fast_blocks[index] = _read_page(parsed, source, settings)
            parsed.close()
    return survey


def _survey_page(pdf: pypdfium2.PdfDocument, index: int, source: str, max_shapes: int, survey: _Survey,
                 doctop: float) -> PdfiumPage | None:
    """Record whether page `index` has a usable text layer; its PDFium parse when the fast path reads it.

    A page that draws over `max_shapes` shapes is refused: the fast path's parse counts them
    before building anything, any other page is counted by `count_shapes`.
    """
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            has_text = usable_text_layer(textpage.get_text_range())
            survey.text_pages.append(has_text)
            parsed = _parse_trusted(page, textpage, index, survey, doctop, max_shapes) if has_text else None
            if parsed is None and count_shapes(page, max_shapes) > max_shapes:
                raise TooManyShapes
            return parsed
        finally:
            textpage.close()
    except TooManyShapes:
        raise UnreadableDocument(f"{source}: page {index + 1} draws over {max_shapes:,} shapes") from None
    finally:
        page.close()


def _parse_trusted(page: pypdfium2.PdfPage, textpage: pypdfium2.PdfTextPage, index: int, survey: _Survey,
                   doctop: float, max_shapes: int) -> PdfiumPage | None:
    """The page's PDFium parse while the fast path reads the file; None once a page cannot be trusted."""
    if not survey.fast:
        return None
    try:
        return parse_page(page, textpage, index + 1, doctop, max_shapes)
    except UntrustedPage as why:
        survey.fast, survey.untrusted = False, str(why)
        survey.fast_blocks.clear()
        return None


def _with_ocr(reader: str, ocr_blocks: dict[int, list[Block]]) -> str:
    """The extractor's name, marked when some pages were read from their images."""
    return f"{reader}+ocr" if ocr_blocks else reader


def _read_reference(data: bytes, text_pages: list[bool], ocr_blocks: dict[int, list[Block]], document: Document,
                    settings: PdfSettings) -> Document:
    """pdfplumber parses each page with text exactly once (pdfminer: slow, but the reference)."""
    document.extractor = _with_ocr(REFERENCE, ocr_blocks)
    read = dict(_reference_pages(data, document.source, {i + 1 for i, has_text in enumerate(text_pages) if has_text},
                                 settings))
    for index in range(len(text_pages)):
        document.blocks.extend(read.get(index + 1, ocr_blocks.get(index, [])))
    return document


def reread_pages(data: bytes, document: Document, pages: set[int], settings: PdfSettings | None = None) -> Document:
    """A fast-path `document` with `pages` (1-based) read again on the reference path, the others kept.

    Pages read from their images keep their blocks: the reference path reads them the same way.
    """
    again = {number for number in pages if number not in document.ocr_page_numbers}
    read = dict(_reference_pages(data, document.source, again, settings or PdfSettings()))
    blocks: list[Block] = []
    placed: set[int] = set()
    for block in document.blocks:
        number = block.provenance.page
        if number is None or number not in read:
            blocks.append(block)
        elif number not in placed:  # the page's blocks, read again, where its first block was
            blocks.extend(read[number])
            placed.add(number)
    return replace(document, blocks=blocks)


def _reference_pages(data: bytes, source: str, numbers: set[int], settings: PdfSettings
                     ) -> Iterator[tuple[int, list[Block]]]:
    """Each page of `numbers` (1-based) parsed once by pdfplumber and read, in page order.

    Every page is opened so that positions down the document (`doctop`) are those of a whole read.
    """
    with _parsed(source, "open"):
        plumber = pdfplumber.open(io.BytesIO(data))
    with plumber:
        for page in plumber.pages:
            if page.page_number in numbers:
                with _parsed(source, f"page {page.page_number}"):
                    page.objects  # noqa: B018 - parse the page once, here, where parse errors are caught
                yield page.page_number, _read_page(page, source, settings)
            page.close()


@contextmanager
def _parsed(source: str, what: str) -> Iterator[None]:
    """Turn pdfminer's many exception types on malformed objects into one UnreadableDocument.

    A MemoryError passes through: a file too big for the memory limit is not a damaged one."""
    try:
        yield
    except MemoryError:
        raise
    except Exception as exc:
        raise UnreadableDocument(f"{source}: the PDF is damaged at {what} ({type(exc).__name__}: {exc})") from exc


def _ocr_pages(data: bytes, source: str, text_pages: list[bool], settings: PdfSettings) -> dict[int, list[Block]]:
    """Pages without a usable text layer, read from their images (extractors/ocr)."""
    if not settings.ocr or all(text_pages):
        return {}
    from extractors.ocr.reader import read_pages

    return read_pages(data, source, [i for i, has_text in enumerate(text_pages) if not has_text])


def _open(data: bytes, source: str, settings: PdfSettings, limits: ExtractSettings) -> pypdfium2.PdfDocument:
    """The gate for empty, oversized, corrupt, locked and page-bombed files."""
    if not data:
        raise UnreadableDocument(f"{source}: the file is empty")
    if len(data) > settings.max_bytes:
        raise UnreadableDocument(f"{source}: the file is {len(data)} bytes, over the {settings.max_bytes}-byte limit")
    if _PDF_MAGIC not in data[:1024]:
        raise UnreadableDocument(f"{source}: not a PDF (no %PDF- header)")
    if (page := page_over_content_limit(data, limits.max_page_content_bytes)) is not None:
        raise UnreadableDocument(f"{source}: page {page} content expands past "
                                 f"{limits.max_page_content_bytes / 1e6:.0f} MB")
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableDocument(f"{source}: the PDF is encrypted and needs a password") from exc
        raise UnreadableDocument(f"{source}: the PDF is corrupt ({exc})") from exc
    if len(pdf) == 0 or len(pdf) > settings.max_pages:
        pages = len(pdf)
        pdf.close()
        if pages == 0:
            raise UnreadableDocument(f"{source}: the PDF has no pages")
        raise UnreadableDocument(f"{source}: {pages} pages, over the {settings.max_pages}-page limit")
    return pdf


def _read_page(page: Page, source: str, settings: PdfSettings) -> list[Block]:
    """One page's grids and paragraphs, ordered top to bottom."""
    placed: list[tuple[float, Block]] = []
    for char in page.chars:
        char["size"] = round(char["size"], SIZE_DIGITS)
    tables = find_ruled_tables(page)
    for table in tables:
        placed.append((table.bbox[1], ruled_grid(page, table, source)))
    table_boxes = [t.bbox for t in tables]
    outside = _outside(page.chars, table_boxes)
    lines = build_lines(page_words(outside, settings.word_x_tolerance, settings.word_y_tolerance),
                        settings.column_gap_ratio)
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


def _outside(chars: list[dict[str, Any]], boxes: list[tuple[float, float, float, float]]) -> list[dict[str, Any]]:
    """The chars whose centre lies in none of the boxes (edges count as inside)."""
    if not boxes:
        return list(chars)
    kept = []
    for char in chars:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for x0, top, x1, bottom in boxes:
            if x0 <= x <= x1 and top <= y <= bottom:
                break
        else:
            kept.append(char)
    return kept


def _text_line(line: Line) -> TextLine:
    text = " ".join(segment.text for segment in line.segments)
    return TextLine(text, line.x0, line.top, line.x1, line.bottom)


def _paragraphs(body: list[TextLine], lines: list[Line]) -> list[Paragraph]:
    """Body lines as paragraphs, with indents and gaps measured in the page's typical font size."""
    size = statistics.median(line.size for line in lines) if lines else 10.0
    return group_paragraphs(body, indent=1.5 * size, line_gap=1.2 * size)
