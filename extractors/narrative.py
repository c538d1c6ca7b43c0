"""Figures stated in the prose of sections 一 and 六 (docs/format.md §7), and where the sections are.

The prose is cleaned before matching (page furniture, line breaks inside sentences, spaces
inside "1800 余条", markdown bullets) while keeping a map back to the original characters, so
every fact's `char_span` points into the text the caller passed. Only keyed phrases with a unit
are read: hotline names (12345), decree numbers, dates, phones and postcodes never match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from extractors.report import NarrativeFact
from extractors.template import SECTION_HEADINGS

_NUMERALS = "一二三四五六"
_HEADING_NUMBER = re.compile(r"^(?:(?P<cn>[一二三四五六])\s*[、.．，,]|(?P<ar>[1-6])\s*[、.．])\s*")
_FURNITURE = re.compile(r"^[ \t]*[—–-]+[ \t]*\d+[ \t]*[—–-]+[ \t]*$", re.M)
_MARKUP = re.compile(r"^[ \t]*(?:[-*•][ \t]+|#+[ \t]*)|\*\*", re.M)
_SENTENCE_END = set("。；;：:！!？?）)」”")
_SPACES = {" ", "\t", "\u3000", "\xa0", "\r"}


@dataclass(frozen=True)
class CleanText:
    """Cleaned prose and, for each of its characters, the offset in the original text."""

    text: str
    origin: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


def clean_text(text: str) -> CleanText:
    """Drop page numbers, markup, spaces and mid-sentence line breaks; full-width → ASCII."""
    dropped = bytearray(len(text))
    for pattern in (_FURNITURE, _MARKUP):
        for match in pattern.finditer(text):
            dropped[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if dropped[index] or char in _SPACES:
            continue
        if char == "\n" and (not chars or chars[-1] not in _SENTENCE_END):
            continue  # a break inside a sentence (or a blank line): join the pieces
        normal = unicodedata.normalize("NFKC", char)
        chars.append(normal if len(normal) == 1 else char)
        origin.append(index)
    return CleanText("".join(chars), origin)


def section_headings(text: str) -> list[tuple[int, int, int]]:
    """(section number, start, end) of each heading line 一…六 found, in document order (original
    offsets). A heading is a short line that carries the section's anchor words, numbered or not."""
    found: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    offset = 0
    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        stripped = re.sub(r"[\s*#]|^[-•]", "", unicodedata.normalize("NFKC", line).strip().lstrip("-•").strip())
        if not stripped or "|" in stripped or len(stripped) > 40:
            continue
        number = _HEADING_NUMBER.match(stripped)
        for section, anchors in SECTION_HEADINGS.items():
            if section in seen or not any(a in stripped for a in anchors):
                continue
            if number:
                stated = _NUMERALS.index(number["cn"]) + 1 if number["cn"] else int(number["ar"])
                if stated != section:
                    continue
            elif not any(stripped.startswith(a) for a in anchors):
                continue
            found.append((section, start, start + len(line.rstrip("\n"))))
            seen.add(section)
            break
    return found


def section_bodies(text: str) -> dict[int, tuple[int, int]]:
    """Original-text span of each section's body: from its heading to the next heading."""
    headings = section_headings(text)
    bodies: dict[int, tuple[int, int]] = {}
    ordered = sorted(headings, key=lambda h: h[1])
    for (section, _, end), following in zip(ordered, [*ordered[1:], None], strict=True):
        bodies[section] = (end, following[1] if following else len(text))
    return bodies


