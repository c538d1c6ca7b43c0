"""Who published a report and for which year: title parse, gazetteer resolution, body evidence.

docs/format.md §8. The title gives the agency string ("沙坡头区文昌镇", "淮安市洪泽区人民政府"); the
gazetteer turns its place names into division codes. A name that several divisions share (文昌镇
under five counties, 朝阳区, 鼓楼区) is resolved only by evidence — the places the title names before
it, then the body's full name, address and other mentions of one candidate's parents — and is
otherwise left without a code. Every step that decided something is written to `agency.evidence`.

Choices the contract leaves open, decided here:
- `agency.name` is the title's agency string as printed, whitespace removed.
- A government's 办公室/办公厅 publishes the government's own report (docs/format.md §8.4), so it keeps the
  government's level and code, with kind `government_office`.
- A department (局, 委员会, …) gets level `department`; province/city/county/code are those of the
  government it belongs to, so reports can still be grouped by place.
- 直辖市 districts have no prefecture: `city` is null and the province is the 直辖市.
- Postcodes, telephone area codes and website hosts are not used: the project has no sourced
  table mapping them to divisions, and inventing one would put guesses into the warehouse.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from extractors.gazetteer import MUNICIPALITY_PROVINCES, Division, Gazetteer
from extractors.identity_evidence import MIN_MENTION_LENGTH, corroborate, disambiguate, report_scope, report_year
from extractors.report import Agency

TITLE_SEARCH_LINES = 8  # the title is among the first lines; later lines are body text
MAX_TITLE_PARTS = 3  # a title may be split over up to three lines
MAX_TITLE_LENGTH = 80

_YEAR_RE = re.compile(
    r"[(（]?(?:(?P<digits>(?:19|20)\d{2})年?度?|(?P<hanzi>[一二][〇○零O0一二三四五六七八九]{3})年度?)[)）]?"
)
_HANZI_DIGITS = {
    c: str(i)
    for i, chars in enumerate(("〇○零O0", "一", "二", "三", "四", "五", "六", "七", "八", "九"))
    for c in chars
}
_REPORT_SUFFIX_RE = re.compile(
    r"(?:关于)?(?:本?年度)?(?:政府信息与政务公开|政府信息公开|政务公开|信息公开)?(?:工作)?(?:情况)?的?"
    r"(?:年度)?(?:工作)?(?:报告|年报)"
)
_TITLE_MARK_RE = re.compile(r"报告|年报")
_SITE_SUFFIX_RE = re.compile(r"(?<=报告)[_|｜].*$")  # "<title>…年度报告_某某区人民政府</title>"
_NOT_TITLE_CHARS = re.compile(r"[。;《》:>›»]")  # after NFKC: sentences, quotes, "发布机构:" metadata, breadcrumbs
_TITLE_LABEL_RE = re.compile(r"^(?:标题|题目|名称):")
_QUOTED_TITLE_RE = re.compile(r"《([^《》]{4,80}?(?:年度报告|工作报告|年报))》")

_GOVERNMENT_TAIL_RE = re.compile(r"(?:人民)?政府|")
_OFFICE_TAIL_RE = re.compile(r"(?:人民)?政府办(?:公室|公厅)?|办公厅")
_DISPATCHED_TAIL_RE = re.compile(r"(?:街道)?办事处|(?:人民)?政府")
_DEV_ZONE_TAIL_RE = re.compile(r"(?:党工委)?(?:管委会|管理委员会)|")
_DEV_ZONE_NAME_RE = re.compile(r"(?:开发区|高新区|新区|园区|试验区|实验区|管理区|示范区)$")
_VERTICAL_RE = re.compile(r"税务|海关|气象|邮政管理|烟草专卖|调查队|金融监督管理|金融监管|国家|总局|中国")
_ORG_END_RE = re.compile(r"(?:人民政府办公室|人民政府办公厅|人民政府|政府|办事处|党工委管委会|管委会|管理委员会)$")
_DEPARTMENT_END_RE = re.compile(r"(?:局|委员会|委|厅|办公室|办|中心|管委会|署|院|所|站|队|处|部|会|社|馆|公司|集团)$")
# Place suffixes for names the gazetteer does not know (renamed or new units), longest first.
_SUFFIX_LEVELS = (
    ("自治区", "province"),
    ("省", "province"),
    ("自治州", "prefecture"),
    ("地区", "prefecture"),
    ("盟", "prefecture"),
    ("自治县", "county"),
    ("自治旗", "county"),
    ("林区", "county"),
    ("特区", "county"),
    ("县", "county"),
    ("旗", "county"),
    ("区", "county"),
    ("民族乡", "township"),
    ("街道", "township"),
    ("苏木", "township"),
    ("镇", "township"),
    ("乡", "township"),
)
_PROVINCE_SHORT_RE = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$")

_AGENCY_IN_BODY_RE = re.compile(r"本(?:年度)?报告由(.{2,40}?)(?:根据|依据|按照|依照|编制|负责)")

@dataclass
class Identity:
    """The agency, report year and title of one document, with the evidence behind the year."""

    agency: Agency
    year: int | None
    title: str | None
    year_evidence: list[str] = field(default_factory=list)


@dataclass
class TitleParse:
    """A title without whitespace, the agency string it names and its year."""

    text: str
    agency: str
    year: int | None


@dataclass
class _Parse:
    """An agency string split into places the gazetteer knows and the organisation text around them."""

    prefix: str = ""
    places: list[tuple[str, list[Division]]] = field(default_factory=list)  # (printed name, candidates)
    tail: str = ""


def identify(title_lines: list[str], text: str, gazetteer: Gazetteer | None = None) -> Identity:
    """Agency, year and title from the first lines of a document and its body text."""
    gazetteer = gazetteer or Gazetteer.default()
    body = _compact(text)
    title = find_title(title_lines) or _quoted_title(body)
    agency = Agency(evidence=[])
    agency_string = title.agency if title else ""
    if title and agency_string:
        agency.evidence.append(f"title: {agency_string}")
    elif found := _AGENCY_IN_BODY_RE.search(body):
        agency_string = found.group(1)
        agency.evidence.append(f"body: 本报告由{agency_string}…")
    if agency_string:
        agency.name = agency_string
        _resolve(agency, agency_string, body, gazetteer)
    agency.scope = report_scope(agency, body)
    year, year_evidence = report_year(title.year if title else None, body)
    return Identity(agency=agency, year=year, title=title.text if title else None, year_evidence=year_evidence)


# ---------------------------------------------------------------- title


def find_title(lines: list[str]) -> TitleParse | None:
    """The report title among the first lines: the first line naming a report, plus the lines
    before it while they are still needed to name the agency (titles split over 2–3 lines)."""
    compact = [c for c in (_TITLE_LABEL_RE.sub("", _compact(line)) for line in lines[:TITLE_SEARCH_LINES]) if c]
    for index, line in enumerate(compact):
        line = _SITE_SUFFIX_RE.sub("", line)
        if not _TITLE_MARK_RE.search(line) or not _looks_like_title(line):
            continue
        parts = [line]
        parsed = parse_title(line)
        if index > 0 and _looks_like_title(compact[index - 1]):
            # A line break inside the year or report phrase ("…2023年" / "度政府信息公开…") leaves a
            # fragment ("度") where the agency should be; read together, the fragment is part of the phrase.
            joined = parse_title(compact[index - 1] + line)
            if joined.agency and parsed.agency and not joined.agency.endswith(parsed.agency):
                parts, parsed = [compact[index - 1], line], joined
        while _needs_more(parsed.agency) and len(parts) < MAX_TITLE_PARTS:
            previous = index - len(parts)
            if previous < 0 or not _looks_like_title(compact[previous]):
                break
            parts.insert(0, compact[previous])
            parsed = parse_title("".join(parts))
        return parsed
    return None


def parse_title(title: str) -> TitleParse:
    """Split one title into agency string and year (docs/format.md §8.2 step 1)."""
    text = _compact(title)
    year = None
    if found := _YEAR_RE.search(text):
        year = int(found.group("digits") or "".join(_HANZI_DIGITS[c] for c in found.group("hanzi")))
    agency = _YEAR_RE.sub("", text)
    suffixes = list(_REPORT_SUFFIX_RE.finditer(agency))
    if suffixes:  # whatever follows the last report phrase (格式模板, （全文）) is not the agency
        agency = agency[: suffixes[-1].start()]
    if "关于" in agency:
        before, _, after = agency.partition("关于")
        agency = before or after
    agency = agency.strip("的-—_:：、 ")
    if agency.endswith("人民"):  # "某县人民政府信息公开…": the suffix took 政府 from 人民政府
        agency += "政府"
    return TitleParse(text=text, agency=agency, year=year)


def _looks_like_title(line: str) -> bool:
    return len(line) <= MAX_TITLE_LENGTH and not _NOT_TITLE_CHARS.search(line)


def _needs_more(agency: str) -> bool:
    """An empty or bare-organisation agency string means the places are on the line before."""
    return agency in ("", "人民政府", "政府", "办公室", "办公厅", "人民政府办公室", "人民政府办公厅")


def _quoted_title(body: str) -> TitleParse | None:
    """Fallback when no line reads as a title: the report named in the preamble (现发布《…》)."""
    found = _QUOTED_TITLE_RE.search(body)
    return parse_title(found.group(1)) if found else None


# ---------------------------------------------------------------- agency


def _resolve(agency: Agency, agency_string: str, body: str, gazetteer: Gazetteer) -> None:
    """Fill level, kind, places, code and full name from the agency string and body evidence."""
    parse = _segment(agency_string, gazetteer)
    unknown_unit, tail = _unknown_unit(parse.tail) or (None, parse.tail)
    kind = _kind(parse, tail, unknown_unit)
    candidates = parse.places[-1][1] if parse.places else []
    if len(candidates) > 1:
        candidates = disambiguate(candidates, body, gazetteer, agency.evidence)
    elif candidates:
        corroborate(candidates[0], body, gazetteer, agency.evidence)
    chain = _common_chain([gazetteer.parent_chain(c.code) for c in candidates])
    if len(candidates) == 1:
        agency.evidence.append(f"gazetteer: {_chain_text(chain)} = {candidates[0].code}")
    printed_unit = unknown_unit or (parse.places[-1][0] if parse.places else parse.tail)
    unit_level = _suffix_level(printed_unit) if unknown_unit or not parse.places else _shared_level(candidates)
    _fill_places(agency, chain, printed_unit, unit_level)
    agency.code = candidates[0].code if len(candidates) == 1 and unknown_unit is None else None
    agency.level = "department" if kind in ("department", "vertical_agency") else unit_level
    agency.kind = kind
    agency.full_name = _full_name(chain, unknown_unit, parse, tail, kind)


def _shared_level(candidates: list[Division]) -> str | None:
    """The level all same-name candidates share (朝阳区: county either way), else unknown."""
    levels = {c.level for c in candidates}
    return levels.pop() if len(levels) == 1 else None


def _segment(text: str, gazetteer: Gazetteer) -> _Parse:
    """Greedy longest-match of gazetteer names, each one inside the previous; leftovers are org text."""
    start = _first_place(text, gazetteer)
    if start is None:
        return _Parse(tail=text)
    parse = _Parse(prefix=text[:start])
    position, parents = start, None
    while position < len(text):
        match = _match_at(text, position, parents, gazetteer)
        if match is None:
            break
        name, divisions = match
        parse.places.append((name, divisions))
        position, parents = position + len(name), divisions
    parse.tail = text[position:]
    _prune_parents(parse, gazetteer)
    return parse


def _first_place(text: str, gazetteer: Gazetteer) -> int | None:
    """Where the places start: 0 normally; later when an organisation prefix comes first
    (国家税务总局淮安市税务局). Inside the string only names of county level and above count."""
    if _match_at(text, 0, None, gazetteer):
        return 0
    for position in range(1, len(text) - 1):
        match = _match_at(text, position, None, gazetteer)
        if match and len(match[0]) >= MIN_MENTION_LENGTH and any(d.level != "township" for d in match[1]):
            return position
    return None


def _match_at(
    text: str, position: int, parents: list[Division] | None, gazetteer: Gazetteer
) -> tuple[str, list[Division]] | None:
    """The longest gazetteer name at `position` below one of `parents` (anywhere when None)."""
    longest = min(gazetteer.max_name_length, len(text) - position)
    for length in range(longest, 1, -1):
        name = text[position : position + length]
        found = _lookup(name, gazetteer, top=parents is None)
        if parents is not None:
            found = [d for d in found if any(d.code != p.code and gazetteer.is_within(d.code, p.code) for p in parents)]
        if found:
            return name, found
    return None


def _lookup(name: str, gazetteer: Gazetteer, top: bool) -> list[Division]:
    """Gazetteer names, plus province short forms (宁夏, 内蒙古) at the start of a string."""
    found = gazetteer.by_name(name)
    if not found and top:
        short = _province_short_names(gazetteer).get(name)
        found = [short] if short else []
    return found


@functools.cache
def _province_short_names(gazetteer: Gazetteer) -> dict[str, Division]:
    return {_PROVINCE_SHORT_RE.sub("", d.name): d for d in gazetteer if d.level == "province"}


def _prune_parents(parse: _Parse, gazetteer: Gazetteer) -> None:
    """Keep, for each earlier place, only the candidates that contain a later place's candidate."""
    for index in range(len(parse.places) - 2, -1, -1):
        name, divisions = parse.places[index]
        below = parse.places[index + 1][1]
        kept = [d for d in divisions if any(gazetteer.is_within(b.code, d.code) for b in below)]
        parse.places[index] = (name, kept)


