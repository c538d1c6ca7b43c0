"""Reports built directly from values, for warehouse tests (no extraction involved)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from extractors.document import Provenance
from extractors.report import Agency, Cell, CheckResult, Report
from extractors.template import SECTION3_APPLICANT_COLUMNS, all_cell_keys

CellValues = dict[tuple[int, str, str], int | str | None]

# Real NBS codes: 中卫市 (640500) › 沙坡头区 (640502) and 中宁县 (640521).
TOWNSHIPS = {
    "文昌镇": ("沙坡头区", "640502101"),
    "滨河镇": ("沙坡头区", "640502100"),
    "东园镇": ("沙坡头区", "640502102"),
    "宁安镇": ("中宁县", "640521100"),
}


def township(name: str) -> Agency:
    county, code = TOWNSHIPS[name]
    return Agency(name=f"{county}{name}", level="township", province="宁夏回族自治区", city="中卫市",
                  county=county, code=code, scope="own")


def section3(**rows: int) -> CellValues:
    """Section 三 总计 values by row key (the usual input of the mart tests)."""
    return {(3, row, "total"): value for row, value in rows.items()}


def make_report(agency: Agency, year: int, values: CellValues, *, status: str = "ok", source: str | None = None,
                template: str = "2021", failed: tuple[str, ...] = (), version: int = 0) -> Report:
    """A report whose sha256 depends on its content and `version` (a changed file = new version)."""
    source = source or f"reports/{agency.name}-{year}.pdf"
    digest = hashlib.sha256(repr((source, agency.name, year, sorted(values.items()), status, version)).encode())
    report = Report(source=source, sha256=digest.hexdigest(), status=status, template=template, year=year,
                    title=f"{agency.name}{year}年政府信息公开工作年度报告", format="pdf", agency=agency)
    for (section, row, col), value in values.items():
        parsed = None if value is None else Decimal(str(value))
        report.set_cell(Cell(section, row, col, parsed, "" if value is None else str(value),
                             Provenance(source, page=section, bbox=(10.0, 20.0, 30.0, 40.0))))
    for rule in failed:
        report.checks.append(CheckResult(rule, "fail", "error", f"{rule} does not add up", [f"s3.{rule}"]))
    return report


def report_from_answer(answer: dict[str, Any], source: str, agency: Agency | None = None) -> Report:
    """A full report (every printed cell) from tests/fixtures/values.make_answer."""
    values: CellValues = {}
    for section, row, col in all_cell_keys(answer["template"]):
        value = answer[f"section{section}"].get(row, {}).get(col)
        values[(section, row, col)] = None if isinstance(value, str) else value
    a = answer["agency"]
    agency = agency or Agency(name=a["name"], level=a["level"], province=a["province"], city=a["city"],
                              county=a["county"], code=a["code"])
    return make_report(agency, answer["year"], values, source=source, template=answer["template"])


def applicants(row: str, **columns: int) -> CellValues:
    """Section 三 values of one row by applicant column, with 总计 as their sum."""
    assert set(columns) <= set(SECTION3_APPLICANT_COLUMNS)
    values: CellValues = {(3, row, col): value for col, value in columns.items()}
    values[(3, row, "total")] = sum(columns.values())
    return values
