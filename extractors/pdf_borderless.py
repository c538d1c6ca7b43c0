"""Tables printed without ruling lines, rebuilt from word positions.

pdfplumber's "text" strategy guesses cell borders from text alignment and splits wrapped labels
into separate rows. Here rows are anchored on the lines that carry numbers: a wrapped label, or a
label in a tall merged cell, joins the numbered line it spans; text that spans no numbered line
(header rows, captions, rows left blank) becomes a row of its own. Columns are the x-ranges the
numbers occupy, plus label columns to their left split where labels sit side by side.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.cell_text import squeeze
from extractors.document import Grid, Provenance, SourceCell
from extractors.pdf_text import join_wrapped, rounded_bbox
from extractors.template import SECTION_HEADINGS

# A printed value: a (signed) number, or a not-applicable marker standing in a value cell.
_VALUE = re.compile(r"^([-−+]?[\d０-９][\d０-９,，.．]*%?|[—–\-/／无]|——)$")


@dataclass(frozen=True)
class Word:
    """A word as pdfplumber reports it (top-left origin), with its font size."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


@dataclass
class Segment:
    """Words on one line close enough to belong to one cell."""

    words: list[Word]
    line: int = -1

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def is_value(self) -> bool:
        return bool(_VALUE.match(self.text.replace(" ", "")))


@dataclass
class Line:
    """One printed line: its segments from left to right."""

    segments: list[Segment]
    size: float

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1


@dataclass
class _Block:
    """Segments stacked in one column that read as one cell (a wrapped label, a number)."""

    column: int
    segments: list[Segment] = field(default_factory=list)
    value_lines: set[int] = field(default_factory=set)

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class BorderlessTable:
    """A rebuilt grid plus the indices of the page lines it consumed."""

    grid: Grid
    line_indices: range


def build_lines(words: Sequence[Word], column_gap_ratio: float) -> list[Line]:
    """Words grouped into printed lines (by vertical overlap) and split into segments at wide gaps."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            current = lines[-1]
            top = min(w.top for w in current)
            bottom = max(w.bottom for w in current)
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap > 0.5 * min(bottom - top, word.bottom - word.top):
                current.append(word)
                continue
        lines.append([word])
    result: list[Line] = []
    for index, line_words in enumerate(lines):
        line_words.sort(key=lambda w: w.x0)
        size = statistics.median(w.size for w in line_words)
        segments = [Segment([line_words[0]], index)]
        for word in line_words[1:]:
            if word.x0 - segments[-1].x1 > column_gap_ratio * size:
                segments.append(Segment([word], index))
            else:
                segments[-1].words.append(word)
        result.append(Line(segments, size))
    return result


def find_borderless_tables(lines: Sequence[Line], source: str, page: int, text_width: float,
                           column_gap_ratio: float) -> list[BorderlessTable]:
    """Every run of lines that reads as a table (several columns, at least one numbered line)."""
    tables: list[BorderlessTable] = []
    index = 0
    while index < len(lines):
        region = _region_from(lines, index, text_width)
        if region is None:
            index += 1
            continue
        grid = _grid(lines[region.start:region.stop], source, page, column_gap_ratio)
        if grid is not None:
            tables.append(BorderlessTable(grid, region))
        index = region.stop
    return tables


def _region_from(lines: Sequence[Line], start: int, text_width: float) -> range | None:
    """The table region starting at `start`, if a multi-column line starts one there."""
    first = lines[start]
    if len(first.segments) < 2:
        return None
    size = first.size
    pitch = 3.5 * size  # the largest gap between two lines of one table (padding included)
    end = start + 1
    last_multi = start
    body_follows = False
    while end < len(lines):
        line, previous = lines[end], lines[end - 1]
        if line.top - previous.bottom > pitch or line.size > size + 0.5:
            break
        if len(line.segments) >= 2 or any(s.is_value for s in line.segments):
            last_multi = end  # a lone number is a value centred beside a wrapped label
        elif line.x1 - line.x0 > 0.75 * text_width:
            body_follows = True
            break  # a full-width body line: the table has ended
        end += 1
    stop = last_multi + 1
    tail = lines[stop:end]
    if tail and not body_follows and all(abs(line.size - size) <= 0.5 and not _names_a_section(line) for line in tail):
        stop = end  # rows of a label over blanks (a last row of blank zeros), in the table's own type
    while stop < len(lines) and _continues_cell(lines[stop - 1], lines[stop], size, text_width):
        stop += 1  # the wrapped tail of the last row's label
    region = lines[start:stop]
    multi = sum(len(line.segments) >= 2 for line in region)
    numbered = sum(any(s.is_value for s in line.segments[1:]) for line in region)
    widest_row = max(sum(s.is_value for s in line.segments) for line in region)
    if numbered < 1 or (multi < 2 and widest_row < 3):
        return None  # one row of several numbers is a table broken by a page; one pair is not
    return range(start, stop)


def _names_a_section(line: Line) -> bool:
    """A section heading (四、…行政复议、行政诉讼情况) set in the table's type ends the table."""
    text = squeeze("".join(s.text for s in line.segments))
    return any(squeeze(anchor) in text for anchors in SECTION_HEADINGS.values() for anchor in anchors)


