"""DOCX reader: body order, merged cells, nested tables, provenance and bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from extractors.document import Grid, Provenance, TextBlock, UnreadableDocument, UnsupportedDocument
from extractors.docx import read_docx

BLANK_FORM = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real" / "template-gbgkbh-2021-30-blank.docx"


def _bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def blank_form() -> bytes:
    if not BLANK_FORM.is_file():
        pytest.fail(f"{BLANK_FORM} is missing: these tests need ../shared/corpus beside the project")
    return BLANK_FORM.read_bytes()


def test_official_form_blocks_come_in_body_order(blank_form: bytes) -> None:
    doc = read_docx(blank_form, "form.docx")
    order = [("grid" if isinstance(b, Grid) else b.text) for b in doc.blocks]
    headings = ["二、主动公开政府信息情况", "grid", "三、收到和处理政府信息公开申请情况", "grid",
                "四、政府信息公开行政复议、行政诉讼情况", "grid", "五、存在的主要问题及改进情况"]
    start = order.index(headings[0])
    assert order[start:start + len(headings)] == headings
    assert doc.format == "docx"


def test_official_form_section3_merges_expand_with_text_top_left(blank_form: bytes) -> None:
    grid = read_docx(blank_form, "form.docx").grids[1].texts()
    assert len(grid) == 28 and {len(r) for r in grid} == {10}
    assert grid[0][:4] == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况"]
    assert grid[1][3:] == ["自然人", "法人或其他组织", "", "", "", "", "总计"]
    assert grid[2][3:] == ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]  # 商业/企业 joined
    assert grid[5][:3] == ["三、本年度办理结果", "（一）予以公开", ""]
    assert grid[7][:3] == ["", "（三）不予公开", "1.属于国家秘密"]
    assert grid[8][:3] == ["", "", "2.其他法律行政法规禁止公开"]  # vMerge continuations are empty
    assert grid[27][:3] == ["四、结转下年度继续办理", "", ""]


def test_official_form_section4_three_level_header(blank_form: bytes) -> None:
    grid = read_docx(blank_form, "form.docx").grids[2].texts()
    assert grid[0][0] == "行政复议" and grid[0][5] == "行政诉讼" and grid[0][1:5] == [""] * 4
    assert grid[1][5] == "未经复议直接起诉" and grid[1][10] == "复议后起诉"
    assert grid[2][5:10] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert grid[2][:5] == [""] * 5


def test_cells_carry_table_row_and_column(blank_form: bytes) -> None:
    grids = read_docx(blank_form, "form.docx").grids
    assert grids[2].provenance == Provenance(file="form.docx", table=2)
    assert grids[1].rows[7][2].provenance == Provenance(file="form.docx", table=1, row=7, col=2)


def test_a_layout_table_does_not_hide_nested_data_tables() -> None:
    document = docx.Document()
    outer = document.add_table(rows=1, cols=1).cell(0, 0)
    outer.paragraphs[0].text = "三、收到和处理政府信息公开申请情况"
    inner = outer.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "信息内容", (0, 1): "本年处理决定数量", (1, 0): "行政许可", (1, 1): "5"}.items():
        inner.cell(r, c).text = text
    outer.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    doc = read_docx(_bytes(document), "n.docx")
    assert [("grid" if isinstance(b, Grid) else b.text) for b in doc.blocks] == [
        "三、收到和处理政府信息公开申请情况", "grid", "四、政府信息公开行政复议、行政诉讼情况"]
    assert doc.grids[0].texts() == [["信息内容", "本年处理决定数量"], ["行政许可", "5"]]


def test_grid_before_and_short_rows_are_padded() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for (r, c), text in {(0, 0): "a", (0, 1): "b", (1, 1): "y", (1, 2): "z"}.items():
        table.cell(r, c).text = text
    top, bottom = table.rows[0]._tr, table.rows[1]._tr
    top.remove(top.tc_lst[-1])  # a row one cell short
    bottom.remove(bottom.tc_lst[0])  # a row that starts one grid column in
    grid_before = OxmlElement("w:gridBefore")
    grid_before.set(qn("w:val"), "1")
    bottom.get_or_add_trPr().insert(0, grid_before)
    assert read_docx(_bytes(document), "g.docx").grids[0].texts() == [["a", "b", ""], ["", "y", "z"]]


def test_paragraph_text_keeps_runs_and_drops_empty_paragraphs() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    for piece in ("本报告统计数据从", "2023", "年1月1日至2023年12月31日。"):
        paragraph.add_run(piece)
    document.add_paragraph("")
    doc = read_docx(_bytes(document), "p.docx")
    texts = [b.text for b in doc.blocks if isinstance(b, TextBlock)]
    assert texts == ["本报告统计数据从2023年1月1日至2023年12月31日。"]


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize("data, reason", [
    (b"", "the file is empty"),
    (b"just some text, not a document", "not a DOCX file"),
    (_zip({"readme.txt": b"hello"}), "without word/document.xml"),
    (_OLE + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le"), "password-protected"),
    (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"}), "not a readable Word document"),
])
def test_bad_input_is_unreadable_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableDocument, match=rf"^bad\.docx: .*{reason}"):
        read_docx(data, "bad.docx")


def test_truncated_docx_is_unreadable(blank_form: bytes) -> None:
    with pytest.raises(UnreadableDocument, match=r"^t\.docx: the DOCX zip archive is truncated or corrupt"):
        read_docx(blank_form[: len(blank_form) // 2], "t.docx")


def test_legacy_word_binary_is_unsupported_and_says_it_needs_conversion() -> None:
    with pytest.raises(UnsupportedDocument, match=r"^old\.doc: a legacy Word/WPS binary .*needs conversion"):
        read_docx(_OLE + "WordDocument".encode("utf-16-le"), "old.doc")
