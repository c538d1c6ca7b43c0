"""Number normalisation for table cells (docs/format.md §6.4).

A cell is either a number, an explicit not-applicable marker, blank, or not a number at all;
callers need to tell those apart (blank may later become 0 under §6.5, a marker never silently).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

NA_MARKERS = frozenset({"—", "–", "-", "/", "／", "无", "空", "——", "－", "一", "\\", "×", "-—", "—-", "−"})
_UNIT_SUFFIX = re.compile(r"(件|个|条|项|次|万元|元)$")
_THOUSANDS = re.compile(r"^\d{1,3}([,\s]\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")
_SIGNED = re.compile(r"^[+\-−]\d+(\.\d+)?$")  # 2019 form's 本年增/减 column prints -3 / +2


@dataclass(frozen=True)
class ParsedCell:
    """What a cell's text means: a value, a marker, a blank, or text."""

    value: Decimal | None
    kind: str  # number | na | blank | text

    @property
    def is_number(self) -> bool:
        return self.kind == "number"


@lru_cache(maxsize=8192)  # cells and labels are normalised again by every section's matcher
def normalise_text(text: str) -> str:
    """Full-width → ASCII (NFKC), NBSP and friends → space, trimmed."""
    text = unicodedata.normalize("NFKC", text.replace("&nbsp;", " "))
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def parse_cell(raw: str | None) -> ParsedCell:
    """Parse a table cell; numbers wrapped over lines (`23,006.1\\n7`) are re-joined."""
    if raw is None:
        return ParsedCell(None, "blank")
    text = normalise_text(raw)
    if not text:
        return ParsedCell(None, "blank")
    squeezed = re.sub(r"\s+", "", text)
    if squeezed in NA_MARKERS or set(squeezed) <= set("—–-－/／"):
        return ParsedCell(None, "na")
    squeezed = _UNIT_SUFFIX.sub("", squeezed)
    candidate = squeezed.replace(",", "")
    if _SIGNED.match(candidate):
        return ParsedCell(Decimal(candidate.replace("−", "-")), "number")
    if _PLAIN.match(candidate) and (_THOUSANDS.match(text) or "," not in squeezed or _commas_ok(squeezed)):
        try:
            return ParsedCell(Decimal(candidate), "number")
        except InvalidOperation:  # pragma: no cover - regex guarantees a decimal literal
            return ParsedCell(None, "text")
    return ParsedCell(None, "text")


def _commas_ok(squeezed: str) -> bool:
    """Thousands separators must group by three (`1,243`); `1,2` is not a number."""
    integer = squeezed.split(".")[0]
    groups = integer.split(",")
    return all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_year(text: str) -> int | None:
    """二〇二三 → 2023 (Chinese-numeral years in titles)."""
    if len(text) != 4 or any(ch not in _CN_DIGITS for ch in text):
        return None
    return int("".join(str(_CN_DIGITS[ch]) for ch in text))
