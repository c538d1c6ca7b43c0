"""docs/format.md names every key and label of extractors/template.py, and every rule of the catalogue.

The template module is the code's single source of keys; the doc is the reference people read.
A key added to the template without a line in the doc fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from expectations.rules import RULES
from extractors import template as t

FORMAT_DOC = Path(__file__).resolve().parents[1] / "docs" / "format.md"
# Rules that run across reports in the warehouse (expectations/cross_report.py), not in RULES.
CROSS_REPORT_RULES = ("Y-1", "Y-2", "Y-3", "T2-3", "P-1")


def template_keys() -> set[str]:
    """Every stable key template.py spells out: rows, columns, groups, subtotals, group names."""
    rows = (*t.SECTION2_ROWS, *t.SECTION2_ROWS_2019, *t.SECTION3_ROWS)
    keys = {r.key for r in rows} | {c.key for r in rows for c in r.columns}
    keys |= {c.key for c in (*t.SECTION3_COLUMNS, *t.SECTION4_GROUPS, *t.SECTION4_COLUMNS)}
    keys |= set(t.SECTION3_SUBTOTALS) | set(t.SECTION3_GROUPS) | set(t.SECTION3_GROUP_LABELS)
    keys.add(t.SECTION3_LEGAL_PERSON_SUBTOTAL)
    return keys


def template_labels() -> set[str]:
    """The official Chinese labels (section 三 rows lose nothing: they are quoted in full)."""
    rows = (*t.SECTION2_ROWS, *t.SECTION2_ROWS_2019, *t.SECTION3_ROWS)
    labels = {r.label for r in rows} | {c.label for r in rows for c in r.columns}
    labels |= {c.label for c in (*t.SECTION3_COLUMNS, *t.SECTION4_GROUPS, *t.SECTION4_COLUMNS)}
    return labels


def documented_code_spans() -> set[str]:
    return set(re.findall(r"`([^`]+)`", FORMAT_DOC.read_text(encoding="utf-8")))


def test_every_template_key_is_documented_as_code() -> None:
    assert sorted(template_keys() - documented_code_spans()) == []


def test_every_official_label_is_quoted() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    assert sorted(label for label in template_labels() if label not in text) == []


def test_every_row_anchor_is_listed() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    anchors = {a for r in t.SECTION3_ROWS for a in r.anchors}
    assert sorted(a for a in anchors if a not in text) == []


def test_every_rule_of_the_catalogue_has_a_row() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    rule_ids = [r.rule for r in RULES] + list(CROSS_REPORT_RULES)
    assert [rule for rule in rule_ids if f"| {rule} |" not in text] == []


def test_section_numbers_cited_by_the_code_exist() -> None:
    """Comments cite `docs/format.md §6.5`; every § the code cites must be a heading here."""
    root = FORMAT_DOC.parents[1]
    headings = set(re.findall(r"^#+ §([\d.]+)", FORMAT_DOC.read_text(encoding="utf-8"), flags=re.M))
    cited: set[str] = set()
    for folder in ("extractors", "expectations", "warehouse", "flows"):
        for path in (root / folder).rglob("*"):
            if path.suffix in (".py", ".sql"):
                text = path.read_text(encoding="utf-8")
                cited |= {m.rstrip(".") for m in re.findall(r"docs/format\.md §([\d.]+)", text)}
    assert sorted(cited - headings) == []
