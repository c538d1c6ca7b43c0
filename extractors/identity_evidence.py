"""The evidence in a report's body: which same-name division it is, its scope and its year.

Split from identity.py (which reads the title and the agency string): these read the body
text only, in docs/format.md §8.2's order of evidence, and record what they found.
"""

from __future__ import annotations

import re
from itertools import combinations

from extractors.gazetteer import Division, Gazetteer
from extractors.report import Agency

MIN_MENTION_LENGTH = 3  # shorter names (城区, 郊区) are ordinary words in body text

_ADDRESS_RE = re.compile(r"(?:通讯地址|办公地址|联系地址|地址)[:：]?([^;；,，。)）]{4,40})")
_CONTACT_WORDS = ("联系", "地址", "邮编", "电话", "咨询")
_FULL_NAME_TAIL_RE = re.compile(r"(?:人民政府办公室|人民政府办公厅|人民政府|街道办事处|办事处|管理委员会|管委会)?")

_PERIOD_RE = re.compile(r"((?:19|20)\d{2})年0?1月0?1日起?(?:至|到|—|－|-|~|～)(?:((?:19|20)\d{2})年)?12月31日")
_OPENING_YEAR_RE = re.compile(r"总体情况[^0-9]{0,6}((?:19|20)\d{2})年[,，]")
_AGGREGATE_RES = (
    re.compile(
        r"全(?:省|市|区|县|州|旗|盟)(?:各级行政机关|各级政府|各地各部门|各部门|各单位|范围内)?(?:共|累计|总计|合计)?"
        r"(?:受理|收到|办理|接收|新收)[^。;；]{0,12}?申请"
    ),
    re.compile(r"各级行政机关"),
    re.compile(r"汇总[^。]{0,12}(?:各地|各部门|各单位|各级)|(?:各地|各部门|各单位|各级)[^。]{0,20}汇总"),
)
_OWN_RES = (
    re.compile(r"(?:本机关|本单位|本部门|本级)(?:共|全年|本年度)?(?:受理|收到|接收)"),
    re.compile(r"[省市区县镇乡]政府办?代表[省市区县镇乡]政府"),
)


# ---------------------------------------------------------------- body evidence


def disambiguate(candidates: list[Division], body: str, gazetteer: Gazetteer, evidence: list[str]) -> list[Division]:
    """Narrow same-name candidates with body evidence in docs/format.md §8.2 order; all stay if none helps."""
    chains = {c.code: gazetteer.parent_chain(c.code) for c in candidates}
    names = {code: {d.name for d in chain} for code, chain in chains.items()}
    distinctive = {  # names that rule out at least one other candidate
        code: {n for n in own if not all(n in names[other] for other in names)} for code, own in names.items()
    }
    remaining = list(candidates)
    for finder in (_full_name_in_body, _address_evidence, _mention_evidence):
        support = {c.code: finder(chains[c.code], distinctive[c.code], body) for c in remaining}
        supported = [c for c in remaining if support[c.code]]
        if not supported or len(supported) == len(remaining):
            continue
        remaining = supported
        for division in supported:
            evidence.append(f"{support[division.code]} → {division.code}")
        if len(supported) == 1:
            break
    if len(remaining) > 1:
        codes = ", ".join(c.code for c in remaining)
        evidence.append(f"ambiguous: {candidates[0].name} is {codes}; no body evidence decides, code left null")
    return remaining


def corroborate(division: Division, body: str, gazetteer: Gazetteer, evidence: list[str]) -> None:
    """Record the body evidence that agrees with an already unique resolution."""
    chain = gazetteer.parent_chain(division.code)
    every_name = {d.name for d in chain}
    for finder in (_full_name_in_body, _address_evidence):
        if found := finder(chain, every_name, body):
            evidence.append(found)


def _full_name_in_body(chain: list[Division], distinctive: set[str], body: str) -> str | None:
    """(a) the agency named with its parents, best in the contact line (中卫市沙坡头区文昌镇人民政府)."""
    unit, parents = chain[-1].name, [d.name for d in chain[:-1]]
    best: tuple[bool, int, str] | None = None  # (in a contact sentence, length, full name)
    for size in range(len(parents), 0, -1):
        for chosen in combinations(parents, size):
            if not distinctive & {*chosen, unit}:
                continue
            needle = "".join(chosen) + unit
            for found in re.finditer(re.escape(needle), body):
                tail = _FULL_NAME_TAIL_RE.match(body, found.end())
                full = needle + (tail.group(0) if tail else "")
                end = body.find("。", found.end())
                sentence = body[body.rfind("。", 0, found.start()) + 1 : end if end >= 0 else len(body)]
                candidate = (any(word in sentence for word in _CONTACT_WORDS), len(full), full)
                best = max(best, candidate) if best else candidate
    if best is None:
        return None
    in_contact, _, full = best
    return f"{'contact line' if in_contact else 'full name in body'}: {full}"


def _address_evidence(chain: list[Division], distinctive: set[str], body: str) -> str | None:
    """(b) an address that starts with one candidate's places (地址：中卫市沙坡头区文萃南街111号)."""
    for found in _ADDRESS_RE.finditer(body):
        address = found.group(1)
        if any(name in address for name in distinctive if len(name) >= 2):
            return f"address: {address}"
    return None


def _mention_evidence(chain: list[Division], distinctive: set[str], body: str) -> str | None:
    """(f) the body names one candidate's parent places (cited superior documents, the portal)."""
    mentioned = [name for name in distinctive if len(name) >= MIN_MENTION_LENGTH and name in body]
    return f"body mentions: {'、'.join(sorted(mentioned))}" if mentioned else None


# ---------------------------------------------------------------- scope and year


def report_scope(agency: Agency, body: str) -> str:
    """docs/format.md §8.4: aggregate when the body reports for the whole area, own when it reports for
    the agency itself (or the agency is a township, a department or a government's 办公厅), else unknown."""
    for pattern in _AGGREGATE_RES:
        if found := pattern.search(body):
            agency.evidence.append(f"scope aggregate: {found.group(0)}")
            return "aggregate"
    for pattern in _OWN_RES:
        if found := pattern.search(body):
            agency.evidence.append(f"scope own: {found.group(0)}")
            return "own"
    if agency.level in ("township", "department") or agency.kind == "government_office":
        return "own"
    return "unknown"


def report_year(title_year: int | None, body: str) -> tuple[int | None, list[str]]:
    """The title year, checked against the statistics period; the period (then the opening
    "2023年，") when the title has none (docs/format.md §8.2 step 4)."""
    evidence: list[str] = []
    period = _PERIOD_RE.search(body)
    period_year = int(period.group(1)) if period else None
    if period and period.group(2) and period.group(2) != period.group(1):
        evidence.append(f"statistics period spans years: {period.group(0)}")
    if title_year is not None:
        evidence.append(f"title year {title_year}")
        if period_year is not None:
            verdict = "agrees" if period_year == title_year else "DISAGREES"
            evidence.append(f"statistics period {period_year} {verdict}")
        return title_year, evidence
    if period_year is not None:
        evidence.append(f"statistics period: {period.group(0) if period else ''}")
        return period_year, evidence
    if opening := _OPENING_YEAR_RE.search(body):
        evidence.append(f"section 一 opens with {opening.group(1)}年")
        return int(opening.group(1)), evidence
    return None, evidence
