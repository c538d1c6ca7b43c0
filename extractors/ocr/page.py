"""One page image → the blocks the text-layer reader would produce (grids and paragraphs).

OCR boxes become positioned words in PDF points; the borderless-table builder and the paragraph
grouping of the PDF reader then run on them unchanged. Vertical ruling lines found in the image
split a printed line where a cell border runs, even when the numbers sit close to it; horizontal
ones gather a ruled row's wrapped label and its numbers onto one line (extractors/ocr/bands.py).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from extractors.document import Block, Grid, Provenance, SourceCell, TextBlock
from extractors.ocr.bands import rows_between_rules
from extractors.ocr.engine import OcrBox, OcrSettings, recognise
from extractors.ocr.image import (
    HorizontalRule,
    Rule,
    deskew_corners,
    glyph_ink,
    horizontal_rules,
    ink_extent,
    ink_image,
    rotation,
    skew_degrees,
    straight_ink,
    vertical_rules,
)
from extractors.pdf_borderless import Line, Segment, Word, build_lines, find_borderless_tables
from extractors.pdf_text import TextLine, group_paragraphs, rounded_bbox

# The ink of ideographs spans ~0.9 of the font size, that of digits ~0.8 (wqy-microhei; SimSun's
# digits are shorter still): the font size a word's ink height stands for.
_IDEOGRAPH_INK = 0.9
_OTHER_INK = 0.8
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")
# Ink this much shorter than its detected box is a dash or a dot: the box says more about the line.
_FLAT_INK = 0.4
# Line sizes within 8 % of the next larger one are one font (glyph shapes make one size measure ±10 %).
_SAME_FONT = 0.08
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
    ink = straight_ink(grey, matrix)
    glyphs = glyph_ink(ink, settings.dpi)
    scale = settings.dpi / 72
    words = _sized_by_line([_placed(box, matrix, glyphs, scale) for box in boxes])
    rules = [Rule(r.x / scale, r.top / scale, r.bottom / scale) for r in vertical_rules(ink, settings.dpi)]
    lines = [_split_at_rules(line, rules) for line in build_lines([w.word for w in words], _COLUMN_GAP_RATIO)]
    row_rules = [HorizontalRule(r.y / scale, r.x0 / scale, r.x1 / scale) for r in horizontal_rules(ink, settings.dpi)]
    lines = rows_between_rules(lines, row_rules)
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


def _placed(box: OcrBox, matrix: np.ndarray, glyphs: np.ndarray, scale: float) -> OcrWord:
    """The box as a word the size of its ink, as a text layer gives glyph boxes, not the detector's padding."""
    corners = deskew_corners(box.corners, matrix)
    detected = (min(x for x, _ in corners), min(y for _, y in corners),
                max(x for x, _ in corners), max(y for _, y in corners))
    x0, top, x1, bottom = ink_extent(glyphs, detected) or detected
    if bottom - top < _FLAT_INK * (detected[3] - detected[1]):
        top, bottom = detected[1], detected[3]
    ratio = _IDEOGRAPH_INK if _IDEOGRAPH.search(box.text) else _OTHER_INK
    word = Word(box.text, x0 / scale, top / scale, x1 / scale, bottom / scale, (bottom - top) / scale / ratio)
    return OcrWord(word, box.confidence)


def _sized_by_line(words: Sequence[OcrWord]) -> list[OcrWord]:
    """Every word takes its printed line's font size, read from the line's ideographs when it has
    any (digits are shorter) and snapped to the page's few sizes, and is that tall.

    Ink heights differ by glyph (brackets reach higher than 二), so one font measures ±10 %. The
    table builder ends a table where the font size grows, so unsnapped sizes cut tables apart.
    """
    lines = [[word for segment in line.segments for word in segment.words]
             for line in build_lines([w.word for w in words], _COLUMN_GAP_RATIO)]
    measured = [statistics.median([w.size for w in members if _IDEOGRAPH.search(w.text)]
                                  or [w.size for w in members]) for members in lines]
    snapped = _font_sizes(measured)
    size_of = {word: snapped[size] for members, size in zip(lines, measured, strict=True) for word in members}
    return [OcrWord(_em_box(w.word, size_of[w.word]), w.confidence) for w in words]


def _em_box(word: Word, size: float) -> Word:
    """The word one font size tall about its ink's centre, as a text layer reports glyph boxes
    (numbers' short ink would otherwise leave their row too thin to reach its wrapped label)."""
    middle = (word.top + word.bottom) / 2
    return replace(word, top=middle - size / 2, bottom=middle + size / 2, size=size)


def _font_sizes(measured: Sequence[float]) -> dict[float, float]:
    """Each measured size → the median of its cluster (sizes within `_SAME_FONT` of their neighbour)."""
    clusters: list[list[float]] = []
    for size in sorted(measured):
        if clusters and size <= clusters[-1][-1] * (1 + _SAME_FONT):
            clusters[-1].append(size)
        else:
            clusters.append([size])
    return {size: statistics.median(cluster) for cluster in clusters for size in cluster}


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