def _continues_cell(previous: Line, line: Line, size: float, text_width: float) -> bool:
    return (len(line.segments) == 1 and abs(line.size - size) <= 0.5 and line.top - previous.bottom <= 0.5 * size
            and line.x1 - line.x0 < 0.75 * text_width)


def _grid(lines: Sequence[Line], source: str, page: int, column_gap_ratio: float) -> Grid | None:
    value_segments = [s for line in lines for s in line.segments if s.is_value]
    value_columns = _value_columns(value_segments, lines)
    if not value_columns:
        return None
    value_line_ids = {s.line for s in value_segments}
    # Row labels on numbered lines end where the label area ends; headers further right belong to
    # value columns even when they start left of the (centred) numbers below them.
    row_labels = [s for line in lines for s in line.segments
                  if s.line in value_line_ids and not s.is_value and s.x1 <= value_columns[0][0]]
    label_right = max((s.x1 for s in row_labels), default=None)
    if label_right is not None:
        value_columns = sorted(value_columns + _header_only_columns(lines, value_line_ids, value_columns, label_right))
    label_columns = _label_columns(lines, label_right, column_gap_ratio) if label_right is not None else []
    layout = _Columns(label_columns, value_columns, label_right)
    segments = [part for line in lines for s in line.segments for part in _split_over_columns(s, layout)]
    blocks = _blocks(segments, layout, value_line_ids, lines[0].size)
    by_index = {segment.line: line for line in lines for segment in line.segments}
    rows = _rows(blocks, layout, value_line_ids, by_index)
    return _to_grid(rows, layout.all, source, page)


@dataclass(frozen=True)
class _Columns:
    """Label columns (left, split where labels sit side by side) and value columns (where numbers sit)."""

    labels: list[tuple[float, float]]
    values: list[tuple[float, float]]
    label_right: float | None

    @property
    def all(self) -> list[tuple[float, float]]:
        return self.labels + self.values

    def index_of(self, segment: Segment) -> int:
        centre = (segment.x0 + segment.x1) / 2
        # Text starting in the label area is a label or a caption spanning the table.
        anchor = centre if segment.is_value else segment.x0
        if self.label_right is not None and anchor < self.label_right:
            starts = [x0 for x0, _ in self.labels]
            return max((i for i, x0 in enumerate(starts) if segment.x0 >= x0 - 2), default=0)
        offset = len(self.labels)
        inside = [i for i, (x0, x1) in enumerate(self.values) if x0 - 1 <= centre <= x1 + 1]
        if inside:
            return offset + inside[0]
        if segment.is_value:  # between columns: a value merged over columns starts in the left one
            left = [i for i, (x0, _) in enumerate(self.values) if x0 <= centre]
            return offset + (left[-1] if left else 0)
        # A header is as wide as its cell: it belongs where its centre falls between column midlines.
        midlines = [(a[1] + b[0]) / 2 for a, b in zip(self.values, self.values[1:], strict=False)]
        return offset + sum(centre > m for m in midlines)

    def is_label(self, index: int) -> bool:
        return index < len(self.labels)