def _unknown_unit(tail: str) -> tuple[str, str] | None:
    """A place the gazetteer lacks (renamed, new, or a 开发区 without an NBS row), recognised by its
    suffix at the start of the tail: '城南新街道' + '办事处', '高新技术产业开发区' + '管理委员会'."""
    org_found = _ORG_END_RE.search(tail)
    org = org_found.group(0) if org_found else ""
    unit = tail[: len(tail) - len(org)]
    if not 2 <= len(unit) <= 20 or _DEPARTMENT_END_RE.search(unit):
        return None
    if _suffix_level(unit) or _DEV_ZONE_NAME_RE.search(unit):
        return unit, org
    return None


def _kind(parse: _Parse, tail: str, unknown_unit: str | None) -> str | None:
    """docs/format.md §8.1 agency_kind from the organisation text after (and before) the places."""
    last_name = unknown_unit or (parse.places[-1][0] if parse.places else "")
    last = parse.places[-1][1] if parse.places and unknown_unit is None else []
    if parse.prefix:
        return "vertical_agency" if _VERTICAL_RE.search(parse.prefix) else "department"
    if not last_name:
        if not tail:
            return None
        return "vertical_agency" if _VERTICAL_RE.search(tail) else "department"
    is_dev_zone = any(d.pseudo and d.level == "county" for d in last) or bool(_DEV_ZONE_NAME_RE.search(last_name))
    if is_dev_zone and _DEV_ZONE_TAIL_RE.fullmatch(tail):
        return "dev_zone_committee"
    if last_name.endswith("街道") and _DISPATCHED_TAIL_RE.fullmatch(tail or "办事处"):
        return "dispatched_office"
    if _OFFICE_TAIL_RE.fullmatch(tail):
        return "government_office"
    if _GOVERNMENT_TAIL_RE.fullmatch(tail):
        return "government"
    return "vertical_agency" if _VERTICAL_RE.search(tail) else "department"


