"""A file's bytes → a Report: sniff the format, read, map, identify, check.

Pure: no Prefect, no DuckDB, no network. Every failure becomes a status and a one-sentence
reason naming the file; nothing here lets a traceback escape to the caller.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from extractors.document import Document, TextBlock, UnreadableDocument, UnsupportedDocument
from extractors.mapping import heading_section, map_document
from extractors.report import Report
from extractors.version import EXTRACTOR_VERSION as EXTRACTOR_VERSION

REPORT_SUFFIXES = frozenset({".pdf", ".html", ".htm", ".shtml", ".docx", ".doc", ".wps", ".md", ".txt"})
_TITLE_LINES = 6


@dataclass(frozen=True)
class ExtractSettings:
    """Limits that keep one bad file from stalling a run."""

    max_bytes: int = 60 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extract_path(path: Path | str, settings: ExtractSettings | None = None) -> Report:
    """Extract one file on disk; an unreadable path becomes an `error` report, not an exception."""
    source = str(path)
    settings = settings or ExtractSettings()
    try:
        size = Path(path).stat().st_size
        if size > settings.max_bytes:
            return _failed(Report(source, ""), "error", f"{source}: file is {size / 1e6:.1f} MB, over the "
                                                         f"{settings.max_bytes / 1e6:.0f} MB limit")
        data = Path(path).read_bytes()
    except OSError as exc:
        return _failed(Report(source, ""), "error", f"{source}: cannot read the file ({exc.strerror or exc})")
    return extract_bytes(data, source, settings=settings)


def extract_bytes(data: bytes, source: str, *, http_charset: str | None = None,
                  settings: ExtractSettings | None = None) -> Report:
    """Extract one document held in memory (a crawled page or attachment, or a file's bytes)."""
    settings = settings or ExtractSettings()
    report = Report(source=source, sha256=sha256_hex(data))
    if not data:
        return _failed(report, "error", f"{source}: the file is empty")
    if len(data) > settings.max_bytes:
        return _failed(report, "error", f"{source}: file is {len(data) / 1e6:.1f} MB, over the "
                                        f"{settings.max_bytes / 1e6:.0f} MB limit")
    try:
        doc = read_document(data, source, http_charset)
    except UnreadableDocument as exc:
        return _failed(report, "error", str(exc))
    except UnsupportedDocument as exc:
        return _failed(report, "unsupported", str(exc))
    except Exception as exc:  # a reader bug must not stop the run; it is reported instead
        return _failed(report, "error", f"{source}: the reader failed ({type(exc).__name__}: {exc})")
    report.format = doc.format
    report.extractor, report.extractor_fallback = doc.extractor or doc.format, doc.fallback
    report = build_report(doc, report)
    if report.extractor == "pdfium" and report.status != "ok":
        report = _reference_if_better(data, report)
    return report


def _reference_if_better(data: bytes, fast: Report) -> Report:
    """A PDF the fast path left invalid or unsupported, read again by pdfplumber; kept if it then passes.

    The two paths give the same answers on every PDF we have (tests/extractors/
    test_fast_path_equivalence.py); this guards the files nobody has shown us, at the price of
    a second read for reports that fail anyway.
    """
    from extractors.pdf import REFERENCE, PdfSettings, read_pdf

    try:
        doc = read_pdf(data, fast.source, PdfSettings(reader=REFERENCE))
    except (UnreadableDocument, UnsupportedDocument):
        return fast
    why = f"the PDFium path's report was {fast.status}; the reference path's passes its rules"
    reference = build_report(doc, Report(fast.source, fast.sha256, format=doc.format, extractor=REFERENCE,
                                         extractor_fallback=why))
    return reference if reference.status == "ok" else fast


def build_report(doc: Document, report: Report) -> Report:
    """Map, identify and check a read document."""
    from expectations.rules import evaluate_report, status_for
    from extractors.identity import identify
    from extractors.narrative import extract_narrative

    identity = identify(title_lines(doc), doc.text)
    report.agency, report.year, report.title = identity.agency, identity.year, identity.title
    map_document(doc, report)
    filled = (c for k, c in report.cells.items() if k[0] == 3 and (c.value is not None or "na_marker" in c.flags))
    if not any(filled):  # a blank form or no table; a table printed all 无/— is a filled-in report
        reason = "no section 三 request table with numbers was found, so this does not read as a filled-in report"
        if doc.pages_without_text:
            reason = f"{doc.pages_without_text} page(s) have no text layer (the tables are images); this needs OCR"
        return _failed(report, "unsupported", f"{report.source}: {reason}")
    report.text = doc.text
    report.narrative = extract_narrative(doc.text)
    report.checks = evaluate_report(report, doc.text)
    report.status = status_for(report.checks)
    return report


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


def read_document(data: bytes, source: str, http_charset: str | None = None) -> Document:
    """Dispatch on the bytes (never only the name: sites serve HTML error pages as .pdf)."""
    reader = _reader_for(data, source)
    if reader is None:
        raise UnsupportedDocument(f"{source}: not a PDF, HTML, DOCX or text file")
    if reader == "html":
        from extractors.html import read_html

        return read_html(data, source, http_charset)
    readers: dict[str, Callable[[bytes, str], Document]] = {
        "pdf": _read_pdf,
        "docx": _read_docx,
        "text": _read_text,
    }
    return readers[reader](data, source)


def _reader_for(data: bytes, source: str) -> str | None:
    head = data[:2048].lstrip()
    suffix = Path(source.split("?")[0]).suffix.lower()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else None
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


def _read_pdf(data: bytes, source: str) -> Document:
    from extractors.pdf import read_pdf

    return read_pdf(data, source)


def _read_docx(data: bytes, source: str) -> Document:
    from extractors.docx import read_docx

    return read_docx(data, source)


def _read_text(data: bytes, source: str) -> Document:
    from extractors.text import read_text

    return read_text(data, source)


def _failed(report: Report, status: str, reason: str) -> Report:
    report.status = status
    report.errors.append(reason)
    report.cells.clear()
    return report