def _value_columns(segments: list[Segment], lines: Sequence[Line]) -> list[tuple[float, float]]:
    """X-ranges where numbers stand; a range few numbers use is a value centred over merged columns.

    Such a merged value is left out of the column list and later joins its nearest column, unless
    it stands after its row label beside a value of a well-used column: values printed side by
    side on one line are separate cells, however few rows use their columns (a table broken by a
    page can leave one three-column row above rows whose single value spans the columns).
    """
    groups: list[tuple[float, float, int]] = []
    for segment in sorted(segments, key=lambda s: s.x0):
        if groups and segment.x0 <= groups[-1][1] + 1.0:
            x0, x1, count = groups[-1]
            groups[-1] = (x0, max(x1, segment.x1), count + 1)
        else:
            groups.append((segment.x0, segment.x1, 1))
    strongest = max((count for _, _, count in groups), default=0)
    strong = [(x0, x1) for x0, x1, count in groups if count >= 0.3 * strongest]
    beside = {_group_of(groups, s) for line in lines for s in _values_after_label(line)
              if any(_group_of(groups, t) in strong for t in _values_after_label(line) if t is not s)}
    return [(x0, x1) for x0, x1, count in groups if count >= 0.3 * strongest or (x0, x1) in beside]


def _header_only_columns(lines: Sequence[Line], value_lines: set[int], value_columns: list[tuple[float, float]],
                         label_right: float) -> list[tuple[float, float]]:
    """Columns where no number stands, named by the header above them: blank = 0 tables can leave a
    whole column empty (no 商业企业 request all year), and without it the values of every row would
    be read one column to the left.

    The header's cells are its leaf texts (a text spanning two cells named on a line below, as
    法人或其他组织 does, is left out), each with its wrapped pieces. A cell over numbers owns their
    column; a cell beside the numbers owns the nearest column if no other cell does, and is a column
    of its own otherwise.
    """
    first_value_line = min(value_lines)
    headers = [(*piece, s.line) for line in lines for s in line.segments
               if s.line < first_value_line and not s.is_value and s.x0 >= label_right
               for piece in _header_pieces(s, value_columns)]

    def spans_cells(header: tuple[float, float, int]) -> bool:
        below = [(x0, x1) for x0, x1, line in headers if line > header[2] and _overlaps(header[:2], (x0, x1))]
        return any(not _overlaps(a, b) for a, b in itertools.combinations(below, 2))

    cells = _stacked([(x0, x1) for x0, x1, line in headers if not spans_cells((x0, x1, line))])  # top line first
    owned = {i for cell in cells for i, column in enumerate(value_columns) if _overlaps(cell, column)}
    beside = [cell for cell in cells if not any(_overlaps(cell, column) for column in value_columns)]

    def distance(cell: tuple[float, float], column: tuple[float, float]) -> float:
        return abs((cell[0] + cell[1]) / 2 - (column[0] + column[1]) / 2)

    own_columns = []
    for cell in sorted(beside, key=lambda c: min(distance(c, column) for column in value_columns)):
        nearest = min(range(len(value_columns)), key=lambda i: distance(cell, value_columns[i]))
        if nearest in owned:
            own_columns.append(cell)
        owned.add(nearest)
    return own_columns