def _suffix_level(name: str) -> str | None:
    """Level from the place suffix alone, for names the gazetteer does not know; 市 stays unknown
    (a 市 can be a prefecture or a county-level city); 开发区-type zones are county-level."""
    name = _ORG_END_RE.sub("", name)
    if not name:
        return None
    if _DEV_ZONE_NAME_RE.search(name):  # NBS lists 开发区-type zones as pseudo-counties (docs/format.md §8.2)
        return "county"
    for suffix, level in _SUFFIX_LEVELS:
        if name.endswith(suffix):
            return level
    return None


def _fill_places(agency: Agency, chain: list[Division], printed_unit: str, unit_level: str | None) -> None:
    """Province/city/county names from the resolved chain; the agency's own unit by its printed name
    when its level is known but its code is not (朝阳区 without evidence is still a 朝阳区)."""
    fields = {"province": "province", "prefecture": "city", "county": "county"}
    for division in chain:
        if division.level in fields:
            setattr(agency, fields[division.level], division.name)
    if unit_level in fields and getattr(agency, fields[unit_level]) is None:
        setattr(agency, fields[unit_level], printed_unit)


def _full_name(
    chain: list[Division], unknown_unit: str | None, parse: _Parse, tail: str, kind: str | None
) -> str | None:
    """The canonical name: places from the prefecture down (the province only for province-level
    agencies and 直辖市), then the organisation as printed, 人民政府 for a bare government."""
    if len(chain) == 0 or (parse.places and chain[-1].name != parse.places[-1][0]):
        names = [name for name, _ in parse.places]  # unresolved: the places as printed
    else:
        names = [d.name for d in chain if d.level != "province" or len(chain) == 1 or d.code in MUNICIPALITY_PROVINCES]
    if unknown_unit:
        names.append(unknown_unit)
    if not names:
        return None
    # a parent whose stem the next name repeats is not printed twice (长春市 + 长春净月…开发区)
    names = [n for n, below in zip(names, [*names[1:], ""], strict=True) if not below.startswith(_stem(n))]
    if kind == "government" and tail in ("", "政府"):
        tail = "人民政府"
    elif kind == "dispatched_office" and tail in ("", "政府"):
        tail = "办事处"
    elif kind == "dev_zone_committee" and not tail:
        tail = "管理委员会"
    return parse.prefix + "".join(names) + tail


def _stem(name: str) -> str:
    return _PROVINCE_SHORT_RE.sub("", name) or name


def _chain_text(chain: list[Division]) -> str:
    return " > ".join(d.name for d in chain)


def _common_chain(chains: list[list[Division]]) -> list[Division]:
    """The divisions every candidate chain shares, from the top: what is known despite ambiguity."""
    if not chains:
        return []
    common: list[Division] = []
    for level_divisions in zip(*chains, strict=False):
        if any(d.code != level_divisions[0].code for d in level_divisions):
            break
        common.append(level_divisions[0])
    return common


def _compact(text: str) -> str:
    """NFKC (full-width digits and brackets) and no whitespace: letter-spaced titles and names
    broken across lines ('淮安市洪\\n泽区') read as printed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
