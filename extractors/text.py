"""Reader for text conversions (.md/.txt): pipe tables as PDF-to-text tools leave them.

Lines that start with `|` form a table until a non-table line; `|---|` separator rows are
dropped. Everything else is body text, one TextBlock per line.
"""

from __future__ import annotations

import re

from extractors.document import Document, Grid, Provenance, SourceCell, TextBlock
from extractors.encoding import decode_html

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def read_text(data: bytes, source: str) -> Document:
    """Body lines and pipe tables of a markdown/plain-text conversion, in order."""
    text = decode_html(data).text  # same BOM/UTF-8/GB18030 detection as web pages
    doc = Document(source=source, format="text")
    table: list[list[str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("|"):
            if not _SEPARATOR.match(stripped):
                table.append(_split_row(stripped))
            continue
        if table:
            doc.blocks.append(_grid(table, source, len(doc.grids)))
            table = []
        if stripped:
            doc.blocks.append(TextBlock(stripped, Provenance(file=source, row=number)))
    if table:
        doc.blocks.append(_grid(table, source, len(doc.grids)))
    return doc


def _split_row(line: str) -> list[str]:
    inner = line[1:-1] if line.endswith("|") and len(line) > 1 else line[1:]
    return [cell.strip() for cell in inner.split("|")]


def _grid(rows: list[list[str]], source: str, index: int) -> Grid:
    cells = [
        [SourceCell(text, Provenance(file=source, table=index, row=r, col=c)) for c, text in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    return Grid(cells, Provenance(file=source, table=index))
