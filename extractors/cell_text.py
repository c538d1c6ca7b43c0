"""Joining text fragments the way a reader sees them, shared by the HTML and DOCX readers.

Office exports split one label over many runs, spans and paragraphs, and wrap source lines in
the middle of words. Chinese has no spaces between words, so a line break or paragraph break
between two CJK characters must vanish, while one between Latin words or numbers must stay a space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WHITESPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def is_cjk(char: str) -> bool:
    """CJK ideographs and full-width punctuation: characters that take no space between them."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x303F  # CJK punctuation (、。「」〔〕)
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms （），：
        or 0x2018 <= code <= 0x201D  # “三安全一稳定” quotes
        or 0x20000 <= code <= 0x2FA1F
    )


def squeeze(text: str) -> str:
    """Collapse whitespace (incl. NBSP and ideographic space) and drop it between CJK characters."""
    parts = _WHITESPACE.split(text.strip(" \t\r\n\f\v\u00a0\u3000\u200b\ufeff"))
    out = parts[0]
    for part in parts[1:]:
        if not part:
            continue
        if out and is_cjk(out[-1]) and is_cjk(part[0]):
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out


def join_fragments(fragments: Iterable[str]) -> str:
    """Join text pieces from separate blocks (paragraphs in a cell) into one squeezed line."""
    return squeeze(" ".join(f for f in fragments if f))
