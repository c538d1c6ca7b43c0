"""DOCX reader: a Word document → Document of paragraphs and span-expanded grids, in body order.

The grid is built from the WordprocessingML itself (w:gridBefore, w:gridSpan, w:vMerge) rather than
from python-docx's cell objects, so the span convention matches the HTML reader exactly: text in the
top-left position of a merged area, "" in every other position it covers. As in HTML, a table that
holds other tables is layout: its paragraphs become text blocks and only the inner tables are grids.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from lxml import etree

from extractors.bounds import check_grid_size
from extractors.cell_text import join_fragments, squeeze
from extractors.document import (
    Block,
    Document,
    Grid,
    Provenance,
    TextBlock,
    UnreadableDocument,
    UnsupportedDocument,
)
from extractors.extract import ExtractSettings

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names inside an OLE container (stored UTF-16LE in its directory).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Containers whose children belong to the parent's flow (content controls, custom XML, tracked moves).
_TRANSPARENT = frozenset({f"{{{_W}}}{t}" for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag")})
_P, _TBL, _TR, _TC = (f"{{{_W}}}{t}" for t in ("p", "tbl", "tr", "tc"))
_TEXT_TAGS = {f"{{{_W}}}t": None, f"{{{_W}}}tab": " ", f"{{{_W}}}br": "\n", f"{{{_W}}}cr": "\n"}
_SKIPPED_TEXT = frozenset({f"{{{_W}}}{t}" for t in ("del", "moveFrom", "instrText", "delInstrText")})


def read_docx(data: bytes, source: str, limits: ExtractSettings | None = None) -> Document:
    """Read a DOCX report; bad, encrypted or legacy-binary input raises with a one-sentence reason."""
    limits = limits or ExtractSettings()
    _refuse_unreadable(data, source)
    _refuse_zip_bomb(data, source, limits.max_inflated_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    # python-docx reports a malformed package as whatever its parser tripped over (AttributeError on a
    # bad [Content_Types].xml, KeyError on a missing part, ...): all of them mean a broken file. Running
    # out of memory (zlib's "Unable to allocate output buffer") does not: it is the file's size, not its form.
    except MemoryError:
        raise
    except Exception as exc:
        raise UnreadableDocument(f"{source}: not a readable Word document ({exc}).") from exc
    reader = _BodyReader(source, limits)
    reader.read(document.element.body)
    return Document(source=source, blocks=reader.blocks, format="docx")


def _refuse_unreadable(data: bytes, source: str) -> None:
    """Classify input python-docx would choke on, so the status can say what is wrong."""
    if not data.strip(b"\x00 \t\r\n"):
        raise UnreadableDocument(f"{source}: the file is empty.")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise UnreadableDocument(f"{source}: the Word document is password-protected (encrypted).")
        raise UnsupportedDocument(
            f"{source}: a legacy Word/WPS binary (.doc/.wps), which needs conversion to DOCX or PDF first."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK\x03\x04"):
            raise UnreadableDocument(f"{source}: the DOCX zip archive is truncated or corrupt.")
        raise UnreadableDocument(f"{source}: not a DOCX file (not a zip archive).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument(f"{source}: the DOCX zip archive is corrupt ({exc}).") from exc
    if "word/document.xml" not in names:
        raise UnreadableDocument(f"{source}: a zip archive without word/document.xml, so not a Word document.")


def _refuse_zip_bomb(data: bytes, source: str, limit: int) -> None:
    """Refuse a package whose members unpack past `limit` before python-docx inflates any of them.

    The declared sizes are a true bound: zipfile never returns more than a member's declared size
    (a member that inflates further fails its CRC check and reads as a corrupt archive).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(member.file_size for member in archive.infolist()) > limit:
            raise UnreadableDocument(f"{source}: DOCX expands past {limit / 1e6:.0f} MB")


def _flow(parent: etree._Element) -> Iterator[etree._Element]:
    """Children of a body/cell, looking through content controls and similar wrappers."""
    for child in parent:
        if child.tag in _TRANSPARENT:
            yield from _flow(child)
        else:
            yield child


def paragraph_text(paragraph: etree._Element) -> str:
    """A paragraph's visible text (runs, hyperlinks, fields' results), deleted text left out."""
    pieces: list[str] = []

    def visit(element: etree._Element) -> None:
        for child in element:
            if child.tag in _SKIPPED_TEXT:
                continue
            if child.tag in _TEXT_TAGS:
                pieces.append(_TEXT_TAGS[child.tag] or (child.text or ""))
            else:
                visit(child)

    visit(paragraph)
    return squeeze("".join(pieces))


class _BodyReader:
    """Emits text blocks and grids in body order; layout tables are opened up, not emitted."""

    def __init__(self, source: str, limits: ExtractSettings) -> None:
        self.source = source
        self.limits = limits
        self.blocks: list[Block] = []

    def read(self, container: etree._Element) -> None:
        for element in _flow(container):
            if element.tag == _P:
                text = paragraph_text(element)
                if text:
                    self.blocks.append(TextBlock(text, Provenance(file=self.source)))
            elif element.tag == _TBL:
                if element.findall(f".//{_TBL}"):
                    for row in _rows(element):
                        for cell in _cells(row):
                            self.read(cell)
                else:
                    self._add_grid(table_rows(element, self.source, self.limits))

    def _add_grid(self, rows: list[list[str]]) -> None:
        table = sum(isinstance(b, Grid) for b in self.blocks)
        self.blocks.append(Grid.from_texts(rows, self.source, table))


def _rows(table: etree._Element) -> list[etree._Element]:
    return [e for e in _flow(table) if e.tag == _TR]


def _cells(row: etree._Element) -> list[etree._Element]:
    return [e for e in _flow(row) if e.tag == _TC]


def _int_property(element: etree._Element, path: str, default: int) -> int:
    found = element.find(path, {"w": _W})
    value = found.get(f"{{{_W}}}val") if found is not None else None
    return int(value) if value and value.isdigit() else default


def _continues_vertical_merge(cell: etree._Element) -> bool:
    """w:vMerge without val="restart" marks a cell covered by the merged cell above."""
    merge = cell.find("w:tcPr/w:vMerge", {"w": _W})
    return merge is not None and merge.get(f"{{{_W}}}val", "continue") != "restart"


def table_rows(table: etree._Element, source: str = "", limits: ExtractSettings | None = None) -> list[list[str]]:
    """A w:tbl as a rectangular grid of texts with merges expanded (text top-left, "" elsewhere)."""
    rows = _rows(table)
    widths = [_int_property(row, "w:trPr/w:gridBefore", 0)
              + sum(max(1, _int_property(cell, "w:tcPr/w:gridSpan", 1)) for cell in _cells(row)) for row in rows]
    check_grid_size(len(rows), len(rows) * max(widths, default=0), source, limits or ExtractSettings())
    grid: list[list[str]] = []
    for row in rows:
        texts: list[str] = [""] * _int_property(row, "w:trPr/w:gridBefore", 0)
        for cell in _cells(row):
            span = max(1, _int_property(cell, "w:tcPr/w:gridSpan", 1))
            text = "" if _continues_vertical_merge(cell) else _cell_text(cell)
            texts.extend([text] + [""] * (span - 1))
        grid.append(texts)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


def _cell_text(cell: etree._Element) -> str:
    """Paragraphs of a cell joined like the HTML reader joins <p>s: no space between CJK characters."""
    return join_fragments(paragraph_text(p) for p in cell.iter(_P))
