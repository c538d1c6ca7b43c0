"""The NBS division gazetteer (extractors/divisions/*.csv): codes, names and parent chains.

Titles and contact lines name places by their printed names; the warehouse wants codes. This module
is the one place that knows the quirks of the NBS lists (docs/format.md §8.2, §8.5):

- codes are stored short and padded here: province `64` → `640000`, city `6405` → `640500`;
- 直辖市 and 省直辖县级 units hang under *grouping* city rows (市辖区, 县, 省直辖县级行政区划) that
  are not real governments: they get no name entry and are skipped in parent chains;
- 不设区的地级市 (东莞, 中山, 儋州, 嘉峪关) also appear as a pseudo-county with the city's own name,
  which is a grouping row too, so that a township's chain reads 广东省 → 东莞市 → 某镇;
- 开发区-type pseudo-counties (county digits 71–80) are real rows but flagged `pseudo`, because
  their codes are NBS-only, not MCA codes.

Loading reads ~45k rows into plain dicts once per process (see `Gazetteer.default`).
"""

from __future__ import annotations

import csv
import functools
import operator
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import NamedTuple

GROUPING_CITY_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
MUNICIPALITY_PROVINCES = frozenset({"110000", "120000", "310000", "500000"})  # 直辖市
PSEUDO_COUNTY_DIGITS = range(71, 81)  # NBS 开发区/新区/管理区 county codes xx71–xx80
_DIVISION_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")


class Division(NamedTuple):
    """One row of the gazetteer with its padded code; `parent_code` is the next real unit up.

    A NamedTuple rather than a dataclass: ~45k of them are built at load time, and tuples are cheap.
    """

    code: str
    name: str
    level: str  # province | prefecture | county | township
    parent_code: str | None
    pseudo: bool = False  # NBS-only unit (开发区 pseudo-county, 4xx/5xx township-like unit)

    @property
    def township_kind(self) -> str | None:
        """镇/乡/街道/other from the GB/T 10114 digit ranges, for township rows only."""
        if self.level != "township":
            return None
        serial = int(self.code[6:])
        if serial < 100:
            return "街道"
        if serial < 200:
            return "镇"
        if serial < 400:
            return "乡"
        return "other"


class Gazetteer:
    """Division lookups by code and by name; names map to every division that carries them."""

    def __init__(self, divisions: Iterable[Division]) -> None:
        self._by_code: dict[str, Division] = {}
        self._by_name: dict[str, list[Division]] = {}
        for division in divisions:
            self._by_code[division.code] = division
            self._by_name.setdefault(division.name, []).append(division)
        self.max_name_length = max((len(n) for n in self._by_name), default=0)

    @classmethod
    def from_folder(cls, folder: Path) -> Gazetteer:
        """Read the four NBS CSVs of `folder` (the layout of extractors/divisions/)."""
        missing = [name for name in _DIVISION_FILES if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{folder}: division list(s) missing: {', '.join(missing)}")
        return cls(_read_divisions(folder))

    @staticmethod
    @functools.cache
    def default() -> Gazetteer:
        """The packaged gazetteer, loaded on first use and shared by the whole process."""
        folder = resources.files("extractors") / "divisions"
        return Gazetteer.from_folder(Path(str(folder)))

    def division(self, code: str) -> Division | None:
        """The division with this code; short NBS codes (`64`, `6405`) are padded first."""
        return self._by_code.get(pad_code(code))

    def parent_chain(self, code: str) -> list[Division]:
        """Province → prefecture → county → township down to `code` itself; empty if unknown.

        Grouping rows never appear, so a 直辖市 district has no prefecture and a 省直辖县级市
        sits directly under its province.
        """
        chain: list[Division] = []
        division = self.division(code)
        while division is not None:
            chain.append(division)
            division = self._by_code.get(division.parent_code) if division.parent_code else None
        chain.reverse()
        return chain

    def by_name(self, name: str, within: str | None = None) -> list[Division]:
        """Every division called `name`, optionally only those below (or equal to) division `within`."""
        found = self._by_name.get(name, [])
        if within is None:
            return list(found)
        return [d for d in found if self.is_within(d.code, within)]

    def is_within(self, code: str, ancestor: str) -> bool:
        """True when `ancestor` is `code` itself or one of its parents."""
        ancestor = pad_code(ancestor)
        return any(d.code == ancestor for d in self.parent_chain(code))

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Division]:
        return iter(self._by_code.values())


def pad_code(code: str) -> str:
    """NBS short codes to the 6-digit form (`64` → `640000`, `6405` → `640500`); 9 digits stay."""
    code = code.strip()
    return code.ljust(6, "0") if len(code) < 6 else code


def _read_divisions(folder: Path) -> Iterator[Division]:
    """Yield real divisions with parents pointing past grouping rows (see the module docstring)."""
    for code, name in _columns(folder / "provinces.csv", "code", "name"):
        yield Division(pad_code(code), name, "province", None)

    real_city_parent: dict[str, str] = {}  # any city code → the real unit a child should hang under
    city_names: dict[str, str] = {}
    for short, name, province in _columns(folder / "cities.csv", "code", "name", "provinceCode"):
        code = pad_code(short)
        city_names[code] = name
        if name in GROUPING_CITY_NAMES:
            real_city_parent[code] = pad_code(province)
            continue
        real_city_parent[code] = code
        yield Division(code, name, "prefecture", pad_code(province))

    real_area_parent: dict[str, str] = {}
    for code, name, city_short in _columns(folder / "areas.csv", "code", "name", "cityCode"):
        city = pad_code(city_short)
        if name == city_names.get(city):  # 不设区的地级市: the city repeated as a county
            real_area_parent[code] = city
            continue
        real_area_parent[code] = code
        yield Division(code, name, "county", real_city_parent[city], int(code[4:6]) in PSEUDO_COUNTY_DIGITS)

    for code, name, area in _columns(folder / "streets.csv", "code", "name", "areaCode"):
        yield Division(code, name, "township", real_area_parent[area], int(code[6:]) >= 400)


def _columns(path: Path, *names: str) -> Iterator[tuple[str, ...]]:
    """The named columns of a CSV, positionally (DictReader is several times slower on 41k rows)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = [n for n in names if n not in header]
        if missing:
            raise ValueError(f"{path}: division list lacks column(s) {', '.join(missing)}")
        pick = operator.itemgetter(*(header.index(n) for n in names))
        for values in reader:
            yield pick(values)
