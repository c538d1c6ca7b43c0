"""A file's bytes → a Report: sniff the format, read, map, identify.

Pure: no Prefect, no DuckDB, no network, no validation (the rules run above this layer:
in `xxgk extract` through expectations/validate.py, in a flow run in one GE batch). Every
failure becomes a status and a one-sentence reason naming the file; nothing here lets a traceback escape to the caller.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

from extractors.document import Document, TextBlock, UnreadableDocument, UnsupportedDocument
from extractors.files import OUT_OF_MEMORY, name_note, size_problem, source_name, stand_in_identity, unreadable_reason
from extractors.mapping import heading_section, map_document
from extractors.report import CheckStatus, Report, ReportStatus
from extractors.sums import SECTION3_SUMS, SECTION4_SUMS, evaluate_equation
from extractors.template import flat_key
from extractors.version import EXTRACTOR_VERSION as EXTRACTOR_VERSION

REPORT_SUFFIXES = frozenset({".pdf", ".html", ".htm", ".shtml", ".docx", ".doc", ".wps", ".md", ".txt"})
_TITLE_LINES = 6


@dataclass(frozen=True)
class ExtractSettings:
    """Limits that keep one bad file (a bomb, a runaway table) from stalling or sinking a run.

    Each bound is checked before the memory it guards is allocated; crossing one makes the file an
    `error` report whose reason names the limit. docs/reliability.md explains each one.
    """

    max_bytes: int = 60 * 1024 * 1024  # file size
    max_inflated_bytes: int = 100_000_000  # a DOCX's zip members, unpacked
    max_page_content_bytes: int = 20_000_000  # one PDF page's content streams, unpacked
    max_page_shapes: int = 50_000  # lines, rectangles and curves drawn on one PDF page
    max_grid_cells: int = 200_000  # one table after row/colspan expansion
    max_table_rows: int = 5_000  # one table
    max_text_chars: int = 2_000_000  # body text outside tables (the narrative)

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"ExtractSettings.{name} must be a positive integer, got {value!r}")

    @classmethod
    def from_env(cls) -> ExtractSettings:
        """Defaults, each overridden by `XXGK_<FIELD>` (e.g. XXGK_MAX_GRID_CELLS=50000) when set."""
        overrides = {name: os.environ[f"XXGK_{name.upper()}"] for name in cls.__dataclass_fields__
                     if f"XXGK_{name.upper()}" in os.environ}
        try:
            return cls(**{name: int(value) for name, value in overrides.items()})
        except ValueError as exc:
            raise ValueError(f"extraction limits from the environment: {exc}") from exc


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extract_path(path: Path | str, settings: ExtractSettings | None = None) -> Report:
    """Extract one file on disk; an unreadable path becomes an `error` report, not an exception."""
    source = source_name(path)
    settings = settings or ExtractSettings.from_env()
    stat = None
    try:
        stat = os.stat(path)
        problem = size_problem(stat.st_size, settings.max_bytes)
        if problem is None:
            with open(path, "rb") as handle:  # a file growing since the stat is read no further than the limit
                data = handle.read(settings.max_bytes + 1)
            report = extract_bytes(data, source, settings=settings)
            report.errors = [error + name_note(path) for error in report.errors]
            return report
    except OSError as exc:
        problem = unreadable_reason(exc)
    stand_in = Report(source, stand_in_identity(path, stat))
    return _failed(stand_in, ReportStatus.ERROR, f"{source}: {problem}{name_note(path)}")


def extract_bytes(data: bytes, source: str, *, http_charset: str | None = None,
                  settings: ExtractSettings | None = None) -> Report:
    """Extract one document held in memory (a crawled page or attachment, or a file's bytes)."""
    settings = settings or ExtractSettings.from_env()
    source = source_name(source)  # a name no encoder accepts would sink validation and the load
    report = Report(source=source, sha256=sha256_hex(data))
    if not data:
        return _failed(report, ReportStatus.ERROR, f"{source}: the file is empty")
    if len(data) > settings.max_bytes:
        return _failed(report, ReportStatus.ERROR, f"{source}: {size_problem(len(data), settings.max_bytes)}")
    try:
        doc = read_document(data, source, http_charset, settings)
        if len(doc.text) > settings.max_text_chars:
            raise UnreadableDocument(f"{source}: narrative over {settings.max_text_chars:,} characters")
    except UnreadableDocument as exc:
        return _failed(report, ReportStatus.ERROR, str(exc))
    except UnsupportedDocument as exc:
        return _failed(report, ReportStatus.UNSUPPORTED, str(exc))
    except MemoryError:
        return _failed(report, ReportStatus.ERROR, f"{source}: {OUT_OF_MEMORY}")
    except Exception as exc:  # a reader bug must not stop the run; it is reported instead
        return _failed(report, ReportStatus.ERROR, f"{source}: the reader failed ({type(exc).__name__}: {exc})")
    report.format = doc.format
    report.extractor, report.extractor_fallback = doc.extractor or doc.format, doc.fallback
    report = build_report(doc, report)
    if report.extractor == "pdfium" and _doubtful(report):
        report = _reference_if_better(data, doc, report)
    return report


def _doubtful(report: Report) -> bool:
    """Signs that a reading went wrong, judged inside the extractor (validation comes later, once):
    no table read, a located printed cell that came out empty, or a sum of docs/format.md §5 that fails."""
    if report.status != ReportStatus.OK:
        return True
    if any(cell.flags & {"not_found", "unlocated"} for cell in report.cells.values()):
        return True
    return bool(_failed_sums(report))


def _failed_sums(report: Report) -> list[tuple[str, ...]]:
    """The operands (flat cell keys) of each sum of docs/format.md §5 that fails on this reading."""
    record = {flat_key(*key): cell.value for key, cell in report.cells.items()}
    failed = []
    for equation in (*SECTION3_SUMS, *SECTION4_SUMS):
        status, choice = evaluate_equation(equation, record)
        if status == CheckStatus.FAIL:
            failed.append(equation.keys(choice))
    return failed


def _reference_if_better(data: bytes, fast_doc: Document, fast: Report) -> Report:
    """A PDF whose fast-path reading looks doubtful, read again by pdfplumber; kept if that reading does not.

    The two paths give the same answers on every PDF we have (tests/extractors/
    test_fast_path_equivalence.py); this guards the files nobody has shown us, at the price of
    a second read for reports that fail anyway. Most such reports fail a sum as printed, in one
    table: when the doubt lies on cells with pages, those pages are read again first, the others
    kept from the fast reading (which the reference would read alike). If that reading is
    doubtful too, so would the whole file's be, and the fast reading is kept without it.
    """
    from extractors.pdf import REFERENCE, PdfSettings, read_pdf, reread_pages

    try:
        pages = _doubtful_pages(fast)
        if pages and _doubtful(build_report(reread_pages(data, fast_doc, pages), Report(fast.source, fast.sha256))):
            return fast
        doc = read_pdf(data, fast.source, PdfSettings(reader=REFERENCE))
    except (UnreadableDocument, UnsupportedDocument):
        return fast
    why = "the PDFium path's reading failed a sum or left printed cells empty; the reference path's did not"
    reference = build_report(doc, Report(fast.source, fast.sha256, format=doc.format, extractor=REFERENCE,
                                         extractor_fallback=why))
    return fast if _doubtful(reference) else reference


def _doubtful_pages(report: Report) -> set[int]:
    """The pages of the cells that make a reading doubtful (`_doubtful`); empty when some of them
    have no page (a table not read, a cell not found or not located, an operand missing)."""
    if report.status != ReportStatus.OK:
        return set()
    cells = {flat_key(*key): cell for key, cell in report.cells.items()}
    doubtful = [cell for cell in cells.values() if cell.flags & {"not_found", "unlocated"}]
    for keys in _failed_sums(report):
        if any(key not in cells for key in keys):
            return set()
        doubtful.extend(cells[key] for key in keys)
    pages = {cell.provenance.page if cell.provenance else None for cell in doubtful}
    return set() if None in pages else {page for page in pages if page is not None}


def build_report(doc: Document, report: Report) -> Report:
    """Map and identify a read document; its checks and final status come from validation."""
    from extractors.identity import identify
    from extractors.narrative import extract_narrative

    identity = identify(title_lines(doc), doc.text)
    report.agency, report.year, report.title = identity.agency, identity.year, identity.title
    map_document(doc, report)
    _flag_ocr_cells(doc, report)
    filled = (c for k, c in report.cells.items() if k[0] == 3 and (c.value is not None or "na_marker" in c.flags))
    if not any(filled):  # a blank form or no table; a table printed all 无/— is a filled-in report
        reason = "no section 三 request table with numbers was found, so this does not read as a filled-in report"
        if doc.pages_without_text:
            reason = f"{doc.pages_without_text} page(s) have no text layer (the tables are images); this needs OCR"
        return _failed(report, ReportStatus.UNSUPPORTED, f"{report.source}: {reason}")
    report.text = doc.text
    report.narrative = extract_narrative(doc.text)
    return report


def _flag_ocr_cells(doc: Document, report: Report) -> None:
    """Cells printed on a page read from its image carry `ocr`: validation treats their reading as doubtful."""
    report.ocr = bool(doc.ocr_page_numbers)
    for key, cell in report.cells.items():
        if cell.provenance is not None and cell.provenance.page in doc.ocr_page_numbers:
            report.cells[key] = replace(cell, flags=cell.flags | {"ocr"})


def title_lines(doc: Document) -> list[str]:
    """The first body lines before section 一: where the title (and sometimes the agency) is."""
    lines: list[str] = []
    for block in doc.blocks:
        if not isinstance(block, TextBlock):
            break
        for line in block.text.splitlines():
            if heading_section(line) is not None:
                return lines
            if line.strip():
                lines.append(line.strip())
        if len(lines) >= _TITLE_LINES:
            break
    return lines[:_TITLE_LINES]


def read_document(data: bytes, source: str, http_charset: str | None = None,
                  settings: ExtractSettings | None = None) -> Document:
    """Dispatch on the bytes (never only the name: sites serve HTML error pages as .pdf)."""
    settings = settings or ExtractSettings.from_env()
    reader = _reader_for(data, source)
    if reader is None:
        raise UnsupportedDocument(f"{source}: not a PDF, HTML, DOCX or text file")
    if reader == "html":
        from extractors.html import read_html

        return read_html(data, source, http_charset, settings)
    readers: dict[str, Callable[[bytes, str, ExtractSettings], Document]] = {
        "pdf": _read_pdf,
        "docx": _read_docx,
        "text": _read_text,
    }
    return readers[reader](data, source, settings)


def _reader_for(data: bytes, source: str) -> str | None:
    head = data[:2048].lstrip()
    suffix = Path(source.split("?")[0]).suffix.lower()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):  # a zip that is not whole is a broken download, not another format
        return "docx" if _is_docx(data) or not zipfile.is_zipfile(BytesIO(data)) else None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedDocument(f"{source}: a legacy Word/WPS binary (.doc/.wps); convert it to DOCX or PDF first")
    lowered = head[:1024].lower()
    looks_html = any(tag in lowered for tag in (b"<html", b"<!doctype", b"<table", b"<body", b"<meta", b"<div", b"<p"))
    if suffix in (".pdf", ".docx"):
        what = "an HTML page (an error page?)" if looks_html else "not that format"
        raise UnreadableDocument(f"{source}: named {suffix} but the bytes are {what}")
    if looks_html:
        return "html"
    if suffix in (".md", ".txt", "") and b"\x00" not in data[:4096]:
        return "text"
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _read_pdf(data: bytes, source: str, settings: ExtractSettings) -> Document:
    from extractors.pdf import read_pdf

    return read_pdf(data, source, limits=settings)


def _read_docx(data: bytes, source: str, settings: ExtractSettings) -> Document:
    from extractors.docx import read_docx

    return read_docx(data, source, limits=settings)


def _read_text(data: bytes, source: str, settings: ExtractSettings) -> Document:
    from extractors.text import read_text

    return read_text(data, source, limits=settings)


def _failed(report: Report, status: ReportStatus, reason: str) -> Report:
    report.status = status
    report.errors.append(reason)
    report.cells.clear()
    return report
