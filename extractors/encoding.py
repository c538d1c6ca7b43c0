"""Decode HTML bytes to text, trusting declarations only when the bytes agree with them.

Government sites declare charsets wrongly surprisingly often (a template says utf-8, the CMS writes
GBK). So every declared charset is verified by a strict decode before it is used, and GBK/GB2312
are always decoded as GB18030, their superset, so rare characters never become errors.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer
import lxml.html

# Charsets whose superset decodes everything they do, and more.
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "ascii": "utf-8", "iso8859-1": "cp1252"}
# WHATWG labels Python's codec registry does not know.
_LABEL_ALIASES = {"x-gbk": "gbk", "gb_2312-80": "gb2312", "csgb2312": "gb2312", "gb_2312": "gb2312",
                  "chinese": "gbk", "iso-ir-58": "gb2312", "x-cp936": "gbk"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_SCAN_BYTES = 8192


@dataclass(frozen=True)
class DecodedText:
    """The text, the codec that produced it and why that codec was chosen."""

    text: str
    encoding: str
    origin: str  # bom | http | meta | utf-8-valid | detected | fallback


def canonical_codec(label: str | None) -> str | None:
    """A Python codec name for a charset label (`GB2312` → `gb18030`), or None if unknown."""
    if not label:
        return None
    try:
        cleaned = label.strip().strip("\"'").lower()
        name = codecs.lookup(_LABEL_ALIASES.get(cleaned, cleaned)).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def decode_html(data: bytes, http_charset: str | None = None) -> DecodedText:
    """Decode an HTML page: BOM, then HTTP header, then <meta>, then the bytes themselves."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return DecodedText(data.decode(bom_codec, errors="replace"), bom_codec, "bom")
    valid_utf8 = _decodes(data, "utf-8")
    has_non_ascii = not data.isascii()
    declared = [("http", canonical_codec(http_charset))] + [("meta", c) for c in meta_charsets(data)]
    for origin, codec in declared:
        if codec is None or not _decodes(data, codec):
            continue
        # Valid UTF-8 with non-ASCII bytes is near-proof of UTF-8: legacy CJK text almost never is.
        if codec != "utf-8" and valid_utf8 and has_non_ascii:
            continue
        return DecodedText(data.decode(codec), codec, origin)
    if valid_utf8:
        return DecodedText(data.decode("utf-8"), "utf-8", "utf-8-valid")
    best = charset_normalizer.from_bytes(data).best()
    guessed = canonical_codec(best.encoding) if best else None
    if guessed and _decodes(data, guessed):
        return DecodedText(data.decode(guessed), guessed, "detected")
    # Chinese pages that fail everything are almost always GB18030 with a few damaged bytes.
    return DecodedText(data.decode("gb18030", errors="replace"), "gb18030", "fallback")


def meta_charsets(data: bytes) -> list[str | None]:
    """Codecs declared by <meta charset> / <meta http-equiv content="...charset=..."> in the head."""
    head = data[:_META_SCAN_BYTES].decode("latin-1")  # ASCII-compatible and lossless: tags survive
    try:
        root = lxml.html.document_fromstring(head)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: list[str | None] = []
    for meta in root.iter("meta"):
        if meta.get("charset"):
            found.append(canonical_codec(meta.get("charset")))
            continue
        content = meta.get("content") or ""
        if "charset=" in content.lower():
            label = content.lower().split("charset=", 1)[1].split(";")[0]
            found.append(canonical_codec(label))
    return found


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
