"""A text layer that lies (broken CID fonts, mojibake, random ideographs) is sent to OCR; a real one is not."""

from __future__ import annotations

import pytest

from extractors.ocr.text_layer import usable_text_layer


@pytest.mark.parametrize("text", [
    "三、收到和处理政府信息公开申请情况 本年新收政府信息公开申请数量 12",
    "2023年政府信息公开工作年度报告",
])
def test_a_real_text_layer_is_read_as_is(text: str) -> None:
    assert usable_text_layer(text)


@pytest.mark.parametrize("text", [
    "",  # no text layer
    "\ue001\ue002\ue003\ue004 12 \ue005\ue006",  # CID glyph ids in the private-use area
    "\ufffd\ufffd\ufffd\ufffd\ufffd 3",  # replacement characters
    "ÕþÎñÐÅÏ¢¹«¿ª ÄêÈÕ ±¨¸æ",  # GBK bytes read as Latin-1
    "鑫龘齉靐" * 20,  # ideographs that never say one word of the form
], ids=["empty", "private-use", "replacement", "latin1-mojibake", "random-ideographs"])
def test_a_lying_text_layer_takes_the_ocr_path(text: str) -> None:
    assert not usable_text_layer(text)
