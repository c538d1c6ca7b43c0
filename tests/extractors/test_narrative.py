"""Narrative figures of sections 一 and 六 (docs/format.md §7) on the seed report and synthetic prose."""

from __future__ import annotations

from decimal import Decimal

from extractors.narrative import extract_narrative, section_headings
from tests.conftest import SHARED

SEED = (SHARED / "corpus" / "seed" / "wenchang-2023.md").read_text(encoding="utf-8")


def facts(text: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for fact in extract_narrative(text):
        found.setdefault(fact.key, []).append(fact)
    return found


def test_seed_report_figures() -> None:
    found = facts(SEED)
    expect = {
        "proactive_items_total": (1800, "条", "余"),
        "website_items": (115, "条", None),
        "new_media_items": (1600, "条", "余"),
        "wechat_items": (400, "条", "余"),
        "weibo_items": (1200, "条", "余"),
        "village_affairs_items": (100, "条", "余"),
        "requests_received_text": (0, "件", "none_stated"),
        "normative_docs_issued_text": (0, "件", "none_stated"),
        "staff_count": (2, "名", None),
        "public_feedback_items": (0, "条", "none_stated"),
        "accountability_cases": (0, "起", "none_stated"),
        "info_processing_fee_yuan": (0, "元", "none_stated"),
        "hotline_12345_cases": (1243, "件", None),
        "hotline_completion_rate": (100, "%", None),
        "training_sessions": (2, "次", None),
    }
    for key, (value, unit, qualifier) in expect.items():
        first = found[key][0]
        assert (first.value, first.unit, first.qualifier) == (Decimal(value), unit, qualifier), key
        assert first.approx == (qualifier == "余")
    assert found["info_processing_fee_yuan"][0].section == 6 and found["website_items"][0].section == 1
    fact = found["wechat_items"][0]
    assert SEED[fact.char_span[0] : fact.char_span[1]] == fact.raw and fact.raw.startswith("微信公众\n")
    values = {f.value for fs in found.values() for f in fs}
    assert not values & {Decimal(v) for v in (12345, 711, 2021, 755000, 111, 11, 9557062810)}


def test_section_headings_in_order() -> None:
    assert [s for s, _, _ in section_headings(SEED)] == [1, 2, 3, 4, 5, 6]
    assert [s for s, _, _ in section_headings("一、总体情况\n正文\n3、收到和处理政府信息公开申请情况\n")] == [1, 3]


def test_synthetic_sentences() -> None:
    text = (
        "一、总体情况\n2024年，全年收到政府信息公开申请1,243件，上年结转34件，结转下年度103件。"
        "政府网站公开信息152万条，约300条政策解读，微博发布信息3.7万条以上。"
        "发生行政复议12件，行政诉讼3件。本机关出台规范性文件5件。联系电话0955-7062810，邮编755000。\n"
        "六、其他需要报告的事项\n全年收取信息处理费3940元。\n"
    )
    found = facts(text)
    assert found["requests_received_text"][0].value == 1243
    assert found["requests_carried_over_text"][0].value == 34
    assert found["requests_carried_forward_text"][0].value == 103
    assert found["website_items"][0].value == Decimal(1_520_000)
    weibo = found["weibo_items"][0]
    assert (weibo.value, weibo.qualifier, weibo.approx) == (Decimal(37000), "以上", True)
    assert found["review_text"][0].value == 12 and found["litigation_text"][0].value == 3
    assert found["normative_docs_issued_text"][0].value == 5
    fee = found["info_processing_fee_yuan"][0]
    assert (fee.value, fee.unit, fee.section) == (Decimal(3940), "元", 6)
    none = facts("一、总体情况\n本年度未发生政府信息公开行政复议、行政诉讼案件。\n")
    assert none["review_text"][0].qualifier == "none_stated" and none["litigation_text"][0].value == 0
