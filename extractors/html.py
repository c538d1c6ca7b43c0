"""HTML reader: a web page (often a Word export) → Document of text blocks and span-expanded grids.

Span convention (shared with the DOCX reader): rowspan/colspan are expanded into a full rectangular
grid; the text sits in the top-left position of a span and every other position it covers is "".
A table that contains other tables is page layout, not data: its own text becomes text blocks and
the tables inside it are read in turn, so only the innermost tables become grids.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.etree
import lxml.html

from extractors.bounds import check_grid_size
from extractors.cell_text import squeeze
from extractors.document import Block, Document, Grid, Provenance, TextBlock, UnreadableDocument
from extractors.encoding import decode_html
from extractors.extract import ExtractSettings

# Elements whose content is never report text.
_SKIPPED = frozenset({"head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
                      "select", "button", "input", "textarea", "map", "canvas", "audio", "video"})
# Elements that start a new line of text; everything else is inline and joins without a break.
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
                     "section", "article", "header", "footer", "main", "nav", "aside", "blockquote", "pre",
                     "center", "form", "fieldset", "figure", "figcaption", "address", "hr", "br", "table",
                     "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "body", "html"})
_TITLE_WORDS = ("年度报告", "报告")
_TITLE_SEPARATORS = ("_", "|", "｜", " - ", "——", "--")
_MAX_COLSPAN = 1000  # what browsers honour (HTML standard)


def read_html(data: bytes, source: str, http_charset: str | None = None,
              limits: ExtractSettings | None = None) -> Document:
    """Read an HTML report: the article title first, then text blocks and grids in reading order."""
    if not data.strip():
        raise UnreadableDocument(f"{source}: the file is empty.")
    decoded = decode_html(data, http_charset)
    if "\x00" in decoded.text[:4096]:
        raise UnreadableDocument(f"{source}: binary content, not an HTML page.")
    try:
        root = lxml.html.document_fromstring(
            decoded.text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        )
    except (lxml.etree.ParserError, ValueError) as exc:
        raise UnreadableDocument(f"{source}: not parseable as HTML ({exc}).") from exc
    reader = _BlockReader(source, limits or ExtractSettings())
    reader.read(root)
    title = article_title(root)
    blocks: list[Block] = reader.blocks
    if title:
        body = [b for b in blocks if not (isinstance(b, TextBlock) and b.text == title)]
        blocks = [TextBlock(title, Provenance(file=source)), *body]
    return Document(source=source, blocks=blocks, format="html")


def article_title(root: lxml.html.HtmlElement) -> str | None:
    """The report's title: a headline naming a report, else <meta ArticleTitle>, else <title>."""
    headlines = root.xpath(
        "//body//h1 | //body//*[contains(translate(@class, 'TITLE', 'title'), 'title')] | //body//h2"
    )
    texts = [squeeze(element_text(h)) for h in headlines]
    for text in texts:
        if any(w in text for w in _TITLE_WORDS) and len(text) <= 120:
            return text
    for meta in root.xpath("//meta[@name]"):
        if meta.get("name", "").lower() == "articletitle" and meta.get("content", "").strip():
            return squeeze(meta.get("content", ""))
    page_title = root.find(".//title")
    if page_title is not None and page_title.text_content().strip():
        return _strip_site_name(squeeze(page_title.text_content()))
    return next((t for t in texts if t), None)


def _strip_site_name(title: str) -> str:
    """`XX年度报告_XX人民政府网` → the segment that names the report."""
    segments = [title]
    for sep in _TITLE_SEPARATORS:
        segments = [part.strip() for seg in segments for part in seg.split(sep)]
    segments = [s for s in segments if s]
    return next((s for s in segments if any(w in s for w in _TITLE_WORDS)), segments[0] if segments else title)


def element_text(element: lxml.html.HtmlElement) -> str:
    """All visible text under an element, block boundaries as line breaks (squeeze() joins them)."""
    return "".join(_text_pieces(element))


def _text_pieces(element: lxml.html.HtmlElement) -> Iterator[str]:
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is None or tag in _SKIPPED:
        return
    block = tag in _BLOCKS
    if block:
        yield "\n"
    if element.text:
        yield element.text
    for child in element:
        yield from _text_pieces(child)
        if child.tail:
            yield child.tail
    if block:
        yield "\n"


class _BlockReader:
    """Walks the DOM once, cutting text into blocks at block elements and emitting data tables."""

    def __init__(self, source: str, limits: ExtractSettings) -> None:
        self.source = source
        self.limits = limits
        self.blocks: list[Block] = []
        self._line: list[str] = []

    def read(self, root: lxml.html.HtmlElement) -> None:
        body = root.find("body")
        self._walk(body if body is not None else root)
        self._flush()

    def _walk(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None or tag in _SKIPPED:
            return
        if tag == "table" and not element.xpath(".//table"):
            rows = table_rows(element, self.source, self.limits)
            if max((len(r) for r in rows), default=0) >= 2:
                self._flush()
                self._add_grid(rows)
                return
        block = tag in _BLOCKS
        if block:
            self._flush()
        if element.text:
            self._line.append(element.text)
        for child in element:
            self._walk(child)
            if child.tail:
                self._line.append(child.tail)
        if block:
            self._flush()

    def _flush(self) -> None:
        text = squeeze("".join(self._line))
        self._line.clear()
        if text:
            self.blocks.append(TextBlock(text, Provenance(file=self.source)))

    def _add_grid(self, rows: list[list[str]]) -> None:
        table = sum(isinstance(b, Grid) for b in self.blocks)
        self.blocks.append(Grid.from_texts(rows, self.source, table))


def table_rows(table: lxml.html.HtmlElement, source: str = "",
               limits: ExtractSettings | None = None) -> list[list[str]]:
    """A table's cell texts as a rectangular grid with spans expanded (text top-left, "" elsewhere)."""
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    cells = [row.xpath("./td | ./th") for row in rows]
    spans = [[_spans(cell, len(rows) - r) for cell in row] for r, row in enumerate(cells)]
    widest = max((sum(colspan for _, colspan in row) for row in spans), default=0)
    covered = sum(rowspan * colspan for row in spans for rowspan, colspan in row)
    check_grid_size(len(rows), max(covered, len(rows) * widest), source, limits or ExtractSettings())
    placed: dict[tuple[int, int], str] = {}
    for r, row in enumerate(cells):
        c = 0
        for cell, (rowspan, colspan) in zip(row, spans[r], strict=True):
            while (r, c) in placed:
                c += 1
            text = squeeze(element_text(cell))
            for dr in range(rowspan):
                for dc in range(colspan):
                    placed[(r + dr, c + dc)] = text if dr == dc == 0 else ""
            c += colspan
    width = max((c for _, c in placed), default=-1) + 1
    return [[placed.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _spans(cell: lxml.html.HtmlElement, rows_left: int) -> tuple[int, int]:
    """(rowspan, colspan) as browsers apply them: a rowspan stops at the table's end, colspan at 1000."""
    return min(_span(cell.get("rowspan")), rows_left), min(_span(cell.get("colspan")), _MAX_COLSPAN)


def _span(value: str | None) -> int:
    """A rowspan/colspan attribute as browsers read it: junk or < 1 means 1 (0 is treated as 1 too)."""
    digits = "".join(ch for ch in (value or "").strip().split(".")[0] if ch.isdigit())
    return max(1, int(digits)) if digits else 1
