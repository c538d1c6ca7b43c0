"""A report as one flat record: what every rule reads, in the pure path and as a DataFrame row.

Both validation paths (validate.evaluate_report and the GE batch) build their input here, so they
can only disagree about the arithmetic, never about what the report says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from expectations.rules import (
    CELL_KEYS,
    RULES,
    FeeStatementRule,
    NarrativeRule,
    fact_fields,
    section_of,
    table_field,
)
from extractors.narrative import clean_text, section_bodies, section_headings
from extractors.numbers import chinese_year
from extractors.report import Report
from extractors.template import flat_key

IDENTITY_FIELDS = ("report_id", "sha256", "source")
FACT_FIELDS = (
    "agency_level",
    "template",
    "title_year",
    "doc_has_text",
    "doc_period_start_year",
    "doc_period_end_year",
    "doc_opening_year",
    "doc_headings",
    "doc_stated_absent",
    "doc_table_2",
    "doc_table_3",
    "doc_table_4",
    "doc_unlocated",
    "doc_not_read",
    "doc_ocr_readings",
)
_NARRATIVE_FACTS = tuple(
    dict.fromkeys(
        fact
        for rule in RULES
        for fact in (
            [c.fact for c in rule.comparisons]
            if isinstance(rule, NarrativeRule)
            else [rule.fact]
            if isinstance(rule, FeeStatementRule)
            else []
        )
    )
)
NARRATIVE_FIELDS = tuple(f for fact in _NARRATIVE_FACTS for f in fact_fields(fact))
RECORD_FIELDS = (*IDENTITY_FIELDS, *FACT_FIELDS, *NARRATIVE_FIELDS, *CELL_KEYS)
TEXT_FIELDS = frozenset(
    {
        "report_id",
        "sha256",
        "source",
        "agency_level",
        "template",
        "doc_headings",
        "doc_stated_absent",
        "doc_unlocated",
        "doc_not_read",
        "doc_ocr_readings",
        *(f for f in NARRATIVE_FIELDS if f.endswith("__raw")),
    }
)
BOOL_FIELDS = frozenset(
    {
        "doc_has_text",
        "doc_table_2",
        "doc_table_3",
        "doc_table_4",
        *(f for f in NARRATIVE_FIELDS if f.endswith(("__none", "__approx"))),
    }
)

_SECTION_KEYS = {s: tuple(k for k in CELL_KEYS if section_of(k) == s) for s in (2, 3, 4)}
_YEAR = r"(\d{4}|[〇○零一二三四五六七八九]{4})"
_PERIOD = re.compile(_YEAR + r"年(?:度)?1月1日(?:起)?(?:至|到|—|–|-|~|～)" + _YEAR + r"年12月31日")
_OPENING = re.compile(r"^.{0,8}?" + _YEAR + r"年(?:度|以来)?")
_NEGATION = re.compile(r"未|没有|无")


@dataclass(frozen=True)
class DocumentFacts:
    """What D-1/D-2 need from the body text."""

    period_start_year: int | None
    period_end_year: int | None
    opening_year: int | None
    headings: str  # section numbers in document order, e.g. "123456"
    stated_absent: str  # sections 2–4 whose body says there is nothing to report


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() else chinese_year(text)


def document_facts(text: str) -> DocumentFacts:
    """Statistics-period years, the opening sentence's year, the headings, tables stated absent."""
    clean = clean_text(text).text
    period = _PERIOD.search(clean)
    bodies = section_bodies(text)
    opening = None
    if 1 in bodies:
        start, end = bodies[1]
        if found := _OPENING.match(clean_text(text[start:end]).text):
            opening = _year(found[1])
    absent = ""
    for section in (2, 3, 4):
        if section in bodies:
            body = clean_text(text[slice(*bodies[section])]).text
            if len(body) < 200 and "|" not in body and _NEGATION.search(body):
                absent += str(section)
    return DocumentFacts(
        period_start_year=_year(period[1]) if period else None,
        period_end_year=_year(period[2]) if period else None,
        opening_year=opening,
        headings="".join(str(s) for s, _, _ in section_headings(text)),
        stated_absent=absent,
    )


def ocr_readings_text(report: Report, record: dict[str, Any]) -> str:
    """`key=0.97,…` for every OCR'd table cell: the recogniser's confidence, `?` where it read no number."""
    out = []
    for cell in report.cells.values():
        key = flat_key(*cell.key)
        if "ocr" not in cell.flags or "derived" in cell.flags or key not in record:
            continue
        confidence = cell.provenance.ocr_confidence if cell.provenance else None
        unread = (confidence is None or "unparsed" in cell.flags
                  or (cell.value is None and "na_marker" not in cell.flags))
        out.append(f"{key}={'?' if unread else confidence}")
    return ",".join(out)


def report_record(report: Report, text: str | None = None) -> dict[str, Any]:
    """The flat record of one report: every cell (Decimal or None), document facts, narrative."""
    record: dict[str, Any] = dict.fromkeys(RECORD_FIELDS)
    record.update(
        report_id=report.report_id,
        sha256=report.sha256,
        source=report.source,
        agency_level=report.agency.level,
        template=report.template,
        title_year=report.year,
    )
    for cell in report.cells.values():
        key = flat_key(cell.section, cell.row_key, cell.col_key)
        if key in record and cell.value is not None:
            record[key] = cell.value
    record["doc_unlocated"] = ",".join(
        flat_key(*cell.key) for cell in report.cells.values() if "unlocated" in cell.flags)
    record["doc_not_read"] = ",".join(
        flat_key(*cell.key) for cell in report.cells.values()
        if cell.value is None and {"not_found", "unparsed"} & cell.flags and "unlocated" not in cell.flags)
    record["doc_ocr_readings"] = ocr_readings_text(report, record)
    for section, keys in _SECTION_KEYS.items():
        record[table_field(section)] = any(record[k] is not None for k in keys)
    record["doc_has_text"] = text is not None or bool(report.narrative)
    if text is not None:
        facts = document_facts(text)
        record.update(
            doc_period_start_year=facts.period_start_year,
            doc_period_end_year=facts.period_end_year,
            doc_opening_year=facts.opening_year,
            doc_headings=facts.headings,
            doc_stated_absent=facts.stated_absent,
        )
    for fact in report.narrative:
        if fact.key not in _NARRATIVE_FACTS:
            continue
        value_field, none_field, approx_field, raw_field = fact_fields(fact.key)
        if record[value_field] is not None:
            continue  # the first mention is the one compared
        record[value_field] = Decimal(fact.value) if fact.value is not None else None
        record[none_field] = fact.qualifier == "none_stated"
        record[approx_field] = fact.approx
        record[raw_field] = fact.raw
    return record
