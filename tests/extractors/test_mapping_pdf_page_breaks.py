"""Page breaks in office-exported PDFs, rule by rule: what the mapper joins, and what it refuses to guess."""

from __future__ import annotations

from pathlib import Path

from extractors.document import Document, Provenance, SourceCell
from extractors.mapping.rows import Row, squeeze
from extractors.mapping.section3_continuation import rejoin_split_rows
from extractors.pdf import read_pdf
from extractors.report import Report
from tests.fixtures.checked import build_report

PDF_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
_AT = Provenance(file="synthetic.pdf", page=1)


def _row(texts: list[str], grid: int) -> Row:
    return Row([SourceCell(t, _AT) for t in texts], grid)


def test_a_number_cut_after_its_thousands_separator_is_joined_with_its_digits() -> None:
    head = _row(["", "", "小计", "2,", "91", "1,917"], grid=1)
    tail = _row(["", "", "", "916", "", ""], grid=2)
    joined = rejoin_split_rows([head, tail], transposed=True)
    assert [c.text for c in joined[0].cells[3:]] == ["2,916", "91", "1,917"]
    assert len(joined) == 1


def test_a_blank_row_label_broken_by_a_page_is_one_row() -> None:
    head = _row(["", "", "4.保护第", "", ""], grid=1)
    tail = _row(["", "", "三方合法权益", "", ""], grid=2)
    joined = rejoin_split_rows([head, tail], transposed=False)
    assert [squeeze(c.text) for c in joined[0].cells] == ["", "", "4保护第三方合法权益", "", ""]


def test_a_numbered_label_on_the_next_page_is_a_row_of_its_own() -> None:
    subtotal = _row(["", "（六）其", "小计", "171", "51", "230"], grid=1)
    item = _row(["", "他处理", "1.申请人无正当理由逾期不补正", "40", "9", "49"], grid=2)
    assert len(rejoin_split_rows([subtotal, item], transposed=False)) == 2


def _without_rows(doc: Document, lost: str) -> Document:
    for grid in doc.grids:
        grid.rows = [row for row in grid.rows if lost not in "".join(cell.text for cell in row)]
    return doc


def test_a_table_4_whose_columns_cannot_be_read_is_unlocated_not_missing() -> None:
    """Without its header (lost by a reader), a blank = 0 table 四 has no place for its values:
    every cell is unlocated and the report invalid, never `ok` with table 四 missing."""
    pdf = PDF_FIXTURES / "libreoffice-section4-header-split-across-page-break.pdf"
    doc = _without_rows(_without_rows(read_pdf(pdf.read_bytes(), pdf.name), "尚未"), "审结")
    report = build_report(doc, Report(source=pdf.name, sha256=""))
    section4 = [cell for key, cell in report.cells.items() if key[0] == 4]
    assert len(section4) == 15 and all(c.value is None and "unlocated" in c.flags for c in section4)
    assert report.status == "invalid"
