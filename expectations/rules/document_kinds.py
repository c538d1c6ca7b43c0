"""Rule kinds over the agency and the document: level bounds, years, headings, prose, location."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from expectations.rules.base import Rule, jsonable
from expectations.rules.cells import (
    SECTION_NUMERALS,
    Record,
    as_decimal,
    describe_missing,
    display,
    fact_fields,
    fmt,
    is_missing,
    total,
)
from extractors.report import ADMIN_LEVELS, CheckResult, CheckStatus

PASS, FAIL, UNCERTAIN = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.UNCERTAIN


@dataclass(frozen=True)
class LevelBoundRule(Rule):
    """Upper bounds on cells by the agency's administrative level (T2-2, T2-4). A level missing
    from `limits[cell]` means no bound there; an unknown level (None, department) makes a value
    above the lowest bound `uncertain`, above every bound a failure."""

    limits: tuple[tuple[str, tuple[tuple[str, Decimal | None], ...]], ...] = ()
    level_field: str = "agency_level"

    kind = "level_bound"

    @classmethod
    def field_from_json(cls, name: str, value: Any) -> Any:
        if name != "limits":
            return super().field_from_json(name, value)
        return tuple((cell, tuple((lvl, Decimal(b) if b is not None else None) for lvl, b in bounds.items()))
                     for cell, bounds in value)

    def fields(self) -> tuple[str, ...]:
        return (*(cell for cell, _ in self.limits), self.level_field)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["limits"] = [
            [cell, {lvl: (fmt(b) if b is not None else None) for lvl, b in bounds}] for cell, bounds in self.limits
        ]
        return out

    def evaluate(self, record: Record) -> CheckResult:
        level = record.get(self.level_field)
        level = level if isinstance(level, str) else None
        over: list[tuple[str, str]] = []
        unsure: list[str] = []
        for cell, bounds in self.limits:
            value = as_decimal(record.get(cell))
            if value is None:
                continue
            by_level = dict(bounds)
            finite = [b for b in by_level.values() if b is not None]
            if level in ADMIN_LEVELS:
                bound = by_level.get(level)
                if bound is not None and value > bound:
                    over.append((cell, f"{display(cell)} {fmt(value)} > {fmt(bound)} for a {level} body"))
            elif finite and value > min(finite):
                if all(b is not None for b in by_level.values()) and value > max(finite):
                    over.append((cell, f"{display(cell)} {fmt(value)} > {fmt(max(finite))} for any level"))
                else:
                    unsure.append(f"{display(cell)} {fmt(value)} (agency level {level or 'unknown'})")
        cells = [cell for cell, _ in self.limits]
        if over:
            return self.result(FAIL, "; ".join(text for _, text in over), [cell for cell, _ in over])
        if unsure:
            return self.result(UNCERTAIN, "cannot judge " + "; ".join(unsure), cells)
        if all(is_missing(record.get(c)) for c in cells):
            return self.result(UNCERTAIN, "cannot check: " + describe_missing(cells, record))
        return self.result(PASS, self.statement)


@dataclass(frozen=True)
class AgreeRule(Rule):
    """D-1: the years a document states agree. Passes only when `anchor` and one other year were found."""

    anchor: str = ""
    others: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    kind = "agree"

    def fields(self) -> tuple[str, ...]:
        return (self.anchor, *self.others)

    def evaluate(self, record: Record) -> CheckResult:
        years = [(label, record.get(key)) for label, key in zip(self.labels, self.fields(), strict=True)]
        found = [(label, int(v)) for label, v in years if v is not None and not is_missing(v)]
        text = ", ".join(f"{label} {value}" for label, value in found)
        if len({v for _, v in found}) > 1:
            return self.result(FAIL, f"years disagree: {text}", [])
        if is_missing(record.get(self.anchor)) or len(found) < 2:
            return self.result(UNCERTAIN, f"cannot check: only {text or 'no year'} found")
        return self.result(PASS, f"{self.statement} ({text})")


@dataclass(frozen=True)
class SectionsRule(Rule):
    """D-2: six headings in order; tables 二/三/四 present or stated absent in their section."""

    headings_field: str = "doc_headings"
    stated_absent_field: str = "doc_stated_absent"
    table_fields: tuple[tuple[int, str], ...] = ()

    kind = "sections"

    @classmethod
    def field_from_json(cls, name: str, value: Any) -> Any:
        if name == "table_fields":
            return tuple((int(section), field_name) for section, field_name in value)
        return super().field_from_json(name, value)

    def fields(self) -> tuple[str, ...]:
        return (self.headings_field, self.stated_absent_field, *(f for _, f in self.table_fields))

    def evaluate(self, record: Record) -> CheckResult:
        headings = record.get(self.headings_field)
        stated = record.get(self.stated_absent_field) or ""
        problems = []
        if isinstance(headings, str):
            found = [int(ch) for ch in headings]
            missing = [n for n in SECTION_NUMERALS if n not in found]
            if missing:
                problems.append("missing heading " + "、".join(SECTION_NUMERALS[n] for n in missing))
            if found != sorted(found):
                problems.append("headings out of order: " + "、".join(SECTION_NUMERALS[n] for n in found))
        for section, field_name in self.table_fields:
            if not record.get(field_name) and str(section) not in stated:
                problems.append(f"table {SECTION_NUMERALS[section]} (section {section}) is missing")
        if problems:
            return self.result(FAIL, "; ".join(problems))
        if not isinstance(headings, str):
            return self.result(UNCERTAIN, "cannot check headings: no document text")
        return self.result(PASS, self.statement)


@dataclass(frozen=True)
class Comparison:
    """A narrative fact against table cells: the fact must equal the sum of one `alternatives`.
    `negated` limits it to negations ("未收到…", True) or stated numbers (False); None: both."""

    fact: str
    alternatives: tuple[tuple[str, ...], ...]
    negated: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "alternatives": jsonable(self.alternatives), "negated": self.negated}


@dataclass(frozen=True)
class NarrativeRule(Rule):
    """N-1…N-5: figures stated in sections 一/六 agree with the tables. Approximate figures
    (余/多/约…) are never compared; a report whose prose states none is `uncertain`."""

    comparisons: tuple[Comparison, ...] = ()

    kind = "narrative"

    def fields(self) -> tuple[str, ...]:
        keys = [k for c in self.comparisons for k in (*fact_fields(c.fact), *(x for a in c.alternatives for x in a))]
        return tuple(dict.fromkeys(keys))

    @classmethod
    def field_from_json(cls, name: str, value: Any) -> Any:
        if name == "comparisons":
            return tuple(Comparison(c["fact"], tuple(tuple(a) for a in c["alternatives"]), c["negated"]) for c in value)
        return super().field_from_json(name, value)

    def evaluate(self, record: Record) -> CheckResult:
        failures: list[str] = []
        passes: list[str] = []
        unsure: list[str] = []
        cells: list[str] = []
        for comparison in self.comparisons:
            value_field, none_field, approx_field, raw_field = fact_fields(comparison.fact)
            stated = as_decimal(record.get(value_field))
            negated = bool(record.get(none_field))
            if (
                stated is None
                or record.get(approx_field)
                or (comparison.negated is not None and comparison.negated != negated)
            ):
                continue
            quoted = f"“{record.get(raw_field)}” ({comparison.fact} {fmt(stated)})"
            sums = []
            for keys in comparison.alternatives:
                values = [as_decimal(record.get(k)) for k in keys]
                if all(v is not None for v in values):
                    sums.append((keys, total(values)))
            if not sums:
                missing = [k for k in comparison.alternatives[0] if is_missing(record.get(k))]
                unsure.append(f"{quoted}: {describe_missing(missing, record)}")
                continue
            matched = [keys for keys, value in sums if value == stated]
            tables = " or ".join(f"{' + '.join(display(k) for k in keys)} {fmt(value)}" for keys, value in sums)
            if matched:
                passes.append(f"{quoted} = {' + '.join(display(k) for k in matched[0])}")
            else:
                failures.append(f"{quoted} ≠ {tables}")
                cells.extend(k for keys, _ in sums for k in keys)
        if failures:
            return self.result(FAIL, "; ".join(failures), cells)
        if unsure:
            return self.result(UNCERTAIN, "cannot check " + "; ".join(unsure))
        if passes:
            return self.result(PASS, "; ".join(passes))
        return self.result(UNCERTAIN, "the narrative states no figure to compare")


@dataclass(frozen=True)
class LocatedRule(Rule):
    """C-1: every cell the form prints was found in the document and read. A row the mapper could
    not place is null; so is a cell of a found row whose value was not found (a page break split
    the row) or did not read as a number. A report with such holes must not pass as `ok`."""

    field_name: str = "doc_unlocated"
    not_read_field: str = "doc_not_read"

    kind = "located"

    def fields(self) -> tuple[str, ...]:
        return (self.field_name, self.not_read_field)

    def evaluate(self, record: Record) -> CheckResult:
        unlocated = [k for k in str(record.get(self.field_name) or "").split(",") if k]
        not_read = [k for k in str(record.get(self.not_read_field) or "").split(",") if k]
        problems = []
        if unlocated:
            rows = sorted({display(k).rsplit(".", 1)[0] for k in unlocated})
            problems.append("rows printed on the form could not be found in the document: " + ", ".join(rows))
        if not_read:
            problems.append("cells of rows found in the document came out empty (no value found or read): "
                            + ", ".join(display(k) for k in not_read))
        if problems:
            return self.result(FAIL, "; ".join(problems), [*unlocated, *not_read])
        return self.result(PASS, self.statement)


@dataclass(frozen=True)
class FeeStatementRule(Rule):
    """N-6: section 六 states the 信息处理费; a fee collected needs at least one request handled."""

    fact: str = ""
    requests: tuple[str, ...] = ()
    text_field: str = "doc_has_text"

    kind = "fee_statement"

    def fields(self) -> tuple[str, ...]:
        return (*fact_fields(self.fact), *self.requests, self.text_field)

    def evaluate(self, record: Record) -> CheckResult:
        value_field, _, _, raw_field = fact_fields(self.fact)
        fee = as_decimal(record.get(value_field))
        if fee is None:
            if not record.get(self.text_field):
                return self.result(UNCERTAIN, "cannot check: no document text")
            return self.result(FAIL, "section 六 does not state the 信息处理费 collected (or that none was)")
        if fee == 0:
            return self.result(PASS, f"“{record.get(raw_field)}”: no fee collected")
        values = [as_decimal(record.get(k)) for k in self.requests]
        if any(v is None for v in values):
            missing = [k for k in self.requests if is_missing(record.get(k))]
            return self.result(UNCERTAIN, "cannot check: " + describe_missing(missing, record), missing)
        handled = total(values)
        if handled == 0:
            sides = " + ".join(f"{display(k)} 0" for k in self.requests)
            return self.result(
                FAIL, f"fee {fmt(fee)} 元 collected (“{record.get(raw_field)}”) but {sides}", list(self.requests)
            )
        return self.result(PASS, f"fee {fmt(fee)} 元 with {fmt(handled)} requests handled")

