"""Text clean-up shared by the PDF table readers and the body-text grouping.

PDF text has no words or paragraphs, only positioned glyphs: pdfplumber guesses spaces from gaps,
which turns letter-spaced or justified CJK text into `结 果` and wraps `23,006.1\\n7` inside narrow
cells. These helpers undo that without touching spaces that carry meaning between Latin tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# CJK ideographs, CJK/full-width punctuation and curly quotes: no space belongs between two of them.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201f\u2026\u2014"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACE_AFTER_CJK_BEFORE_DIGIT_PUNCT = re.compile(rf"(?<=[{_CJK}])\s+(?=[.,、])|(?<=[.,、])\s+(?=[{_CJK}])")
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])")


def rounded_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A bbox rounded to 1/100 pt: stable JSON, still far finer than a glyph."""
    return (round(bbox[0], 2), round(bbox[1], 2), round(bbox[2], 2), round(bbox[3], 2))


def join_wrapped(text: str) -> str:
    """One cell's text on one line: wrapped lines joined, spaces between CJK glyphs dropped."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    joined = ""
    for part in parts:
        if joined and joined[-1].isascii() and joined[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            joined += " "
        joined += part
    joined = _SPACE_BETWEEN_CJK.sub("", joined)
    return _SPACE_AFTER_CJK_BEFORE_DIGIT_PUNCT.sub("", joined)


@dataclass(frozen=True)
class TextLine:
    """One printed line of body text with its box (PDF points, top-left origin)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Paragraph:
    """Consecutive body lines that belong together (a wrapped paragraph, or a heading alone)."""

    text: str
    bbox: tuple[float, float, float, float]


def group_paragraphs(lines: Sequence[TextLine], indent: float, line_gap: float) -> list[Paragraph]:
    """Join wrapped body lines into paragraphs so sentences survive line breaks.

    A line continues the previous one when the previous line ran to the right margin, this one
    starts at the left margin (no first-line indent), is close below it and is not a heading.
    """
    if not lines:
        return []
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    paragraphs: list[list[TextLine]] = []
    for line in lines:
        previous = paragraphs[-1][-1] if paragraphs else None
        continues = (
            previous is not None
            and previous.x1 >= right - indent
            and line.x0 <= left + indent / 2
            and 0 <= line.top - previous.bottom <= line_gap
            and not _HEADING.match(line.text)
        )
        if continues:
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [_paragraph(group) for group in paragraphs]


def _paragraph(lines: list[TextLine]) -> Paragraph:
    text = join_wrapped("\n".join(line.text for line in lines))
    bbox = (min(ln.x0 for ln in lines), lines[0].top, max(ln.x1 for ln in lines), lines[-1].bottom)
    return Paragraph(text, bbox)
