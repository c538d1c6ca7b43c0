"""The report template of 国办公开办函〔2021〕30号 (and its 2019 predecessor).

This is the only module that spells out section/row/column keys (docs/format.md §2–4, §6.1).
Every other stage imports them from here, so a key can never drift between the JSON output,
the warehouse and the expectation suites.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ColumnSpec:
    """One value column: its stable key, the official label and the anchors that identify it."""

    key: str
    label: str
    anchors: tuple[str, ...] = ()
    decimal: bool = False


@dataclass(frozen=True)
class RowSpec:
    """One table row: stable key, official label, matching anchors and (section 二) its columns."""

    key: str
    label: str
    anchors: tuple[str, ...]
    columns: tuple[ColumnSpec, ...] = ()
    group: str | None = None
    block: str | None = None
    avoid: tuple[str, ...] = field(default=())


TEMPLATE_2021 = "2021"
TEMPLATE_2019 = "2019"

# ---------------------------------------------------------------- section 二 (2021)
_DOC_COLUMNS_2021 = (
    ColumnSpec("issued", "本年制发件数", ("制发",)),
    ColumnSpec("repealed", "本年废止件数", ("废止",)),
    ColumnSpec("in_force", "现行有效件数", ("现行有效",)),
)
_DECISIONS = (ColumnSpec("decisions", "本年处理决定数量", ("处理决定",)),)

SECTION2_ROWS: tuple[RowSpec, ...] = (
    RowSpec("regulations", "规章", ("规章",), _DOC_COLUMNS_2021, block="一"),
    RowSpec("normative_documents", "行政规范性文件", ("规范性文件",), _DOC_COLUMNS_2021, block="一"),
    RowSpec("admin_licensing", "行政许可", ("行政许可",), _DECISIONS, block="五"),
    RowSpec("admin_penalty", "行政处罚", ("行政处罚",), _DECISIONS, block="六"),
    RowSpec("admin_coercion", "行政强制", ("行政强制",), _DECISIONS, block="六"),
    RowSpec(
        "admin_fees",
        "行政事业性收费",
        ("事业性收费",),
        (ColumnSpec("amount_wan_yuan", "本年收费金额（单位：万元）", ("收费金额",), decimal=True),),
        block="八",
    ),
)

# ---------------------------------------------------------------- section 二 (2019 trial format)
_DOC_COLUMNS_2019 = (
    ColumnSpec("newly_made", "本年新制作数量", ("新制作",)),
    ColumnSpec("newly_published", "本年新公开数量", ("新公开",)),
    ColumnSpec("total_published", "对外公开总数量", ("公开总数",)),
)
_ITEMS_2019 = (
    ColumnSpec("prev_year_items", "上一年项目数量", ("上一年",)),
    ColumnSpec("change", "本年增/减", ("增",)),
    ColumnSpec("decisions", "处理决定数量", ("处理决定",)),
)
SECTION2_ROWS_2019: tuple[RowSpec, ...] = (
    RowSpec("regulations", "规章", ("规章",), _DOC_COLUMNS_2019, block="一"),
    RowSpec("normative_documents", "规范性文件", ("规范性文件",), _DOC_COLUMNS_2019, block="一"),
    RowSpec("admin_licensing", "行政许可", ("行政许可",), _ITEMS_2019, block="五"),
    RowSpec("other_admin_services", "其他对外管理服务事项", ("对外管理服务",), _ITEMS_2019, block="五"),
    RowSpec("admin_penalty", "行政处罚", ("行政处罚",), _ITEMS_2019, block="六"),
    RowSpec("admin_coercion", "行政强制", ("行政强制",), _ITEMS_2019, block="六"),
    RowSpec("admin_fees", "行政事业性收费", ("事业性收费",), _ITEMS_2019[:2], block="八"),
    RowSpec(
        "gov_procurement",
        "政府集中采购",
        ("集中采购",),
        (
            ColumnSpec("items", "采购项目数量", ("项目数量",)),
            ColumnSpec("amount_raw", "采购总金额", ("总金额",)),
            ColumnSpec("amount_yuan", "采购总金额（元）", (), decimal=True),
        ),
        block="九",
    ),
)

# Column headers that identify each template (docs/format.md §6.1 "Detection").
TEMPLATE_2019_MARKERS = ("本年新制作", "上一年项目数量", "本年增/减", "政府集中采购")
TEMPLATE_2021_MARKERS = ("本年制发件数", "现行有效件数", "本年收费金额")

# ---------------------------------------------------------------- section 三
SECTION3_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("natural_person", "自然人", ("自然人",)),
    ColumnSpec("commercial_enterprise", "商业企业", ("商业企业",)),
    ColumnSpec("research_institution", "科研机构", ("科研机构",)),
    ColumnSpec("public_interest_org", "社会公益组织", ("公益组织",)),
    ColumnSpec("legal_service_org", "法律服务机构", ("法律服务",)),
    ColumnSpec("other_org", "其他", ("其他", "其它", "其他组织", "其它组织")),
    ColumnSpec("total", "总计", ("总计", "合计")),
)
SECTION3_APPLICANT_COLUMNS = tuple(c.key for c in SECTION3_COLUMNS[:6])
# The 法人或其他组织 subtotal column (cols 2–6) some local templates print (docs/format.md §3.1; checked by T3-6).
SECTION3_LEGAL_PERSON_SUBTOTAL = "legal_person_subtotal"

_D, _U, _P, _O = "denied", "unavailable", "not_processed", "other"
SECTION3_ROWS: tuple[RowSpec, ...] = (
    RowSpec("new_requests", "一、本年新收政府信息公开申请数量", ("本年新收", "本年度新收")),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转", "上年度结转")),
    RowSpec("granted", "（一）予以公开", ("予以公开",)),
    RowSpec("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开", "区分处理")),
    RowSpec("denied_state_secret", "1.属于国家秘密", ("国家秘密",), group=_D),
    RowSpec("denied_law_prohibited", "2.其他法律行政法规禁止公开", ("禁止公开", "行政法规", "止公开"), group=_D),
    RowSpec("denied_security_stability", "3.危及“三安全一稳定”", ("三安全", "一稳定"), group=_D),
    RowSpec("denied_third_party_rights", "4.保护第三方合法权益", ("第三方",), group=_D),
    RowSpec("denied_internal_affairs", "5.属于三类内部事务信息", ("内部事务",), group=_D),
    RowSpec("denied_process_info", "6.属于四类过程性信息", ("过程性",), group=_D),
    RowSpec("denied_enforcement_file", "7.属于行政执法案卷", ("执法案卷",), group=_D),
    RowSpec("denied_admin_query", "8.属于行政查询事项", ("行政查询",), group=_D),
    RowSpec("unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",), group=_U),
    RowSpec("unavailable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), group=_U),
    RowSpec("unavailable_unclear", "3.补正后申请内容仍不明确", ("仍不明确",), group=_U),
    RowSpec("not_processed_petition", "1.信访举报投诉类申请", ("信访", "举报", "投诉"), group=_P),
    RowSpec("not_processed_duplicate", "2.重复申请", ("重复申请",), group=_P, avoid=("反复",)),
    RowSpec("not_processed_publication", "3.要求提供公开出版物", ("出版物",), group=_P),
    RowSpec("not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复", "反复申请"), group=_P),
    RowSpec("not_processed_confirm_reissue", "5.要求行政机关确认或重新出具已获取信息", ("重新出具", "确认"), group=_P),
    RowSpec(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("不补正",),
        group=_O,
    ),
    RowSpec(
        "other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("收费通知", "缴纳费用"),
        group=_O,
    ),
    RowSpec("other_misc", "3.其他", ("3.其他", "3.其它"), group=_O),
    RowSpec("outcome_total", "（七）总计", ("（七）总计", "(七)总计", "七总计", "（七）合计")),
    RowSpec("carried_forward", "四、结转下年度继续办理", ("结转下年度", "结转下一年度", "下年度继续")),
)
SECTION3_ROW_KEYS = tuple(r.key for r in SECTION3_ROWS)
SECTION3_COLUMN_KEYS = tuple(c.key for c in SECTION3_COLUMNS)

# Subtotal rows are not printed in the 2021 form; they are derived (docs/format.md §3.2).
SECTION3_GROUPS: dict[str, tuple[str, ...]] = {
    group: tuple(r.key for r in SECTION3_ROWS if r.group == group) for group in (_D, _U, _P, _O)
}
SECTION3_SUBTOTALS: dict[str, str] = {
    "denied_subtotal": _D,
    "unavailable_subtotal": _U,
    "not_processed_subtotal": _P,
    "other_subtotal": _O,
}
# Labels of the （三）–（六） group headings, used when a document prints a subtotal row or,
# for （六）, a single row (2019 template and hybrids).
SECTION3_GROUP_LABELS: dict[str, tuple[str, ...]] = {
    _D: ("不予公开",),
    _U: ("无法提供",),
    _P: ("不予处理",),
    _O: ("其他处理", "其它处理"),
}
# The 21 outcome rows: from （一）予以公开 up to, not including, （七）总计.
OUTCOME_ROW_KEYS = SECTION3_ROW_KEYS[SECTION3_ROW_KEYS.index("granted"):SECTION3_ROW_KEYS.index("outcome_total")]
# The requests a table accounts for (一、二); every other row is an outcome of them.
REQUEST_ROW_KEYS = ("new_requests", "carried_over")

# ---------------------------------------------------------------- section 四
SECTION4_GROUPS: tuple[ColumnSpec, ...] = (
    # A bare 复议 (terse transposed tables) is tried after the two 行政诉讼 groups, whose labels contain it.
    ColumnSpec("admin_review", "行政复议", ("行政复议", "复议")),
    ColumnSpec("litigation_direct", "行政诉讼 › 未经复议直接起诉", ("未经复议", "直接起诉")),
    ColumnSpec("litigation_after_review", "行政诉讼 › 复议后起诉", ("复议后起诉",)),
)
SECTION4_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("upheld", "结果维持", ("维持",)),
    ColumnSpec("corrected", "结果纠正", ("纠正",)),
    ColumnSpec("other_result", "其他结果", ("其他", "其它")),
    ColumnSpec("pending", "尚未审结", ("尚未", "审结")),
    ColumnSpec("total", "总计", ("总计",)),
)
SECTION4_GROUP_KEYS = tuple(g.key for g in SECTION4_GROUPS)
SECTION4_COLUMN_KEYS = tuple(c.key for c in SECTION4_COLUMNS)

# ---------------------------------------------------------------- section headings
SECTION_HEADINGS: dict[int, tuple[str, ...]] = {
    1: ("总体情况",),
    2: ("主动公开政府信息情况", "主动公开政府信息"),
    3: ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请"),
    4: ("行政复议、行政诉讼情况", "行政复议、提起行政诉讼情况", "行政复议行政诉讼情况"),
    5: ("存在的主要问题", "存在问题及改进"),
    6: ("其他需要报告的事项", "其它需要报告的事项"),
}


def section2_rows(template: str | None) -> tuple[RowSpec, ...]:
    """Section 二 rows of a template (2021 unless the 2019 trial format was detected)."""
    return SECTION2_ROWS_2019 if template == TEMPLATE_2019 else SECTION2_ROWS


def all_cell_keys(template: str | None = TEMPLATE_2021) -> list[tuple[int, str, str]]:
    """Every printed cell of a template as (section, row_key, col_key), in document order."""
    keys: list[tuple[int, str, str]] = []
    for row in section2_rows(template):
        keys.extend((2, row.key, col.key) for col in row.columns)
    keys.extend((3, r, c) for r in SECTION3_ROW_KEYS for c in SECTION3_COLUMN_KEYS)
    keys.extend((4, g, c) for g in SECTION4_GROUP_KEYS for c in SECTION4_COLUMN_KEYS)
    return keys


def flat_key(section: int, row_key: str, col_key: str) -> str:
    """The flat column name of a cell (docs/format.md: s2_<row>_<col>, s3_<row>__<col>, s4_<group>__<col>)."""
    sep = "_" if section == 2 else "__"
    return f"s{section}_{row_key}{sep}{col_key}"


# ---------------------------------------------------------------- validated flat keys
SECTION2_KEYS = frozenset(
    (r.key, c.key) for rows in (SECTION2_ROWS, SECTION2_ROWS_2019) for r in rows for c in r.columns)
# Section 三 rows and columns a record may carry: printed ones, derived subtotals, the local subtotal column.
SECTION3_ALL_ROWS = (*SECTION3_ROW_KEYS, *SECTION3_SUBTOTALS)
SECTION3_ALL_COLUMNS = (*SECTION3_COLUMN_KEYS, SECTION3_LEGAL_PERSON_SUBTOTAL)


def s2(row: str, col: str) -> str:
    """Flat key of a section 二 cell; raises on a key the template does not know."""
    if (row, col) not in SECTION2_KEYS:
        raise KeyError(f"section 二 has no cell {row}.{col} in extractors/template.py")
    return flat_key(2, row, col)


def s3(row: str, col: str) -> str:
    """Flat key of a section 三 cell (printed or derived); raises on an unknown key."""
    if row not in SECTION3_ALL_ROWS or col not in SECTION3_ALL_COLUMNS:
        raise KeyError(f"section 三 has no cell {row}.{col} in extractors/template.py")
    return flat_key(3, row, col)


def s4(group: str, col: str) -> str:
    """Flat key of a section 四 cell; raises on an unknown key."""
    if group not in SECTION4_GROUP_KEYS or col not in SECTION4_COLUMN_KEYS:
        raise KeyError(f"section 四 has no cell {group}.{col} in extractors/template.py")
    return flat_key(4, group, col)
