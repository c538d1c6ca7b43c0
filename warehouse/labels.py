"""Chinese column headers for exports (`xxgk export --labels zh`), taken from the form's own wording.

Mart measures carry their label in warehouse/marts.py (built from extractors/template.py);
section 三 columns use the template's column labels; the descriptive columns every relation
shares are named here once.
"""

from __future__ import annotations

from extractors.template import SECTION3_COLUMNS
from warehouse.marts import MEASURES, RATES, YEAR_OVER_YEAR

_DESCRIPTIVE = {
    "report_id": "报告编号", "agency_id": "机关编号", "agency": "机关", "full_name": "机关全称", "level": "层级",
    "kind": "机关类型", "scope": "统计范围", "province": "省", "city": "市", "county": "县（区）",
    "township": "乡镇（街道）", "agency_code": "区划代码", "city_code": "市级区划代码", "county_code": "县级区划代码",
    "county_key": "所属县", "city_key": "所属市", "year": "年度", "previous_year": "上一年度",
    "previous_report_id": "上一年度报告编号", "template": "模板", "title": "标题", "format": "文件格式",
    "status": "状态", "is_valid": "是否有效", "previous_is_valid": "上一年度是否有效", "failed_rules": "未通过的规则",
    "proactive_items_total": "主动公开信息条数（正文所述）", "source": "来源", "sha256": "文件哈希",
    "loaded_at": "入库时间", "section": "部分", "row_key": "行键", "col_key": "列键", "row_label": "行",
    "col_label": "列", "row_group": "分组键", "group_label": "分组", "row_order": "行序", "value": "数值",
    "raw": "原文", "page": "页码", "bbox": "位置（点）", "table_no": "表序号", "row_no": "行号", "col_no": "列号",
    "rule": "规则", "severity": "级别", "detail": "算式", "cells": "涉及单元格", "reason": "原因",
    "carried_over_matches_previous": "上年结转与上年度结转下年度一致",
    "peers_in_county": "县内同级机关数", "new_requests_rank_in_county": "县内收件排名",
    "grant_rate_rank_in_county": "县内予以公开率排名", "denied_rank_in_county": "县内不予公开排名",
    "share_of_county_requests": "占县内收件比例", "peers_in_city": "市内同级机关数",
    "new_requests_rank_in_city": "市内收件排名", "grant_rate_rank_in_city": "市内予以公开率排名",
    "denied_rank_in_city": "市内不予公开排名",
}


def column_labels() -> dict[str, str]:
    """Column name → Chinese header, for every column name the marts and base tables use."""
    labels = dict(_DESCRIPTIVE)
    labels |= {m.name: m.label for m in MEASURES}
    labels |= {name: label for name, _, _, label in RATES}
    labels |= {col.key: col.label for col in SECTION3_COLUMNS}
    for name in YEAR_OVER_YEAR:
        labels[f"previous_{name}"] = f"上年·{labels[name]}"
        labels[f"{name}_change"] = f"{labels[name]}增减"
        labels[f"{name}_relative_change"] = f"{labels[name]}变化率"
    return labels


def headers(columns: list[str], language: str) -> list[str]:
    """The header row for `columns`: the keys themselves, or (zh) unique Chinese labels."""
    if language == "keys":
        return list(columns)
    labels = column_labels()
    chosen = [labels.get(c, c) for c in columns]
    return [f"{h}（{c}）" if chosen.count(h) > 1 else h for h, c in zip(chosen, columns, strict=True)]
