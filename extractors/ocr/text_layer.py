"""Whether a page's text layer can be trusted, from measurable signals in the text alone.

A text layer lies when a CID font has no usable ToUnicode map (glyph ids come out as private-use
or replacement characters, control codes, or Latin-1 mojibake) or when an invisible layer does
not say what the page shows (random ideographs with none of the form's everyday words). Such a
page is read from its image instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words every page of this form's text uses; a long CJK text layer with none of them is not the form.
_FORM_WORDS = ("信息", "公开", "政府", "申请", "情况", "工作", "本年", "年度", "行政", "数量", "处理")
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class TextLayerSignals:
    """Counts over a page's text layer; `usable` decides the reading path."""

    characters: int
    broken: int  # private-use, replacement, control or unassigned code points
    mojibake: int  # Latin-1 letters (GBK bytes read as Latin-1, typical of a missing ToUnicode)
    cjk: int
    form_words: int

    @property
    def usable(self) -> bool:
        if self.characters == 0:
            return False
        if (self.broken + self.mojibake) > 0.2 * self.characters:
            return False
        # A page of 60+ ideographs without one everyday word of the form is decoded wrongly.
        return not (self.cjk >= 60 and self.form_words == 0)


def text_layer_signals(text: str) -> TextLayerSignals:
    visible = [c for c in text if not c.isspace()]
    return TextLayerSignals(
        characters=len(visible),
        broken=sum(_is_broken(c) for c in visible),
        mojibake=len(_MOJIBAKE.findall(text)),
        cjk=len(_CJK.findall(text)),
        form_words=sum(text.count(word) for word in _FORM_WORDS),
    )


def usable_text_layer(text: str) -> bool:
    """True when the page's text layer can be read as is; False sends the page to OCR."""
    return text_layer_signals(text).usable


def _is_broken(char: str) -> bool:
    category = unicodedata.category(char)
    return char == "\ufffd" or category in ("Co", "Cn", "Cs") or (category == "Cc" and char not in "\t\r\n")
