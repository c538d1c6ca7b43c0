"""Reader for text conversions (.md/.txt): pipe tables as PDF-to-text tools leave them.

Lines that start with `|` form a table until a non-table line; `|---|` separator rows are
dropped. HTML-to-text converters also leave unframed rows (`第二十条第(一)项 | |||`, docs/format.md
§6.2): a line with at least `_MIN_PIPES` pipes is a row too. A table keeps its outer cells
unless every row is framed by pipes at both ends (markdown), since in an unframed table a
leading pipe is an empty first cell. Everything else is body text, one TextBlock per line.
"""

from __future__ import annotations

import re

from extractors.bounds import check_grid_size
from extractors.document import Document, Grid, Provenance, TextBlock
from extractors.encoding import decode_html
from extractors.extract import ExtractSettings

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")  # markdown markup, not part of the heading's text
_MIN_PIPES = 3  # an unframed row of a 4-column table; prose never has this many


def read_text(data: bytes, source: str, limits: ExtractSettings | None = None) -> Document:
    """Body lines and pipe tables of a markdown/plain-text conversion, in order."""
    limits = limits or ExtractSettings()
    text = decode_html(data).text  # same BOM/UTF-8/GB18030 detection as web pages
    doc = Document(source=source, format="text")
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = _HEADING_MARK.sub("", line.strip())
        if stripped.startswith("|") or stripped.count("|") >= _MIN_PIPES:
            if not _SEPARATOR.match(stripped):
                table.append(stripped)
                check_grid_size(len(table), 0, source, limits)
            continue
        if table:
            doc.blocks.append(_grid(table, source, len(doc.grids), limits))
            table = []
        if stripped:
            doc.blocks.append(TextBlock(stripped, Provenance(file=source, row=number)))
    if table:
        doc.blocks.append(_grid(table, source, len(doc.grids), limits))
    return doc


def _split_row(line: str, framed: bool) -> list[str]:
    inner = line[1:-1] if framed else line
    return [cell.strip() for cell in inner.split("|")]


def _grid(lines: list[str], source: str, index: int, limits: ExtractSettings) -> Grid:
    framed = all(line.startswith("|") and line.endswith("|") and len(line) > 1 for line in lines)
    check_grid_size(len(lines), sum(line.count("|") + 1 for line in lines), source, limits)
    return Grid.from_texts([_split_row(line, framed) for line in lines], source, index)