# ------------------------------------------------------------------ numbers
_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
NUMBER = (
    r"(?P<pre>约|近|逾|超过)?(?<![\d.])(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[一二两三四五六七八九十]{1,3})"
    r"(?P<mag>万|亿)?(?P<post>余|多)?"
)
_GAP = r"[^。；;，,：:]{0,%d}?"
_QUALIFIERS = ("余", "多", "约", "近", "逾", "超过", "以上")


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 (small counts such as 两次, 三场)."""
    if all(ch in _CN_VALUES for ch in text) and len(text) == 1:
        return _CN_VALUES[text]
    if "十" in text and text.count("十") == 1:
        tens, _, units = text.partition("十")
        if (tens and tens not in _CN_VALUES) or (units and units not in _CN_VALUES):
            return None
        return (_CN_VALUES[tens] if tens else 1) * 10 + (_CN_VALUES[units] if units else 0)
    return None


@dataclass(frozen=True)
class Pattern:
    """One phrase shape for a key: a regex with a NUMBER group (or a negation meaning 0)."""

    key: str
    regex: re.Pattern[str]
    unit: str | None  # None: the unit is the regex group `unit`
    negation: bool = False


def _p(key: str, before: str, unit: str, after: str = "", *, unit_value: str | None = None) -> Pattern:
    return Pattern(key, re.compile(f"{before}{NUMBER}(?P<unit>{unit}){after}(?P<tail>以上)?"), unit_value)


def _neg(key: str, regex: str, unit: str) -> Pattern:
    return Pattern(key, re.compile(regex), unit, negation=True)


_NOT_NEG = r"(?<![未没无])"
PATTERNS: tuple[Pattern, ...] = (
    _p("proactive_items_total", r"主动公开" + _GAP % 12 + r"信息(?:共|合计|累计|共计)?", "条"),
    _p("proactive_items_total", r"(?:发布各类信息|累计公开" + _GAP % 10 + r")", "条"),
    _p("website_items", r"网站(?:发布|公开)" + _GAP % 6, "条|篇"),
    _p("new_media_items", r"政务新媒体(?:发布|公开)" + _GAP % 6, "条|篇"),
    _p("wechat_items", r"微信(?:公众号)?" + _GAP % 8, "条|篇"),
    _p("weibo_items", r"微博" + _GAP % 8, "条|篇"),
    _p("douyin_items", r"抖音" + _GAP % 8, "条|篇|个"),
    _p("gazette_issues", r"公报" + _GAP % 6, "期"),
    _p("press_conferences", r"新闻发布会" + _GAP % 6, "场|次"),
    _p("press_conferences", r"(?:召开|举办|举行)", "场|次", r"(?:新闻)?发布会"),
    _p("policy_interpretations", r"解读" + _GAP % 8, "篇|条"),
    _p("normative_docs_issued_text", _NOT_NEG + r"(?:制发|出台|印发)(?:行政)?规范性文件(?:共)?", "件"),
    _neg("normative_docs_issued_text", r"(?:未|没有)(?:制发|出台|印发)" + _GAP % 6 + r"规范性文件", "件"),
    _p("requests_received_text", _NOT_NEG + r"(?:新收|收到|受理)" + _GAP % 14 + r"申请(?:共|合计|共计)?", "件"),
    _p("requests_received_text", r"申请(?:共|合计|共计)?", "件", r"(?=[,，。；;(（])"),
    _neg("requests_received_text", r"(?:未|没有)(?:新收|收到|接到|受理)" + _GAP % 14 + r"申请", "件"),
    _p("requests_carried_over_text", r"上(?:一)?年(?:度)?结转" + _GAP % 8, "件"),
    _p("requests_carried_forward_text", r"结转(?:至)?下(?:一)?年(?:度)?" + _GAP % 8, "件"),
    _p("review_text", r"行政复议(?:案件|申请)?(?:共|合计)?", "件|起"),
    _p("litigation_text", r"行政诉讼(?:案件)?(?:共|合计)?", "件|起"),
    _neg("review_text", r"(?:未|没有)(?:发生|出现|收到|产生)?" + _GAP % 20 + r"(?:行政)?复议", "件"),
    _neg("litigation_text", r"(?:未|没有)(?:发生|出现|收到|产生)?" + _GAP % 20 + r"(?:行政)?诉讼", "件"),
    _p("hotline_12345_cases", r"12345" + r"[^。；;]{0,30}?", "件|个"),
    _p("hotline_completion_rate", r"办结率(?:达到?|为)?", "%"),
    _p("hotline_satisfaction_rate", r"满意率(?:达到?|为)?", "%"),
    _p("info_processing_fee_yuan", _NOT_NEG + r"收取" + _GAP % 16 + r"处理费(?:用)?(?:共|合计|共计)?", "元"),
    _p("info_processing_fee_yuan", r"(?<!收取)(?<!未收取)信息处理费(?:用)?(?:共|合计|共计|为)?", "元"),
    _neg("info_processing_fee_yuan", r"(?:未|没有|无|不)(?:收取|收)" + _GAP % 16 + r"处理费", "元"),
    _p("accountability_cases", r"责任追究" + _GAP % 6, "起|人次|件"),
    _neg("accountability_cases", r"(?:未|没有)(?:出现|发生)?" + _GAP % 20 + r"责任追究", "起"),
    _p("staff_count", r"", "名", r"(?:在编|专职|兼职)?(?:工作)?人员"),
    _p("training_sessions", r"培训" + _GAP % 8, "次|场|期"),
    _p("training_participants", r"培训" + r"[^。；;]{0,20}?", "人次"),
    _p("public_feedback_items", _NOT_NEG + r"(?:收到|接收|接收到)" + _GAP % 12 + r"意见建议", "条|件"),
    _neg("public_feedback_items", r"(?:未|没有)(?:收到|接收到|接收)" + _GAP % 20 + r"意见建议", "条"),
    _p("village_affairs_items", r"(?:村务|三务)" + _GAP % 8, "条"),
)
NARRATIVE_SECTIONS = (1, 6)


def _value(match: re.Match[str]) -> Decimal | None:
    raw = match["num"].replace(",", "")
    if raw[0].isdigit():
        value = Decimal(raw)
    else:
        small = _chinese_number(raw)
        if small is None:
            return None
        value = Decimal(small)
    if match["mag"]:
        value *= Decimal(10_000 if match["mag"] == "万" else 100_000_000)
    return value


def extract_narrative(text: str, sections: tuple[int, ...] = NARRATIVE_SECTIONS) -> list[NarrativeFact]:
    """Every keyed figure in sections 一 and 六 (the whole text when no heading is found)."""
    bodies = section_bodies(text)
    spans = [(s, bodies[s]) for s in sections if s in bodies] or [(0, (0, len(text)))]
    facts: list[NarrativeFact] = []
    for section, (start, end) in spans:
        clean = clean_text(text[start:end])
        facts.extend(_facts_in(clean, section, start, text))
    return facts


def _facts_in(clean: CleanText, section: int, offset: int, original: str) -> list[NarrativeFact]:
    found: list[tuple[int, NarrativeFact]] = []
    claimed: set[tuple[str, int]] = set()
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(clean.text):
            begin, finish = clean.span(match.start(), match.end())
            span = (begin + offset, finish + offset)
            if (pattern.key, span[1]) in claimed:
                continue
            if pattern.negation:
                value, qualifier, unit = Decimal(0), "none_stated", pattern.unit or ""
            else:
                parsed = _value(match)
                if parsed is None:
                    continue
                value = parsed
                qualifier = match["pre"] or match["post"] or match["tail"]
                unit = match["unit"]
            claimed.add((pattern.key, span[1]))
            fact = NarrativeFact(
                key=pattern.key,
                value=value,
                unit=unit,
                raw=original[span[0] : span[1]],
                section=section,
                char_span=span,
                qualifier=qualifier,
                approx=qualifier in _QUALIFIERS,
            )
            found.append((span[0], fact))
    return [fact for _, fact in sorted(found, key=lambda item: item[0])]
