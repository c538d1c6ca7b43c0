"""Warehouse tests run against a small division table (宁夏 only) written from the shipped CSVs."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

import extractors

SHIPPED = Path(extractors.__file__).parent / "divisions"
PROVINCE = "64"


@pytest.fixture(scope="session")
def divisions_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """provinces/cities/areas/streets.csv limited to one province: same format, 1/100 of the rows."""
    out = tmp_path_factory.mktemp("divisions")
    for name in ("provinces", "cities", "areas", "streets"):
        with open(SHIPPED / f"{name}.csv", encoding="utf-8") as source:
            rows = list(csv.reader(source))
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target, quoting=csv.QUOTE_MINIMAL)
            writer.writerow(rows[0])
            writer.writerows(r for r in rows[1:] if r[0].startswith(PROVINCE))
    return out


@pytest.fixture(scope="session", autouse=True)
def small_divisions(divisions_dir: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XXGK_DIVISIONS", str(divisions_dir))
        yield


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "xxgk.duckdb"
