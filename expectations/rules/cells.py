"""What a rule reads and how its evidence is written: flat cell keys, their display names, numbers.

A rule reads a *record*: a flat dict of cell values (keys from `template.flat_key`) plus a few
document facts (expectations/flat_record.py). The key builders and the sum arithmetic live in the
bottom layer (extractors/template.py, extractors/sums.py) so the mapper can use them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from extractors.sums import Record, as_decimal, is_missing, total
from extractors.template import (
    SECTION2_KEYS,
    SECTION3_ALL_COLUMNS,
    SECTION3_ALL_ROWS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    s2,
    s3,
    s4,
)

__all__ = ["Record", "as_decimal", "is_missing", "s2", "s3", "s4", "total"]

SECTION_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六"}


def _display_names() -> dict[str, str]:
    names = {s2(r, c): f"{r}.{c}" for r, c in SECTION2_KEYS}
    names.update({s3(r, c): f"{r}.{c}" for r in SECTION3_ALL_ROWS for c in SECTION3_ALL_COLUMNS})
    names.update({s4(g, c): f"{g}.{c}" for g in SECTION4_GROUP_KEYS for c in SECTION4_COLUMN_KEYS})
    return names


DISPLAY_NAMES = _display_names()
CELL_KEYS = tuple(DISPLAY_NAMES)  # every numeric cell a record carries


def display(key: str) -> str:
    """`s3_new_requests__total` → `new_requests.total` (the docs/format.md dotted form users read)."""
    return DISPLAY_NAMES.get(key, key)


def section_of(key: str) -> int | None:
    """The section number of a flat cell key, None for a document fact."""
    return int(key[1]) if key in DISPLAY_NAMES else None


def fmt(value: Any) -> str:
    """A number as evidence text: 12, 0.35 (Decimal or float alike, never 12.0 or 1E+1)."""
    if value is None:
        return "null"
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")




def table_field(section: int) -> str:
    """The record field that says whether table `section` has any value at all."""
    return f"doc_table_{section}"


def describe_missing(keys: Sequence[str], record: Record) -> str:
    """Name what is missing: whole tables by their section number, otherwise the cells."""
    by_section: dict[int | None, list[str]] = {}
    for key in keys:
        by_section.setdefault(section_of(key), []).append(key)
    parts: list[str] = []
    for section, section_keys in by_section.items():
        present = record.get(table_field(section)) if section is not None else None
        if section is not None and present is not None and not present:
            parts.append(f"table {SECTION_NUMERALS[section]} (section {section}) is missing")
            continue
        names = [display(k) for k in section_keys]
        more = f" and {len(names) - 6} more" if len(names) > 6 else ""
        parts.append("missing " + ", ".join(names[:6]) + more)
    return "; ".join(parts)



def fact_fields(fact: str) -> tuple[str, str, str, str]:
    """Record fields of a narrative fact: value, negation flag, approximate flag, raw text."""
    return f"n_{fact}", f"n_{fact}__none", f"n_{fact}__approx", f"n_{fact}__raw"

