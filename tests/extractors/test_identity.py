"""Agency identity and year from titles and body evidence (docs/format.md §8, docs/contract.md §1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.identity import find_title, identify, parse_title

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SUFFIX = "2023年政府信息公开工作年度报告"

# The first lines of the real 淮安 PDFs as their text layer reads (the documents are in ../shared/corpus/real).
HUAIAN_CITY_2024 = """淮 安 市 人 民 政 府
2 0 2 4 年 政 府 信 息 公 开 工 作 年 度 报 告
本报告由淮安市人民政府办公室根据《中华人民共和国政府
信息公开条例》（国令第 711 号）（以下简称《条例》）规定编
制。报告所列统计期限自 2024 年 1 月 1 日至 2024 年 12 月 31 日。
如对本报告有疑问，请与淮安市人民政府办公室联系（地址：淮
安市翔宇南道 1 号，邮编：223001，电话：0517-83605210，电
子邮箱：hazwgkc@163.com）。
一、总体情况
2024 年，我市坚持以习近平新时代中国特色社会主义思想为
（二）依申请公开情况。2024 年，全市共受理政府信息公开申请 3119 件。"""

HONGZE_2023 = """洪泽区人民政府
2023 年政府信息公开工作年度报告
本报告由淮安市洪泽区人民政府办公室根据《中华人民共和
国政府信息公开条例》（国令第 711 号）（以下简称《条例》）
要求编制此报告。报告中所列数据统计期限自 2023 年 1 月 1 日
起至 2023 年 12 月 31 日止。如对本报告有疑问，请与淮安市洪
泽区人民政府办公室联系（地址：淮安市洪泽区洪泽湖大道 90
号 ， 邮 编 ： 223100 ， 电 话 ： 0517-87222589 ， 电 子 邮 箱 ：
hzzwgk@126.com）。
一、总体情况"""


def agency_of(title: str, body: str = "") -> dict[str, object]:
    return identify([title], body).agency.to_json()


def places(agency: dict[str, object]) -> tuple[object, ...]:
    return tuple(agency[k] for k in ("level", "province", "city", "county", "code"))


# ---------------------------------------------------------------- title parsing


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("沙坡头区文昌镇 2023 年政府信息公开工作年度报告", "沙坡头区文昌镇", 2023),
        ("淮 安 市 人 民 政 府 2 0 2 4 年 政 府 信 息 公 开 工 作 年 度 报 告", "淮安市人民政府", 2024),
        ("淮安市人民政府政府信息公开工作年度报告（2023年度）", "淮安市人民政府", 2023),
        ("宁夏回族自治区人民政府二〇二三年政府信息公开工作年度报告", "宁夏回族自治区人民政府", 2023),
        ("中卫市二○二二年度政府信息公开工作年度报告", "中卫市", 2022),
        ("洪泽区教育体育局关于2023年度政府信息公开工作情况的报告", "洪泽区教育体育局", 2023),
        ("关于淮安市洪泽区2019年政府信息公开工作年度报告", "淮安市洪泽区", 2019),
        ("上海市人民政府办公厅2019年政府信息公开年度报告", "上海市人民政府办公厅", 2019),
        ("2022年上海市政府信息公开工作年度报告", "上海市", 2022),
        ("某某县人民政府信息公开工作年度报告", "某某县人民政府", None),
        ("淮安市2020年政务公开工作年度报告", "淮安市", 2020),
        ("文昌镇２０２３年度政府信息公开年报", "文昌镇", 2023),
        ("政府信息公开工作年度报告格式模板", "", None),
        ("淮安市人民政府2023年政府信息公开工作年度报告（全文）", "淮安市人民政府", 2023),
    ],
)
def test_title_parse(title: str, agency: str, year: int | None) -> None:
    parsed = parse_title(title)
    assert (parsed.agency, parsed.year) == (agency, year)


@pytest.mark.parametrize(
    ("lines", "agency", "year"),
    [
        (
            ["洪泽区人民政府", "2023 年政府信息公开工作年度报告", "本报告由淮安市洪泽区人民政府办公室根据《条例》"],
            "洪泽区人民政府",
            2023,
        ),
        (["淮安市洪泽区", "人民政府", "2024年政府信息公开工作年度报告"], "淮安市洪泽区人民政府", 2024),
        (["淮安市人民政府2024年政府信息公开", "工作年度报告"], "淮安市人民政府", 2024),
        (
            ["首页>政务公开>年度报告", "发布机构：淮安市人民政府", "淮安市教育局2023年政府信息公开工作年度报告"],
            "淮安市教育局",
            2023,
        ),
        (["沙坡头区文昌镇2023年政府信息公开工作年度报告_中卫市沙坡头区人民政府"], "沙坡头区文昌镇", 2023),
        (["标题：文昌镇2023年政府信息公开工作年度报告"], "文昌镇", 2023),
    ],
)
def test_title_found_among_first_lines(lines: list[str], agency: str, year: int) -> None:
    found = find_title(lines)
    assert found is not None and (found.agency, found.year) == (agency, year)


def test_no_title_line_falls_back_to_the_report_named_in_the_preamble() -> None:
    body = (
        "根据《条例》要求，现发布《沙坡头区文昌镇2023年政府信息公开工作年度报告》。"
        "本报告统计数据从2023年1月1日至2023年12月31日。"
    )
    identity = identify(["根据《条例》要求，现发布…"], body)
    assert identity.agency.name == "沙坡头区文昌镇" and identity.year == 2023


def test_agency_from_the_body_when_the_title_names_none() -> None:
    body = "本报告由中卫市沙坡头区人民政府办公室根据《条例》编制。"
    agency = identify(["2023年政府信息公开工作年度报告"], body).agency
    assert agency.name == "中卫市沙坡头区人民政府办公室"
    assert (agency.level, agency.code, agency.kind) == ("county", "640502", "government_office")


# ---------------------------------------------------------------- levels, kinds, codes


@pytest.mark.parametrize(
    ("title", "expected", "kind"),
    [
        ("沙坡头区文昌镇", ("township", "宁夏回族自治区", "中卫市", "沙坡头区", "640502101"), "government"),
        ("淮安市洪泽区人民政府", ("county", "江苏省", "淮安市", "洪泽区", "320813"), "government"),
        ("淮安市人民政府", ("prefecture", "江苏省", "淮安市", None, "320800"), "government"),
        ("江苏省人民政府", ("province", "江苏省", None, None, "320000"), "government"),
        ("宁夏回族自治区人民政府", ("province", "宁夏回族自治区", None, None, "640000"), "government"),
        ("内蒙古自治区", ("province", "内蒙古自治区", None, None, "150000"), "government"),
        ("北京市朝阳区人民政府", ("county", "北京市", None, "朝阳区", "110105"), "government"),
        ("重庆市城口县人民政府", ("county", "重庆市", None, "城口县", "500229"), "government"),
        ("仙桃市人民政府", ("county", "湖北省", None, "仙桃市", "429004"), "government"),  # 省直辖县级市
        ("昆山市人民政府", ("county", "江苏省", "苏州市", "昆山市", "320583"), "government"),  # 县级市
        ("延边朝鲜族自治州人民政府", ("prefecture", "吉林省", "延边朝鲜族自治州", None, "222400"), "government"),
        ("南京市鼓楼区", ("county", "江苏省", "南京市", "鼓楼区", "320106"), "government"),
        ("济南市市中区人民政府", ("county", "山东省", "济南市", "市中区", "370103"), "government"),
        ("东莞市石碣镇人民政府", ("township", "广东省", "东莞市", None, "441900101"), "government"),
        ("北京市东城区东华门街道办事处", ("township", "北京市", None, "东城区", "110101001"), "dispatched_office"),
        ("嘉峪关市雄关街道", ("township", "甘肃省", "嘉峪关市", None, "620201001"), "dispatched_office"),
        (
            "长春净月高新技术产业开发区管理委员会",
            ("county", "吉林省", "长春市", "长春净月高新技术产业开发区", "220172"),
            "dev_zone_committee",
        ),
        ("上海市人民政府办公厅", ("province", "上海市", None, None, "310000"), "government_office"),
        ("淮安市洪泽区人民政府办公室", ("county", "江苏省", "淮安市", "洪泽区", "320813"), "government_office"),
        ("淮安市教育局", ("department", "江苏省", "淮安市", None, "320800"), "department"),
        ("洪泽区教育体育局", ("department", "江苏省", "淮安市", "洪泽区", "320813"), "department"),
        ("国家税务总局淮安市税务局", ("department", "江苏省", "淮安市", None, "320800"), "vertical_agency"),
    ],
)
def test_levels_kinds_and_codes(title: str, expected: tuple[object, ...], kind: str) -> None:
    agency = agency_of(title + SUFFIX)
    assert agency["name"] == title
    assert places(agency) == expected
    assert agency["kind"] == kind


def test_full_names_are_composed_from_the_prefecture_down() -> None:
    assert agency_of("沙坡头区文昌镇" + SUFFIX)["full_name"] == "中卫市沙坡头区文昌镇人民政府"
    assert agency_of("北京市朝阳区" + SUFFIX)["full_name"] == "北京市朝阳区人民政府"
    assert agency_of("嘉峪关市雄关街道" + SUFFIX)["full_name"] == "嘉峪关市雄关街道办事处"
    assert agency_of("长春净月高新技术产业开发区" + SUFFIX)["full_name"] == "长春净月高新技术产业开发区管理委员会"
    assert agency_of("国家税务总局淮安市税务局" + SUFFIX)["full_name"] == "国家税务总局淮安市税务局"


def test_units_the_gazetteer_lacks_keep_their_parents_and_level_but_get_no_code() -> None:
    street = agency_of("淮安市清江浦区城南新街道办事处" + SUFFIX)
    assert places(street) == ("township", "江苏省", "淮安市", "清江浦区", None)
    assert street["kind"] == "dispatched_office"
    zone = agency_of("淮安市某某高新技术产业开发区管理委员会" + SUFFIX)
    assert places(zone) == ("county", "江苏省", "淮安市", "某某高新技术产业开发区", None)  # a pseudo-county
    assert zone["kind"] == "dev_zone_committee"
    unknown = agency_of("某某县某某镇" + SUFFIX)
    assert places(unknown)[0] == "township" and unknown["code"] is None


def test_a_document_naming_no_agency_gets_none() -> None:
    identity = identify(["政府信息公开工作年度报告格式模板"], "一、总体情况")
    assert identity.agency.name is None
    assert places(identity.agency.to_json()) == (None, None, None, None, None)
    assert identity.year is None


def test_national_bodies_have_no_place() -> None:
    agency = agency_of("国务院办公厅" + SUFFIX)
    assert places(agency) == ("department", None, None, None, None)


# ---------------------------------------------------------------- ambiguous names


@pytest.mark.parametrize("title", ["文昌镇", "朝阳区人民政府", "鼓楼区"])
def test_ambiguous_names_without_evidence_get_no_code(title: str) -> None:
    agency = agency_of(title + SUFFIX, "一、总体情况 2023年，本机关坚持公开为常态。")
    assert agency["code"] is None and agency["province"] is None
    assert any(str(e).startswith("ambiguous:") for e in agency["evidence"])  # type: ignore[attr-defined]


def test_ambiguous_name_keeps_its_certain_level_and_name() -> None:
    agency = agency_of("朝阳区人民政府" + SUFFIX)
    assert (agency["level"], agency["county"], agency["code"]) == ("county", "朝阳区", None)


@pytest.mark.parametrize(
    ("body", "code", "evidence"),
    [
        ("如有疑问，请与中卫市沙坡头区文昌镇人民政府联系。", "640502101", "contact line: 中卫市沙坡头区文昌镇人民政府"),
        ("联系方式（地址：淳安县文昌镇新安东路8号）", "330127101", "contact line: 淳安县文昌镇"),
        ("咨询地址：安徽省宣城市宣州区某路1号", "341802106", "address: 安徽省宣城市宣州区某路1号"),
        (
            "按照《中卫市沙坡头区2023年政务公开工作要点任务》，细化任务分工。",
            "640502101",
            "body mentions: 中卫市、沙坡头区",
        ),
    ],
)
def test_ambiguous_township_resolved_by_body_evidence(body: str, code: str, evidence: str) -> None:
    agency = agency_of("文昌镇" + SUFFIX, body)
    assert agency["code"] == code
    assert any(str(e).startswith(evidence) for e in agency["evidence"])  # type: ignore[attr-defined]


def test_district_resolved_by_its_city_in_the_address() -> None:
    agency = agency_of("朝阳区人民政府" + SUFFIX, "（地址：长春市朝阳区人民大街1号，邮编：130000）")
    assert places(agency) == ("county", "吉林省", "长春市", "朝阳区", "220104")


def test_evidence_that_narrows_but_does_not_decide_keeps_what_is_shared() -> None:
    agency = agency_of("文昌镇" + SUFFIX, "按照《四川省2023年政务公开工作要点》推进。")
    assert (agency["province"], agency["city"], agency["code"]) == ("四川省", None, None)


def test_title_places_decide_before_the_body() -> None:
    agency = agency_of("沙坡头区文昌镇" + SUFFIX, "学习淳安县文昌镇的经验。")
    assert agency["code"] == "640502101"


# ---------------------------------------------------------------- year and scope


def test_year_from_the_statistics_period_when_the_title_has_none() -> None:
    identity = identify(["文昌镇政府信息公开工作年度报告"], "本报告统计数据从2023年1月1日至2023年12月31日。")
    assert identity.year == 2023
    assert identity.year_evidence == ["statistics period: 2023年1月1日至2023年12月31日"]


def test_year_from_the_opening_sentence_as_last_resort() -> None:
    assert identify(["政府信息公开工作年度报告"], "一、总体情况\n2021年，我镇坚持…").year == 2021


def test_title_year_wins_and_a_disagreeing_period_is_recorded() -> None:
    identity = identify(["淮安市人民政府2024年政府信息公开工作年度报告"], "统计期限自2023年1月1日至2023年12月31日。")
    assert identity.year == 2024
    assert "statistics period 2023 DISAGREES" in identity.year_evidence


def test_no_year_anywhere_is_none() -> None:
    assert identify(["淮安市人民政府政府信息公开工作年度报告"], "").year is None


@pytest.mark.parametrize(
    ("title", "body", "scope"),
    [
        ("淮安市人民政府", "2024 年，全市共受理政府信息公开申请 3119 件。", "aggregate"),
        ("上海市", "本报告汇总了全市各级行政机关的数据。", "aggregate"),
        ("淮安市洪泽区人民政府", "2024 年，区政府办代表区政府受理政府信息公开申请 17 件。", "own"),
        ("沙坡头区文昌镇", "2023年未收到群众政府信息公开申请。", "own"),
        ("淮安市教育局", "", "own"),
        ("上海市人民政府办公厅", "", "own"),
        ("淮安市人民政府", "加强政务公开。", "unknown"),
    ],
)
def test_scope(title: str, body: str, scope: str) -> None:
    assert agency_of(title + SUFFIX, body)["scope"] == scope


# ---------------------------------------------------------------- the corpus


def test_huaian_city_letter_spaced_title_and_contact_line() -> None:
    lines = HUAIAN_CITY_2024.splitlines()
    identity = identify(lines[:8], HUAIAN_CITY_2024)
    assert identity.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert identity.year == 2024
    agency = identity.agency
    assert places(agency.to_json()) == ("prefecture", "江苏省", "淮安市", None, "320800")
    assert agency.name == "淮安市人民政府" and agency.scope == "aggregate"
    assert "address: 淮安市翔宇南道1号" in agency.evidence


def test_huaian_hongze_two_line_title_with_a_name_broken_across_lines() -> None:
    identity = identify(HONGZE_2023.splitlines()[:8], HONGZE_2023)
    agency = identity.agency
    assert places(agency.to_json()) == ("county", "江苏省", "淮安市", "洪泽区", "320813")
    assert (agency.name, agency.full_name, identity.year) == ("洪泽区人民政府", "淮安市洪泽区人民政府", 2023)
    assert "contact line: 淮安市洪泽区人民政府办公室" in agency.evidence


@pytest.mark.parametrize(
    "key", ["real/js-huaian-shizhengfu-2024.answer.json", "real/js-huaian-hongzequ-2023.answer.json"]
)
def test_huaian_answer_keys(key: str) -> None:
    path = CORPUS / key
    expected = json.loads(path.read_text(encoding="utf-8"))
    text = HUAIAN_CITY_2024 if "shizhengfu" in key else HONGZE_2023
    identity = identify(text.splitlines()[:8], text)
    got = identity.agency.to_json()
    assert places(got) == places(expected["agency"])
    assert (got["province"], got["city"], got["county"]) == tuple(
        expected["agency"][k] for k in ("province", "city", "county")
    )
    assert identity.year == expected["year"]


def test_seed_agency_block() -> None:
    document, key = CORPUS / "seed" / "wenchang-2023.md", CORPUS / "seed" / "wenchang-2023.answer.json"
    text = document.read_text(encoding="utf-8")
    expected = json.loads(key.read_text(encoding="utf-8"))
    identity = identify(text.splitlines()[:6], text)
    assert {k: v for k, v in identity.agency.to_json().items() if k in expected["agency"]} == expected["agency"]
    assert identity.year == expected["year"] == 2023
    notes = expected["notes"]["agency"]
    assert identity.agency.full_name == notes["agency_full_name"]
    assert identity.agency.kind == notes["agency_kind"]
    assert identity.agency.scope == expected["notes"]["report"]["scope"]
    assert {"contact line: 中卫市沙坡头区文昌镇人民政府", "address: 中卫市沙坡头区文萃南街111号"} <= set(
        identity.agency.evidence
    )


# ---------------------------------------------------------------- slips found on untuned documents (issue 14)


def test_libreoffice_title_broken_inside_the_year_phrase_is_not_named_度() -> None:
    identity = identify(["沙坡头区文昌镇2023年", "度政府信息公开工作年度报告"], "")
    assert (identity.agency.name, identity.agency.level, identity.year) == ("沙坡头区文昌镇", "township", 2023)


def test_province_title_in_full_width_digits_broken_inside_the_report_phrase() -> None:
    identity = identify(["浙江省２０２３年政府信息", "公开工作年度报告"], "")
    assert (identity.agency.name, identity.agency.level, identity.agency.code) == ("浙江省", "province", "330000")
    assert identity.year == 2023


def test_a_title_line_after_an_unrelated_line_keeps_its_own_agency() -> None:
    identity = identify(["发布日期2024-01-10", "沙坡头区文昌镇2023年政府信息公开工作年度报告"], "")
    assert identity.agency.name == "沙坡头区文昌镇"


def test_comprehensive_experimental_zone_is_county_level_like_the_gazetteers_zones() -> None:
    zone = agency_of("福建平潭综合实验区" + SUFFIX)
    assert (zone["level"], zone["kind"], zone["code"]) == ("county", "dev_zone_committee", None)