def _stacked(pieces: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Header pieces, top line first, stacked into cells: a piece inside one cell (or holding it) is
    that cell's wrapped text. A piece holding two cells is two cells' tails set as one and stays apart."""
    cells: list[tuple[float, float]] = []
    for x0, x1 in pieces:
        nested = [i for i, (a, b) in enumerate(cells) if (a - 1 <= x0 and x1 <= b + 1) or (x0 - 1 <= a and b <= x1 + 1)]
        if len(nested) == 1:
            a, b = cells[nested[0]]
            cells[nested[0]] = (min(a, x0), max(b, x1))
        else:
            cells.append((x0, x1))
    return cells


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] + 1 and b[0] <= a[1] + 1


def _header_pieces(segment: Segment, value_columns: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A header segment's extent, or its words' where they stand over different columns of numbers:
    narrow columns can set their headers closer together than the gap that separates cells."""
    words = [(w.x0, w.x1) for w in segment.words]
    over = {i for word in words for i, column in enumerate(value_columns) if _overlaps(word, column)}
    return words if len(over) >= 2 else [(segment.x0, segment.x1)]


def _split_over_columns(segment: Segment, columns: _Columns) -> list[Segment]:
    """A segment whose words stand in several cells, as one segment per cell: headers of narrow
    columns set closer than the gap between cells (see `_header_pieces`), or a group label run into
    the item label beside it (`（四）无法提供 2.没有现成信息…`, the item starting where its column does)."""
    if segment.is_value or len(segment.words) < 2 or columns.label_right is None:
        return [segment]
    if segment.x0 < columns.label_right:
        starts = [x0 for x0, _ in columns.labels]
        opens = [any(abs(word.x0 - x0) <= 2 for x0 in starts) for word in segment.words]
    elif len(_header_pieces(segment, columns.values)) >= 2:
        cells = [columns.index_of(Segment([word], segment.line)) for word in segment.words]
        opens = [i == 0 or cell != cells[i - 1] for i, cell in enumerate(cells)]
    else:
        return [segment]
    parts: list[Segment] = []
    for word, opens_cell in zip(segment.words, opens, strict=True):
        if parts and not opens_cell:
            parts[-1].words.append(word)
        else:
            parts.append(Segment([word], segment.line))
    return parts


def _values_after_label(line: Line) -> list[Segment]:
    """The values of a line right of its last text segment (never an item number inside a label)."""
    last_text = max((i for i, s in enumerate(line.segments) if not s.is_value), default=-1)
    values = [s for s in line.segments[last_text + 1:] if s.is_value]
    return values if len(values) >= 2 else []


def _group_of(groups: list[tuple[float, float, int]], segment: Segment) -> tuple[float, float]:
    return next((x0, x1) for x0, x1, _ in groups if x0 <= segment.x0 and segment.x1 <= x1)


def _merge_intervals(intervals: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for x0, x1 in sorted(intervals):
        if merged and x0 <= merged[-1][1] + tolerance:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _label_columns(lines: Sequence[Line], label_right: float, column_gap_ratio: float) -> list[tuple[float, float]]:
    """Label columns left of the numbers, split only where two labels share a line."""
    labels = [[s for s in line.segments if (s.x0 + s.x1) / 2 <= label_right] for line in lines]
    left = min(s[0].x0 for s in labels if s)
    side_by_side = [(s.x0, s.x1) for line_labels in labels if len(line_labels) >= 2 for s in line_labels]
    spans = _merge_intervals(side_by_side, column_gap_ratio)
    starts = [left] + [x0 for x0, _ in spans[1:]]
    ends = [*starts[1:], label_right]
    return list(zip(starts, ends, strict=True))


def _blocks(segments: list[Segment], columns: _Columns, value_lines: set[int], size: float) -> list[_Block]:
    """Stack segments per column into cells; a value column never stacks two numbered lines."""
    wrap_gap = 0.5 * size
    by_column: dict[int, list[Segment]] = {}
    for segment in segments:
        by_column.setdefault(columns.index_of(segment), []).append(segment)
    blocks: list[_Block] = []
    for column, column_segments in sorted(by_column.items()):
        current: _Block | None = None
        for segment in sorted(column_segments, key=lambda s: s.top):
            on_value_line = segment.line in value_lines
            joinable = (
                current is not None
                and segment.top - current.bottom <= wrap_gap
                and (columns.is_label(column) or not (on_value_line and current.value_lines))
            )
            if current is None or not joinable:
                current = _Block(column)
                blocks.append(current)
            current.segments.append(segment)
            if on_value_line:
                current.value_lines.add(segment.line)
    return blocks


@dataclass
class _Row:
    top: float
    bottom: float
    blocks: list[_Block] = field(default_factory=list)

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


def _rows(blocks: list[_Block], columns: _Columns, value_lines: set[int], lines: dict[int, Line]) -> list[_Row]:
    """Rows anchored on numbered lines; other blocks join the numbered line they reach, or stand alone.

    A label block squeezed against numbered lines (a wrapped label, a group label centred in a
    merged cell) joins the nearest; one with room of its own (a caption, a row left blank) does not.
    """
    anchors = {i: _Row(lines[i].top, lines[i].bottom) for i in sorted(value_lines)}
    orphans: list[_Block] = []
    for block in blocks:
        candidates = [anchors[i] for i in block.value_lines]
        if not candidates and columns.is_label(block.column):
            candidates = _squeezed_between(block, list(anchors.values()))
        if candidates:
            min(candidates, key=lambda r: (abs(r.centre - block.centre), r.centre)).blocks.append(block)
        else:
            orphans.append(block)
    rows = list(anchors.values()) + _orphan_rows(orphans)
    return sorted(rows, key=lambda r: r.top)


def _squeezed_between(block: _Block, rows: list[_Row]) -> list[_Row]:
    """Numbered rows a label block reaches into: rows whose line (padded by half its height) it overlaps."""
    def reaches(row: _Row) -> bool:
        pad = 0.5 * (row.bottom - row.top)
        return block.top < row.bottom + pad and block.bottom > row.top - pad
    return [row for row in rows if reaches(row)]


def _orphan_rows(blocks: list[_Block]) -> list[_Row]:
    """Header/caption/blank rows: one-line blocks that overlap form a row; taller blocks join one."""
    rows: list[_Row] = []
    for block in sorted(blocks, key=lambda b: (len(b.segments) > 1, b.top)):
        home = next((r for r in rows if r.top - 1 <= block.centre <= r.bottom + 1), None)
        if home is None:
            home = _Row(block.top, block.bottom)
            rows.append(home)
        home.blocks.append(block)
        if len(block.segments) == 1:
            home.top, home.bottom = min(home.top, block.top), max(home.bottom, block.bottom)
    return rows


def _to_grid(rows: list[_Row], columns: list[tuple[float, float]], source: str, page: int) -> Grid:
    grid_rows: list[list[SourceCell]] = []
    for row in rows:
        top = min([row.top, *(b.top for b in row.blocks)])
        bottom = max([row.bottom, *(b.bottom for b in row.blocks)])
        cells: list[SourceCell] = []
        for index, (x0, x1) in enumerate(columns):
            in_cell = (s for b in row.blocks if b.column == index for s in b.segments)
            parts = sorted(in_cell, key=lambda s: (s.top, s.x0))
            if parts:
                text = join_wrapped("\n".join(s.text for s in parts))
                bbox = (min(s.x0 for s in parts), min(s.top for s in parts), max(s.x1 for s in parts),
                        max(s.bottom for s in parts))
            else:
                text, bbox = "", (x0, top, x1, bottom)
            cells.append(SourceCell(text, Provenance(file=source, page=page, bbox=rounded_bbox(bbox))))
        grid_rows.append(cells)
    table_box = (columns[0][0], rows[0].top, columns[-1][1], max(r.bottom for r in rows))
    return Grid(rows=grid_rows, provenance=Provenance(file=source, page=page, bbox=rounded_bbox(table_box)))
