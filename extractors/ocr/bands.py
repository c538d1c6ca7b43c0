"""Table rows from the horizontal ruling lines of a scan: a row is the band between two rules.

The borderless-table builder reads rows from text positions alone: a label wrapped over three
lines at double leading, its numbers beside the middle line, leaves its first line too far from
the numbers to join them, and it becomes a row of its own. On a ruled table the rules say where
a row begins and ends, so the lines of a label inside one band are one label, and the numbers
anywhere in the band belong to it. Bands without numbers (headers, a group label spanning rows)
and pages without rules are left as the text positions give them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.ocr.image import HorizontalRule
from extractors.pdf_borderless import Line, Segment, Word
from extractors.pdf_text import join_wrapped

# A rule covers a segment whose centre lies within this many points of its ends.
_COVER_TOLERANCE = 2.0
# A band taller than this many font sizes is not a table row (body text between a page's header
# and footer rules); a five-line label at double leading is ~10.
_MAX_ROW_SIZES = 12.0


@dataclass
class _Band:
    """The segments lying between the same two rules."""

    top: float
    bottom: float
    segments: list[Segment] = field(default_factory=list)


def rows_between_rules(lines: Sequence[Line], rules: Sequence[HorizontalRule]) -> list[Line]:
    """The page's lines with each ruled row that holds numbers gathered onto one line (rules in
    the lines' units, PDF points).

    The row's label lines become one label (its wrapped text joined, its box their union) and
    its numbers, from whichever line they were read on, join it; the other lines keep their order.
    """
    if not rules:
        return list(lines)
    bands: dict[tuple[float, float], _Band] = {}
    for line in lines:
        for segment in line.segments:
            bounds = _band_of(segment, rules)
            if bounds is not None:
                bands.setdefault(bounds, _Band(*bounds)).segments.append(segment)
    size = statistics.median(line.size for line in lines) if lines else 0.0
    moved: dict[int, list[Segment]] = {}  # line index → the row's segments it now carries
    taken: set[int] = set()  # id() of every segment gathered into a row
    for band in bands.values():
        target = _row_line(band, size)
        if target is None:
            continue
        moved.setdefault(target, []).extend(_gathered(band, lines[target].size))
        taken.update(id(s) for s in band.segments)
    if not moved:
        return list(lines)
    kept = [([s for s in line.segments if id(s) not in taken] + moved.get(index, []), line.size)
            for index, line in enumerate(lines)]
    rebuilt = sorted(((segments, line_size) for segments, line_size in kept if segments),
                     key=lambda item: min(s.top for s in item[0]))
    return [Line([Segment(s.words, number) for s in sorted(segments, key=lambda s: s.x0)], line_size)
            for number, (segments, line_size) in enumerate(rebuilt)]


def _band_of(segment: Segment, rules: Sequence[HorizontalRule]) -> tuple[float, float] | None:
    """The y of the rules right above and right below the segment, among those spanning its centre."""
    x, y = (segment.x0 + segment.x1) / 2, (segment.top + segment.bottom) / 2
    spanning = [r.y for r in rules if r.x0 - _COVER_TOLERANCE <= x <= r.x1 + _COVER_TOLERANCE]
    above = max((r for r in spanning if r <= y), default=None)
    below = min((r for r in spanning if r > y), default=None)
    if above is None or below is None:
        return None
    return above, below


def _row_line(band: _Band, size: float) -> int | None:
    """The line a band's row gathers on (the one with most of its numbers), or None when the band
    is not one row: no numbers, a single line already, too tall, or numbers stacked in one column."""
    values = [s for s in band.segments if s.is_value]
    if not values or len({s.line for s in band.segments}) < 2 or band.bottom - band.top > _MAX_ROW_SIZES * size:
        return None
    if any(a.line != b.line and _overlap(a, b) for i, a in enumerate(values) for b in values[i + 1:]):
        return None
    counts = {line: sum(s.line == line for s in values) for line in {s.line for s in values}}
    return max(counts, key=lambda line: (counts[line], -line))


def _gathered(band: _Band, size: float) -> list[Segment]:
    """The band's numbers as read, and each stack of label lines (overlapping across) as one label."""
    stacks: list[list[Segment]] = []
    for segment in sorted((s for s in band.segments if not s.is_value), key=lambda s: s.x0):
        home = next((stack for stack in stacks if any(_overlap(segment, s) for s in stack)), None)
        if home is None:
            stacks.append([segment])
        else:
            home.append(segment)
    labels = [_one_label(stack, size) for stack in stacks]
    return [s for s in band.segments if s.is_value] + labels


def _one_label(stack: list[Segment], size: float) -> Segment:
    if len(stack) == 1:
        return stack[0]
    ordered = sorted(stack, key=lambda s: (s.top, s.x0))
    text = join_wrapped("\n".join(s.text for s in ordered))
    word = Word(text, min(s.x0 for s in stack), min(s.top for s in stack), max(s.x1 for s in stack),
                max(s.bottom for s in stack), size)
    return Segment([word])


def _overlap(a: Segment, b: Segment) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0
