"""Charset detection: declarations are trusted only when the bytes agree with them."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extractors.encoding import canonical_codec, decode_html, meta_charsets
from extractors.html import read_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
TEXT = "沙坡头区文昌镇2023年政府信息公开工作年度报告：“三安全一稳定”〔2021〕30号，邮编755000。"


def _page(charset_meta: str | None, text: str = TEXT) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}</head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize("label, codec", [("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"),
                                          ("UTF8", "utf-8"), ("gb18030", "gb18030"), ("bogus", None), (None, None)])
def test_charset_labels_map_to_codecs_with_gbk_widened_to_gb18030(label: str | None, codec: str | None) -> None:
    assert canonical_codec(label) == codec


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
@pytest.mark.parametrize("meta", ["correct", "missing", "wrong"])
def test_reports_decode_whatever_the_meta_says(encoding: str, meta: str) -> None:
    declared = {"correct": encoding, "missing": None, "wrong": "gbk" if encoding == "utf-8" else "utf-8"}[meta]
    decoded = decode_html(_page(declared).encode(encoding))
    assert TEXT in decoded.text


def test_a_declared_charset_that_decodes_cleanly_is_used() -> None:
    decoded = decode_html(_page("gb2312").encode("gbk"))
    assert (decoded.encoding, decoded.origin) == ("gb18030", "meta")


def test_http_header_charset_wins_over_meta() -> None:
    decoded = decode_html(_page("utf-8").encode("gbk"), http_charset="GBK")
    assert (decoded.encoding, decoded.origin) == ("gb18030", "http")


def test_a_lying_http_header_is_overruled_by_the_bytes() -> None:
    decoded = decode_html(_page("utf-8").encode("utf-8"), http_charset="gbk")
    assert (decoded.encoding, decoded.origin) == ("utf-8", "meta")


def test_a_byte_order_mark_is_definitive() -> None:
    decoded = decode_html(codecs.BOM_UTF8 + _page("gbk").encode("utf-8"))
    assert decoded.origin == "bom" and TEXT in decoded.text and not decoded.text.startswith("\ufeff")


def test_gb18030_only_characters_survive() -> None:
    text = "䶮镇报告𠀀"  # outside GBK: needs the GB18030 four-byte forms
    decoded = decode_html(_page("gb2312", text).encode("gb18030"))
    assert text in decoded.text


def test_meta_charset_attribute_is_found() -> None:
    assert meta_charsets(b'<html><head><meta charset="GBK"></head></html>') == ["gb18030"]


def test_gbk_page_under_a_utf8_meta_reads_right() -> None:
    data = (FIXTURES / "gbk-bytes-under-utf8-meta.html").read_bytes()
    doc = read_html(data, "g.html")
    assert doc.text.split("\n")[0] == "文昌镇2023年政府信息公开工作年度报告"
    assert doc.grids[0].texts() == [["信息内容", "本年处理决定数量"], ["行政许可", "12"]]
    assert "中卫市沙坡头区文昌镇人民政府" in doc.text
