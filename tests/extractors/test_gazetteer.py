"""The packaged NBS gazetteer: padding, parent chains through the NBS quirks, name lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.gazetteer import Gazetteer, pad_code


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def chain_of(gazetteer: Gazetteer, code: str) -> list[tuple[str, str, str]]:
    return [(d.code, d.name, d.level) for d in gazetteer.parent_chain(code)]


@pytest.mark.parametrize(
    ("short", "padded"), [("64", "640000"), ("6405", "640500"), ("640502", "640502"), ("640502101", "640502101")]
)
def test_short_nbs_codes_are_padded(short: str, padded: str) -> None:
    assert pad_code(short) == padded


def test_default_is_loaded_once(gazetteer: Gazetteer) -> None:
    assert Gazetteer.default() is gazetteer
    assert len(gazetteer) > 40_000  # 31 provinces + cities + ~2.9k counties + ~41k townships


def test_seed_township_chain(gazetteer: Gazetteer) -> None:
    assert chain_of(gazetteer, "640502101") == [
        ("640000", "宁夏回族自治区", "province"),
        ("640500", "中卫市", "prefecture"),
        ("640502", "沙坡头区", "county"),
        ("640502101", "文昌镇", "township"),
    ]
    assert gazetteer.division("6405") == gazetteer.division("640500")


def test_municipality_districts_skip_the_grouping_city_row(gazetteer: Gazetteer) -> None:
    assert chain_of(gazetteer, "110105") == [("110000", "北京市", "province"), ("110105", "朝阳区", "county")]
    assert chain_of(gazetteer, "500229")[0] == ("500000", "重庆市", "province")  # under the 县 row 5002
    assert gazetteer.by_name("市辖区") == [] and gazetteer.division("110100") is None


def test_province_administered_county_sits_under_the_province(gazetteer: Gazetteer) -> None:
    assert chain_of(gazetteer, "429004") == [("420000", "湖北省", "province"), ("429004", "仙桃市", "county")]


@pytest.mark.parametrize(("township", "city"), [("441900101", "东莞市"), ("620201001", "嘉峪关市")])
def test_cities_without_districts_hold_their_townships_directly(gazetteer: Gazetteer, township: str, city: str) -> None:
    levels = [level for _, _, level in chain_of(gazetteer, township)]
    assert levels == ["province", "prefecture", "township"]
    assert gazetteer.parent_chain(township)[1].name == city
    assert [d.level for d in gazetteer.by_name(city)] == ["prefecture"]  # the pseudo-county is not a 2nd hit


def test_development_zone_pseudo_county_is_flagged(gazetteer: Gazetteer) -> None:
    zone = gazetteer.division("220172")
    assert zone is not None and zone.pseudo and zone.level == "county"
    assert zone.name == "长春净月高新技术产业开发区"
    assert not gazetteer.division("640502").pseudo  # type: ignore[union-attr]


def test_shared_names_return_every_candidate(gazetteer: Gazetteer) -> None:
    assert sorted(d.code for d in gazetteer.by_name("文昌镇")) == [
        "330127101",
        "341802106",
        "510725100",
        "510824117",
        "640502101",
    ]
    assert sorted(d.code for d in gazetteer.by_name("朝阳区")) == ["110105", "220104"]
    assert len(gazetteer.by_name("鼓楼区")) == 4
    assert [d.code for d in gazetteer.by_name("文昌镇", within="6405")] == ["640502101"]
    assert [d.code for d in gazetteer.by_name("朝阳区", within="110000")] == ["110105"]


def test_township_kind_follows_the_code_ranges(gazetteer: Gazetteer) -> None:
    kinds = {
        code: gazetteer.division(code).township_kind  # type: ignore[union-attr]
        for code in ("110101001", "640502101", "130273401")
    }
    assert kinds == {"110101001": "街道", "640502101": "镇", "130273401": "other"}
    assert gazetteer.division("640502").township_kind is None  # type: ignore[union-attr]


def test_unknown_codes_give_nothing(gazetteer: Gazetteer) -> None:
    assert gazetteer.division("999999") is None
    assert gazetteer.parent_chain("999999") == []


def test_missing_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "provinces.csv").write_text("code,name\n64,宁夏回族自治区\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"cities\.csv, areas\.csv, streets\.csv"):
        Gazetteer.from_folder(tmp_path)


def test_a_small_folder_loads_with_the_same_rules(tmp_path: Path) -> None:
    files = {
        "provinces.csv": 'code,name\n11,"北京市"\n44,"广东省"\n',
        "cities.csv": 'code,name,provinceCode\n1101,"市辖区",11\n4419,"东莞市",44\n',
        "areas.csv": 'code,name,cityCode,provinceCode\n110105,"朝阳区",1101,11\n441900,"东莞市",4419,44\n',
        "streets.csv": 'code,name,areaCode,provinceCode,cityCode\n441900101,"石碣镇",441900,44,4419\n',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    small = Gazetteer.from_folder(tmp_path)
    assert [d.code for d in small.parent_chain("441900101")] == ["440000", "441900", "441900101"]
    assert [d.code for d in small.parent_chain("110105")] == ["110000", "110105"]
    assert len(small) == 5


def test_a_list_without_its_columns_is_rejected(tmp_path: Path) -> None:
    for name in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
        (tmp_path / name).write_text("code,title\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"provinces\.csv: division list lacks column"):
        Gazetteer.from_folder(tmp_path)
