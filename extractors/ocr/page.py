"""One page image → the blocks the text-layer reader would produce (grids and paragraphs).

OCR boxes become positioned words in PDF points; the borderless-table builder and the paragraph
grouping of the PDF reader then run on them unchanged. Vertical ruling lines found in the image
split a printed line where a cell border runs, even when the numbers sit close to it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from extractors.document import Block, Grid, Provenance, SourceCell, TextBlock
from extractors.ocr.engine import OcrBox, OcrSettings, recognise
from extractors.ocr.image import Rule, deskew_corners, ink_image, rotation, skew_degrees, vertical_rules
from extractors.pdf_borderless import Line, Segment, Word, build_lines, find_borderless_tables
from extractors.pdf_text import TextLine, group_paragraphs, rounded_bbox

# A detected box is taller than the glyphs in it (the detector pads it); font size ≈ this × height.
_GLYPH_RATIO = 0.75
_COLUMN_GAP_RATIO = 0.9


@dataclass(frozen=True)
class OcrWord:
    """A recognised box placed on the page (PDF points, top-left origin), with what was read."""

    word: Word
    confidence: float


def read_page_image(rgb: np.ndarray, source: str, page_number: int, settings: OcrSettings) -> list[Block]:
    """The page's grids and paragraphs, top to bottom, each cell carrying its OCR reading."""
    grey = ink_image(rgb)
    boxes = recognise(np.dstack([grey] * 3), settings)
    matrix = rotation(grey.shape, skew_degrees(boxes))
    scale = settings.dpi / 72
    words = [_placed(box, matrix, scale) for box in boxes]
    rules = [Rule(r.x / scale, r.top / scale, r.bottom / scale) for r in vertical_rules(grey, matrix, settings.dpi)]
    lines = [_split_at_rules(line, rules) for line in build_lines([w.word for w in words], _COLUMN_GAP_RATIO)]
    placed: list[tuple[float, Block]] = []
    consumed: set[int] = set()
    if lines:
        text_width = max(line.x1 for line in lines) - min(line.x0 for line in lines)
        for found in find_borderless_tables(lines, source, page_number, text_width, _COLUMN_GAP_RATIO):
            grid = _with_readings(found.grid, words)
            placed.append((grid.provenance.bbox[1] if grid.provenance.bbox else 0.0, grid))
            consumed.update(found.line_indices)
    body = [_text_line(line) for index, line in enumerate(lines) if index not in consumed]
    size = statistics.median(line.size for line in lines) if lines else 10.0
    for paragraph in group_paragraphs(body, indent=1.5 * size, line_gap=1.2 * size):
        provenance = Provenance(file=source, page=page_number, bbox=rounded_bbox(paragraph.bbox))
        placed.append((paragraph.bbox[1], TextBlock(paragraph.text, provenance)))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _placed(box: OcrBox, matrix: np.ndarray, scale: float) -> OcrWord:
    corners = deskew_corners(box.corners, matrix)
    xs = [x / scale for x, _ in corners]
    ys = [y / scale for _, y in corners]
    height = max(ys) - min(ys)
    word = Word(box.text, min(xs), min(ys), max(xs), max(ys), _GLYPH_RATIO * height)
    return OcrWord(word, box.confidence)


def _split_at_rules(line: Line, rules: Sequence[Rule]) -> Line:
    """Break a segment wherever a vertical rule crossing this line runs between two of its words."""
    middle = (line.top + line.bottom) / 2
    crossing = [r.x for r in rules if r.top <= middle <= r.bottom]
    segments: list[Segment] = []
    for segment in line.segments:
        current = Segment([segment.words[0]], segment.line)
        for word in segment.words[1:]:
            if any(current.x1 <= x <= word.x0 + 1 for x in crossing):
                segments.append(current)
                current = Segment([word], segment.line)
            else:
                current.words.append(word)
        segments.append(current)
    return Line(segments, line.size)


def _with_readings(grid: Grid, words: Sequence[OcrWord]) -> Grid:
    """The grid with each non-empty cell's provenance carrying the recognised text and confidence."""
    rows = [[_cell_reading(cell, words) for cell in row] for row in grid.rows]
    return Grid(rows=rows, provenance=grid.provenance)


def _cell_reading(cell: SourceCell, words: Sequence[OcrWord]) -> SourceCell:
    bbox = cell.provenance.bbox
    if not cell.text or bbox is None:
        return cell
    inside = [w for w in words if _centre_inside(w.word, bbox)]
    if not inside:
        return cell
    reading = " ".join(w.word.text for w in inside)
    confidence = round(min(w.confidence for w in inside), 4)
    return SourceCell(cell.text, replace(cell.provenance, ocr_text=reading, ocr_confidence=confidence))


def _centre_inside(word: Word, bbox: tuple[float, float, float, float]) -> bool:
    x = (word.x0 + word.x1) / 2
    y = (word.top + word.bottom) / 2
    return bbox[0] - 1 <= x <= bbox[2] + 1 and bbox[1] - 1 <= y <= bbox[3] + 1


def _text_line(line: Line) -> TextLine:
    return TextLine(" ".join(s.text for s in line.segments), line.x0, line.top, line.x1, line.bottom)
