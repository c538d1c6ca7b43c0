"""The intermediate every reader produces: text blocks and grids of cell texts, in reading order.

Readers know formats, not reports; the mapper (mapping.py) turns a Document into template keys.
Keeping this type small is what lets one layout fix help every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Provenance:
    """Where a piece of text came from, precise enough for a user to find it again."""

    file: str
    page: int | None = None  # 1-based PDF page
    bbox: BBox | None = None  # PDF points (x0, top, x1, bottom)
    table: int | None = None  # 0-based table index within the document (HTML/DOCX/text)
    row: int | None = None  # 0-based row within that table (after span expansion)
    col: int | None = None  # 0-based column within that table (after span expansion)
    ocr_text: str | None = None  # what the recogniser read here (scanned pages only)
    ocr_confidence: float | None = None  # the recogniser's confidence in that reading, 0–1

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict without the fields that do not apply."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class SourceCell:
    """The text of one grid cell as printed, with its location."""

    text: str
    provenance: Provenance


@dataclass
class Grid:
    """A table as a rectangular-ish list of rows; merged cells are either repeated or empty."""

    rows: list[list[SourceCell]]
    provenance: Provenance

    @classmethod
    def from_texts(cls, rows: list[list[str]], source: str, table: int) -> Grid:
        """A grid of a table read as text (HTML, DOCX, text): each cell located by table/row/col."""
        cells = [
            [SourceCell(text, Provenance(file=source, table=table, row=r, col=c)) for c, text in enumerate(row)]
            for r, row in enumerate(rows)
        ]
        return cls(cells, Provenance(file=source, table=table))

    def texts(self) -> list[list[str]]:
        """The cell texts only: handy for tests and debugging."""
        return [[c.text for c in row] for row in self.rows]


@dataclass
class TextBlock:
    """A run of body text (a paragraph, a line, or a page's text outside tables)."""

    text: str
    provenance: Provenance


Block = TextBlock | Grid


@dataclass
class Document:
    """A readable document: blocks in reading order plus facts the status decision needs."""

    source: str
    blocks: list[Block] = field(default_factory=list)
    page_count: int | None = None
    format: str = ""  # pdf | html | docx | text
    pages_without_text: int = 0
    extractor: str = ""  # which parse produced the blocks: pdfium | pdfplumber for PDFs, else the format
    fallback: str = ""  # why the fast PDF path was not trusted, when the reference path read the file
    ocr_pages: int = 0  # pages read from their image (no usable text layer)
    ocr_page_numbers: frozenset[int] = frozenset()  # which ones (1-based): their cells get the `ocr` flag

    @property
    def text(self) -> str:
        """All body text (tables excluded), in reading order: what the narrative parsers read."""
        return "\n".join(b.text for b in self.blocks if isinstance(b, TextBlock))

    @property
    def grids(self) -> list[Grid]:
        """The tables, in reading order."""
        return [b for b in self.blocks if isinstance(b, Grid)]


class UnreadableDocument(Exception):
    """The file cannot be read at all (corrupt, encrypted, empty, too large): status `error`."""


class UnsupportedDocument(Exception):
    """The file is readable but not something we can extract (scanned pages, not a report)."""
