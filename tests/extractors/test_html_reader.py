"""HTML reader: span expansion, Word markup, layout tables, title, provenance and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.document import Document, Provenance, TextBlock, UnreadableDocument
from extractors.html import read_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"


def block_texts(doc: Document) -> list[str]:
    """Each block's text, "grid" for a table: the reading order at a glance."""
    return [b.text if isinstance(b, TextBlock) else "grid" for b in doc.blocks]


def _page(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_rowspan_and_colspan_expand_to_a_rectangle_with_text_top_left() -> None:
    doc = read_html(_page(
        "<table>"
        "<tr><td rowspan=2 colspan=2>A</td><td colspan=2>B</td></tr>"
        "<tr><td>C</td><td rowspan=2>D</td></tr>"
        "<tr><td>E</td><td>F</td><td>G</td></tr>"
        "</table>"), "t.html")
    assert doc.grids[0].texts() == [
        ["A", "", "B", ""],
        ["", "", "C", "D"],
        ["E", "F", "G", ""],
    ]


def test_rowspan_past_the_last_row_and_junk_spans_are_clamped() -> None:
    doc = read_html(_page("<table><tr><td rowspan=9>A</td><td colspan='x'>B</td></tr>"
                          "<tr><td colspan=0>C</td></tr></table>"), "t.html")
    assert doc.grids[0].texts() == [["A", "B"], ["", "C"]]


def test_thead_tbody_and_th_rows_are_read_in_order() -> None:
    doc = read_html(_page("<table><thead><tr><th>信息内容</th><th>数量</th></tr></thead>"
                          "<tbody><tr><td>行政许可</td><td>3</td></tr></tbody></table>"), "t.html")
    assert doc.grids[0].texts() == [["信息内容", "数量"], ["行政许可", "3"]]


def test_every_cell_carries_its_table_row_and_column() -> None:
    doc = read_html(_page("<table><tr><td>a</td><td>b</td></tr></table><p>x</p>"
                          "<table><tr><td colspan=2>c</td></tr><tr><td>d</td><td>7</td></tr></table>"), "r.html")
    second = doc.grids[1]
    assert second.provenance == Provenance(file="r.html", table=1)
    assert second.rows[1][1].provenance == Provenance(file="r.html", table=1, row=1, col=1)
    assert all(cell.provenance.table == t and cell.provenance.row == r and cell.provenance.col == c
               for t, grid in enumerate(doc.grids)
               for r, row in enumerate(grid.rows)
               for c, cell in enumerate(row))


def test_word_export_labels_split_over_spans_and_paragraphs_are_joined() -> None:
    doc = read_html((FIXTURES / "word-export-label-split-over-spans.html").read_bytes(), "w.html")
    assert [b.text for b in doc.blocks if isinstance(b, TextBlock)] == ["三、收到和处理政府信息公开申请情况"]
    assert doc.grids[0].texts() == [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况", ""],
        ["", "", "自然人", "总计"],
        ["一、本年新收政府信息公开申请数量", "", "1,024", ""],
        ["三、本年度办理结果", "（一）予以公开", "7", "7"],
        ["", "（七）总计", "—", "0"],
        ["", "", "", ""],  # Word's hidden sizing row, kept so row numbers match the source
    ]


def test_a_layout_table_does_not_hide_the_data_tables_inside_it() -> None:
    doc = read_html((FIXTURES / "layout-table-wrapping-data-tables.html").read_bytes(), "l.html")
    assert block_texts(doc) == ["某县2023年政府信息公开工作年度报告", "首页 > 信息公开 > 年度报告",
                     "二、主动公开政府信息情况", "grid",
                     "四、政府信息公开行政复议、行政诉讼情况", "grid", "【打印本页】【关闭窗口】"]
    assert doc.grids[1].texts() == [["行政复议", ""], ["结果维持", "总计"], ["1", "1"]]


def test_script_style_and_comments_are_dropped() -> None:
    doc = read_html(_page("<p>正文<script>var x = '不要';</script><style>p{}</style><!-- 注释 -->内容</p>"
                          "<noscript>请启用</noscript>"), "s.html")
    assert block_texts(doc) == ["正文内容"]


def test_nbsp_becomes_space_and_vanishes_between_cjk() -> None:
    doc = read_html(_page("<p>总&nbsp;&nbsp;计&nbsp;2023&nbsp;年</p><p>Annual&nbsp;report\n of X</p>"), "n.html")
    assert block_texts(doc) == ["总计 2023 年", "Annual report of X"]


def test_br_and_block_elements_split_text_blocks() -> None:
    doc = read_html(_page("<div>一、总体情况<br>2023年，本镇…<div>二、主动公开政府信息情况</div></div>"), "b.html")
    assert block_texts(doc) == ["一、总体情况", "2023年，本镇…", "二、主动公开政府信息情况"]


def test_article_title_comes_first_and_is_not_repeated() -> None:
    doc = read_html(_page("<div class=nav>首页</div><h1>某镇2023年政府信息公开工作年度报告</h1><p>正文</p>",
                          head="<title>某镇2023年政府信息公开工作年度报告_某镇人民政府</title>"), "t.html")
    assert block_texts(doc) == ["某镇2023年政府信息公开工作年度报告", "首页", "正文"]


def test_title_falls_back_to_the_page_title_without_the_site_name() -> None:
    head = "<title>某县2022年政府信息公开工作年度报告_某县人民政府网</title>"
    doc = read_html(_page("<p>正文</p>", head=head), "t.html")
    assert block_texts(doc)[0] == "某县2022年政府信息公开工作年度报告"


def test_single_column_tables_are_read_as_text() -> None:
    doc = read_html(_page("<table><tr><td>三、收到和处理政府信息公开申请情况</td></tr><tr><td>正文</td></tr></table>"),
                    "o.html")
    assert doc.grids == []
    assert block_texts(doc) == ["三、收到和处理政府信息公开申请情况", "正文"]


def test_document_format_is_html() -> None:
    assert read_html(_page("<p>x</p>"), "f.html").format == "html"


@pytest.mark.parametrize("data", [b"", b"   \n\t"])
def test_empty_input_is_unreadable_and_names_the_file(data: bytes) -> None:
    with pytest.raises(UnreadableDocument, match=r"^e\.html: the file is empty"):
        read_html(data, "e.html")


def test_binary_bytes_are_unreadable() -> None:
    with pytest.raises(UnreadableDocument, match=r"^b\.html: binary content"):
        read_html(b"\x00\x01\x02\x03" * 100, "b.html")
