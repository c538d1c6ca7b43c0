"""Which kind of file a body really is, judged by its first bytes rather than its URL.

Government servers answer a missing report with a 200 HTML error page under the report's
`.pdf` name; trusting the extension would archive and "extract" that page.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import parse_qsl, urlsplit

# Extensions a report attachment link may carry; OLE2 covers legacy .doc/.xls/.wps alike.
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "wps", "xls", "xlsx"})
HTML_EXTENSIONS = frozenset({"html", "htm", "shtml", "xhtml", "jhtml"})
_OLE2_EXTENSIONS = ("doc", "wps", "xls")
_PDF_SEARCH_BYTES = 1024  # the PDF spec lets %PDF- start anywhere in the first KB
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<script", b"<!--")


def url_extension(url: str) -> str | None:
    """The file extension a URL names, in its path or in a `filename=x.pdf` style query value."""
    parts = urlsplit(url)
    suffix = PurePosixPath(parts.path).suffix.lower().lstrip(".")
    if suffix in ATTACHMENT_EXTENSIONS or suffix in HTML_EXTENSIONS:
        return suffix
    for _, value in parse_qsl(parts.query):
        query_suffix = PurePosixPath(value).suffix.lower().lstrip(".")
        if query_suffix in ATTACHMENT_EXTENSIONS:
            return query_suffix
    return suffix or None


def sniff(body: bytes) -> str | None:
    """`pdf`, `zip` (DOCX/XLSX), `ole2` (DOC/XLS/WPS), `html`, or None when unrecognised."""
    if b"%PDF-" in body[:_PDF_SEARCH_BYTES]:
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        return "zip"
    if body.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if looks_like_html(body):
        return "html"
    return None


def looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and any(marker in head for marker in _HTML_MARKERS)


def report_extension(body: bytes, link_extension: str | None) -> str | None:
    """The archive extension for a report body, or None when it is no report file at all.

    The link's extension wins when the bytes agree with it (a `.wps` stays `.wps`); otherwise
    the bytes decide (a PDF behind `download.jsp` is a `.pdf`).
    """
    kind = sniff(body)
    if kind == "pdf":
        return "pdf"
    if kind == "zip":
        return link_extension if link_extension in ("docx", "xlsx") else "docx"
    if kind == "ole2":
        return link_extension if link_extension in _OLE2_EXTENSIONS else "doc"
    if kind == "html":
        return "html"
    return None


def mismatch_reason(body: bytes, link_extension: str | None) -> str | None:
    """Why a body cannot be the attachment its link promised, or None when it can."""
    if link_extension not in ATTACHMENT_EXTENSIONS:
        return None
    kind = sniff(body)
    if kind == "html":
        return f"an HTML page was served instead of a .{link_extension} file (an error page?)"
    if kind is None:
        return f"the content is not a .{link_extension} file (starts with {body[:8]!r})"
    return None
