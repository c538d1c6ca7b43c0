"""A scanned ruled row whose label wraps over three lines at double leading, its numbers beside
the middle line (（六）其他处理 › 2. of a real report), stays one row: before the horizontal
rules were read, its first label line became a row of its own and the row was lost.

One small page (the three rows of （六）) is rendered, scanned at 200 dpi and read through OCR;
the geometry rule itself is checked on hand-made lines, without OCR.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from extractors.document import Grid
from extractors.ocr.bands import rows_between_rules
from extractors.ocr.image import HorizontalRule
from extractors.ocr.reader import read_pages
from extractors.pdf_borderless import Line, Segment, Word
from extractors.pdf_text import join_wrapped
from tests.fixtures.render_pdf import FONT, _register_font
from tests.fixtures.render_scan import ScanNoise, scan_pdf

SIZE = 7.5
ROWS = (
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("67", "3", "0", "0", "1", "0", "71")),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ("6", "2", "0", "0", "0", "1", "9")),
    ("3.其他", ("108", "2", "0", "0", "0", "0", "110")),
)


def three_line_label_table(path: Path) -> None:
    """（六）其他处理 as the real report prints it: ruled, labels at double leading, numbers centred."""
    _register_font()
    label = ParagraphStyle("label", fontName=FONT, fontSize=SIZE, leading=2 * SIZE, alignment=TA_LEFT,
                           wordWrap="CJK")
    value = ParagraphStyle("value", fontName=FONT, fontSize=SIZE, leading=2 * SIZE, alignment=TA_CENTER)
    data = [[Paragraph("（六）其他处理", label) if r == 0 else "", Paragraph(text, label),
             *(Paragraph(v, value) for v in values)] for r, (text, values) in enumerate(ROWS)]
    table = Table(data, colWidths=[30, 118, *[38] * 7], style=[
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("SPAN", (0, 0), (0, 2)),
        ("GRID", (0, 0), (-1, -1), 0.6, (0, 0, 0)),
    ])
    doc = SimpleDocTemplate(str(path), pagesize=(470, 200), leftMargin=20, rightMargin=20, topMargin=20,
                            bottomMargin=20, invariant=1)
    doc.build([table])


@pytest.fixture(scope="module")
def scanned_grid(tmp_path_factory: pytest.TempPathFactory) -> Grid:
    folder = tmp_path_factory.mktemp("three-line-label")
    three_line_label_table(folder / "text.pdf")
    scan_pdf(folder / "text.pdf", folder / "scan.pdf", ScanNoise())
    blocks = read_pages((folder / "scan.pdf").read_bytes(), "scan.pdf", [0])[0]
    grids = [b for b in blocks if isinstance(b, Grid)]
    assert len(grids) == 1, blocks
    return grids[0]


def test_a_ruled_row_keeps_its_label_wrapped_over_three_lines(scanned_grid: Grid) -> None:
    rows = [[join_wrapped(c.text).replace(" ", "") for c in row] for row in scanned_grid.rows]
    read = {row[1]: row[2:] for row in rows}
    for label, values in ROWS:
        assert read.get(label.replace(" ", "")) == list(values), rows
    assert len(rows) == len(ROWS), rows  # no label line stands as a row of its own


def _segment(text: str, x0: float, top: float, line: int) -> Segment:
    return Segment([Word(text, x0, top, x0 + 8 * len(text), top + 8, 8)], line)


def _lines(*rows: list[Segment]) -> list[Line]:
    return [Line(segments, 8) for segments in rows]


# A label over three lines at double leading, the number beside its middle line, between two rules.
WRAPPED = _lines([_segment("2.申请人逾期未按", 10, 100, 0)],
                 [_segment("收费通知要求缴纳", 10, 116, 1), _segment("6", 200, 116, 1)],
                 [_segment("费用", 10, 132, 2)])
ROW_RULES = [HorizontalRule(94, 5, 260), HorizontalRule(146, 5, 260)]


def test_the_lines_of_a_label_between_two_rules_join_its_numbers() -> None:
    [line] = rows_between_rules(WRAPPED, ROW_RULES)
    assert [s.text for s in line.segments] == ["2.申请人逾期未按收费通知要求缴纳费用", "6"]
    assert {s.line for s in line.segments} == {0}
    assert (line.top, line.bottom) == (100, 140)


def test_without_rules_the_lines_are_left_as_printed() -> None:
    assert rows_between_rules(WRAPPED, []) == WRAPPED
    assert rows_between_rules(WRAPPED, ROW_RULES[:1]) == WRAPPED  # no rule below: not a ruled row


def test_numbers_stacked_in_one_column_are_two_rows_a_missed_rule_cannot_merge() -> None:
    stacked = _lines([_segment("1.信访", 10, 100, 0), _segment("56", 200, 100, 0)],
                     [_segment("2.重复申请", 10, 116, 1), _segment("25", 200, 116, 1)])
    assert rows_between_rules(stacked, ROW_RULES) == stacked
