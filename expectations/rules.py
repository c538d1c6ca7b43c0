"""The consistency rules of FORMAT.md §5 as data, and their pure-Python evaluation.

Every rule is defined once here. `evaluate_report` runs them on one Report (fast, no Great
Expectations import, so `xxgk extract` stays quick); `expectations/suites/*.json` are generated
from the same definitions (`Rule.to_dict`) and run by GE on whole batches (expectations/runner.py).
Rules read a *record*: a flat dict of cell values (keys from `template.flat_key`) plus a few
document facts (expectations/records.py), so both paths see exactly the same inputs.

A rule never fails on missing data: a null operand makes it `uncertain`, and the detail names
the missing cells (or the whole missing table).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from extractors.report import CheckResult, Report
from extractors.template import (
    OUTCOME_ROW_KEYS,
    SECTION2_ROWS,
    SECTION2_ROWS_2019,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION3_GROUPS,
    SECTION3_LEGAL_PERSON_SUBTOTAL,
    SECTION3_ROW_KEYS,
    SECTION3_SUBTOTALS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    flat_key,
)

Record = Mapping[str, Any]
SEVERITIES = ("error", "warning", "info")
SECTION_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六"}
# FORMAT.md §3.1: the 法人或其他组织 subtotal column, printed only by some local templates.
ADMIN_LEVELS = ("national", "province", "prefecture", "county", "township")

# ------------------------------------------------------------------ keys (validated against the template)
_SECTION2_KEYS = {(r.key, c.key) for rows in (SECTION2_ROWS, SECTION2_ROWS_2019) for r in rows for c in r.columns}
_SECTION3_ROWS = (*SECTION3_ROW_KEYS, *SECTION3_SUBTOTALS)
_SECTION3_COLUMNS = (*SECTION3_COLUMN_KEYS, SECTION3_LEGAL_PERSON_SUBTOTAL)


def s2(row: str, col: str) -> str:
    """Flat key of a section 二 cell; raises on a key the template does not know."""
    if (row, col) not in _SECTION2_KEYS:
        raise KeyError(f"section 二 has no cell {row}.{col} in extractors/template.py")
    return flat_key(2, row, col)


def s3(row: str, col: str) -> str:
    """Flat key of a section 三 cell (printed or derived); raises on an unknown key."""
    if row not in _SECTION3_ROWS or col not in _SECTION3_COLUMNS:
        raise KeyError(f"section 三 has no cell {row}.{col} in extractors/template.py")
    return flat_key(3, row, col)


def s4(group: str, col: str) -> str:
    """Flat key of a section 四 cell; raises on an unknown key."""
    if group not in SECTION4_GROUP_KEYS or col not in SECTION4_COLUMN_KEYS:
        raise KeyError(f"section 四 has no cell {group}.{col} in extractors/template.py")
    return flat_key(4, group, col)


def _display_names() -> dict[str, str]:
    names = {s2(r, c): f"{r}.{c}" for r, c in _SECTION2_KEYS}
    names.update({s3(r, c): f"{r}.{c}" for r in _SECTION3_ROWS for c in _SECTION3_COLUMNS})
    names.update({s4(g, c): f"{g}.{c}" for g in SECTION4_GROUP_KEYS for c in SECTION4_COLUMN_KEYS})
    return names


DISPLAY_NAMES = _display_names()
CELL_KEYS = tuple(DISPLAY_NAMES)  # every numeric cell a record carries


def display(key: str) -> str:
    """`s3_new_requests__total` → `new_requests.total` (the FORMAT.md dotted form users read)."""
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


def as_decimal(value: Any) -> Decimal | None:
    """Record values are Decimal in the pure path and float/NaN in a DataFrame: one normal form."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return None if value != value else Decimal(repr(value))
    return Decimal(value)


def total(values: Iterable[Decimal | None]) -> Decimal:
    """Σ of the present values (callers check for missing ones first)."""
    return sum((v for v in values if v is not None), Decimal(0))


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


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


# ------------------------------------------------------------------ rule kinds
@dataclass(frozen=True)
class Rule(ABC):
    """What every rule has: an id from FORMAT.md §5, a severity, and its statement in words."""

    rule: str
    severity: str
    statement: str

    kind = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.rule}: severity {self.severity!r} is not one of {SEVERITIES}")

    @abstractmethod
    def fields(self) -> tuple[str, ...]:
        """The record fields the rule reads."""

    def record_fields(self) -> tuple[str, ...]:
        """`fields` plus what evidence texts read (whether a whole table is missing)."""
        return (*self.fields(), *(table_field(s) for s in (2, 3, 4)))

    @abstractmethod
    def evaluate(self, record: Record) -> CheckResult:
        """The rule's outcome on one report's record."""

    def result(self, status: str, detail: str, cells: Sequence[str] = ()) -> CheckResult:
        return CheckResult(self.rule, status, self.severity, detail, list(dict.fromkeys(cells)))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form stored in the GE suite (kind + every field)."""
        out: dict[str, Any] = {"kind": self.kind}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = [e.to_dict() for e in value] if name == "equations" else _jsonable(value)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return fmt(value)
    return value


@dataclass(frozen=True)
class Equation:
    """`Σ left = Σ right`; `rights` are alternative right sides, the first complete one is used
    (T3-2 sums （六） from its three sub-rows, or from `other_subtotal` where it is one row).
    The equation does not apply when every cell of a `requires_any` group is null (an
    optional subtotal that was not printed)."""

    left: tuple[str, ...]
    rights: tuple[tuple[str, ...], ...]
    requires_any: tuple[tuple[str, ...], ...] = ()

    def keys(self, choice: int = 0) -> tuple[str, ...]:
        return (*self.left, *self.rights[choice])

    def operands(self) -> tuple[str, ...]:
        keys = [*self.left, *(k for right in self.rights for k in right), *(k for g in self.requires_any for k in g)]
        return tuple(dict.fromkeys(keys))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"left": list(self.left), "rights": [list(r) for r in self.rights]}
        if self.requires_any:
            out["requires_any"] = [list(g) for g in self.requires_any]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Equation:
        return cls(
            tuple(data["left"]),
            tuple(tuple(r) for r in data["rights"]),
            tuple(tuple(g) for g in data.get("requires_any", ())),
        )


PASS, FAIL, UNCERTAIN, SKIP = "pass", "fail", "uncertain", "skip"


def evaluate_equation(equation: Equation, record: Record, tolerance: Decimal) -> tuple[str, int]:
    """(status, index of the right side used) of one equation on one record."""
    if any(all(_is_missing(record.get(k)) for k in group) for group in equation.requires_any):
        return SKIP, 0
    left = [as_decimal(record.get(k)) for k in equation.left]
    rights = [[as_decimal(record.get(k)) for k in right] for right in equation.rights]
    left_complete = all(v is not None for v in left)
    for choice, values in enumerate(rights):
        if all(v is not None for v in values):
            delta = total(left) - total(values)
            if left_complete:
                return (PASS if abs(delta) <= tolerance else FAIL), choice
            # Cells are never negative: blanks can only add to their side, so a side whose known
            # part already exceeds the complete side fails whatever the blanks hold.
            return (FAIL if delta > tolerance else UNCERTAIN), choice
    if left_complete and total(rights[0]) - total(left) > tolerance:
        return FAIL, 0
    return UNCERTAIN, 0


def _side_text(keys: Sequence[str], record: Record) -> str:
    """`a 12 + b 1`; long sides show their non-zero terms, count the zeros and give the sum."""
    raw = [as_decimal(record.get(k)) for k in keys]
    values = [v or Decimal(0) for v in raw]
    if len(keys) <= 4:
        return " + ".join(f"{display(k)} {'blank' if r is None else fmt(r)}" for k, r in zip(keys, raw, strict=True))
    shown = [f"{display(k)} {fmt(v)}" for k, v in zip(keys, values, strict=True) if v != 0]
    blanks = sum(r is None for r in raw)
    zeros = len(keys) - len(shown) - blanks
    text = " + ".join(shown) if shown else "0"
    if zeros:
        text += f" (+ {zeros} cells of 0)"
    if blanks:
        text += f" (+ {blanks} blank)"
    return f"{text} = {fmt(total(values))}"


def equation_text(equation: Equation, choice: int, record: Record) -> str:
    """The arithmetic of a failed equation, e.g. `new_requests.total 12 + … ≠ outcome_total.total 11 + …`."""
    left = _side_text(equation.left, record)
    right = _side_text(equation.rights[choice], record)
    if any(_is_missing(record.get(k)) for k in equation.keys(choice)):
        return f"{left} ≠ {right} (blank cells can only add to their side)"
    return f"{left} ≠ {right}"


@dataclass(frozen=True)
class LinearRule(Rule):
    """A family of linear equations over cells (T3-1, T3-2, T3-3, T3-6, T4-1)."""

    equations: tuple[Equation, ...] = ()
    tolerance: Decimal = Decimal(0)

    kind = "linear"

    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for e in self.equations for k in e.operands()))

    def statuses(self, record: Record) -> list[tuple[str, int]]:
        return [evaluate_equation(e, record, self.tolerance) for e in self.equations]

    def evaluate(self, record: Record) -> CheckResult:
        return self.describe(self.statuses(record), record)

    def describe(self, outcomes: Sequence[tuple[str, int]], record: Record) -> CheckResult:
        """Turn per-equation outcomes into one result with the evidence (shared by both paths)."""
        failing = [(e, c) for e, (s, c) in zip(self.equations, outcomes, strict=True) if s == FAIL]
        if failing:
            detail = "; ".join(equation_text(e, c, record) for e, c in failing)
            return self.result(FAIL, detail, [k for e, c in failing for k in e.keys(c)])
        unsure = [e for e, (s, _) in zip(self.equations, outcomes, strict=True) if s == UNCERTAIN]
        if unsure:
            missing = [k for e in unsure for k in e.keys(0) if _is_missing(record.get(k))]
            missing = list(dict.fromkeys(missing))
            return self.result(UNCERTAIN, "cannot check: " + describe_missing(missing, record), missing)
        return self.result(PASS, self.statement)


@dataclass(frozen=True)
class DomainRule(Rule):
    """Cells are non-negative integers (`counts`), non-negative decimals (`amounts`) or integers
    of either sign (`signed`). Nulls are not violations; a rule whose cells are all null is
    `uncertain` (the table is missing)."""

    counts: tuple[str, ...] = ()
    amounts: tuple[str, ...] = ()
    signed: tuple[str, ...] = ()

    kind = "domain"

    def fields(self) -> tuple[str, ...]:
        return (*self.counts, *self.amounts, *self.signed)

    def violation(self, key: str, value: Decimal) -> str | None:
        """Why a present value breaks the domain, or None."""
        if key not in self.signed and value < 0:
            return "negative"
        if key not in self.amounts and value != value.to_integral_value():
            return "not an integer"
        return None

    def evaluate(self, record: Record) -> CheckResult:
        bad = []
        for key in self.fields():
            value = as_decimal(record.get(key))
            if value is not None and (why := self.violation(key, value)):
                bad.append((key, value, why))
        return self.describe(bad, record)

    def describe(self, bad: Sequence[tuple[str, Decimal, str]], record: Record) -> CheckResult:
        if bad:
            detail = "; ".join(f"{display(k)} {fmt(v)} is {why}" for k, v, why in bad)
            return self.result(FAIL, detail, [k for k, _, _ in bad])
        if all(_is_missing(record.get(k)) for k in self.fields()):
            return self.result(UNCERTAIN, "cannot check: " + describe_missing(self.fields(), record))
        return self.result(PASS, self.statement)


@dataclass(frozen=True)
class ZeroWhenNoneRule(Rule):
    """T3-5: when Σ condition is 0 (no request at all), every cell of `zero_cells` is 0."""

    condition: tuple[str, ...] = ()
    zero_cells: tuple[str, ...] = ()

    kind = "zero_when_none"

    def fields(self) -> tuple[str, ...]:
        return (*self.condition, *self.zero_cells)

    def evaluate(self, record: Record) -> CheckResult:
        values = [as_decimal(record.get(k)) for k in self.condition]
        if any(v is None for v in values):
            return self.describe(None, [], record)
        requests = total(values)
        nonzero = [] if requests != 0 else [k for k in self.zero_cells if (as_decimal(record.get(k)) or 0) != 0]
        return self.describe(requests, nonzero, record)

    def describe(self, requests: Decimal | None, nonzero: Sequence[str], record: Record) -> CheckResult:
        if requests is None:
            missing = [k for k in self.condition if _is_missing(record.get(k))]
            return self.result(UNCERTAIN, "cannot check: " + describe_missing(missing, record), missing)
        if nonzero:
            shown = ", ".join(f"{display(k)} {fmt(record.get(k))}" for k in nonzero[:8])
            more = f" and {len(nonzero) - 8} more" if len(nonzero) > 8 else ""
            condition = " + ".join(f"{display(k)} 0" for k in self.condition)
            return self.result(FAIL, f"{condition} = 0 but {shown}{more}", [*self.condition, *nonzero])
        return self.result(PASS, self.statement)


@dataclass(frozen=True)
class LocaliseRule(Rule):
    """T3-7: when several equations of `rules` fail and one cell sits in all of them, and one
    corrected value of that cell would satisfy every one, name that cell (never change it)."""

    rules: tuple[LinearRule, ...] = ()

    kind = "localise"

    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for r in self.rules for k in r.fields()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "severity": self.severity,
            "statement": self.statement,
            "rules": [r.to_dict() for r in self.rules],
        }

    def evaluate(self, record: Record) -> CheckResult:
        return self.describe([r.statuses(record) for r in self.rules], record)

    def describe(self, outcomes: Sequence[Sequence[tuple[str, int]]], record: Record) -> CheckResult:
        failing = [
            (rule, eq, choice)
            for rule, rule_outcomes in zip(self.rules, outcomes, strict=True)
            for eq, (status, choice) in zip(rule.equations, rule_outcomes, strict=True)
            if status == FAIL
        ]
        if not failing:
            return self.result(PASS, self.statement)
        if len(failing) < 2:
            return self.result(UNCERTAIN, f"only {failing[0][0].rule} fails once: any of its cells may be misread")
        suspects = [s for s in self._candidates(failing, record) if s is not None]
        if len(suspects) != 1:
            names = ", ".join(sorted({r.rule for r, _, _ in failing}))
            return self.result(
                UNCERTAIN, f"{len(failing)} failing sums ({names}) share no single cell that fixes them all"
            )
        key, corrected = suspects[0]
        where = ", ".join(f"{r.rule} at {display(e.left[0])}" for r, e, _ in failing)
        detail = (
            f"suspect cell {display(key)}: printed {fmt(record.get(key))}, {fmt(corrected)} would satisfy "
            f"every failing sum ({where}); value left as printed"
        )
        return self.result(FAIL, detail, [key])

    @staticmethod
    def _candidates(
        failing: Sequence[tuple[LinearRule, Equation, int]], record: Record
    ) -> list[tuple[str, Decimal] | None]:
        common = set(failing[0][1].keys(failing[0][2]))
        for _, eq, choice in failing[1:]:
            common &= set(eq.keys(choice))
        found: list[tuple[str, Decimal] | None] = []
        for key in sorted(common):
            value = as_decimal(record.get(key))
            assert value is not None  # a failing equation has every operand
            fixes = set()
            for _, eq, choice in failing:
                delta = total(as_decimal(record.get(k)) for k in eq.left) - total(
                    as_decimal(record.get(k)) for k in eq.rights[choice]
                )
                coefficient = eq.left.count(key) - eq.rights[choice].count(key)
                fixes.add(value - delta / coefficient if coefficient else None)
            fix = fixes.pop() if len(fixes) == 1 else None
            found.append((key, fix) if fix is not None and fix >= 0 else None)
        return found


@dataclass(frozen=True)
class LevelBoundRule(Rule):
    """Upper bounds on cells by the agency's administrative level (T2-2, T2-4). A level missing
    from `limits[cell]` means no bound there; an unknown level (None, department) makes a value
    above the lowest bound `uncertain`, above every bound a failure."""

    limits: tuple[tuple[str, tuple[tuple[str, Decimal | None], ...]], ...] = ()
    level_field: str = "agency_level"

    kind = "level_bound"

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
        if all(_is_missing(record.get(c)) for c in cells):
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
        found = [(label, int(v)) for label, v in years if v is not None and not _is_missing(v)]
        text = ", ".join(f"{label} {value}" for label, value in found)
        if len({v for _, v in found}) > 1:
            return self.result(FAIL, f"years disagree: {text}", [])
        if _is_missing(record.get(self.anchor)) or len(found) < 2:
            return self.result(UNCERTAIN, f"cannot check: only {text or 'no year'} found")
        return self.result(PASS, f"{self.statement} ({text})")


@dataclass(frozen=True)
class SectionsRule(Rule):
    """D-2: six headings in order; tables 二/三/四 present or stated absent in their section."""

    headings_field: str = "doc_headings"
    stated_absent_field: str = "doc_stated_absent"
    table_fields: tuple[tuple[int, str], ...] = ()

    kind = "sections"

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


@dataclass(frozen=True)
class NarrativeRule(Rule):
    """N-1…N-5: figures stated in sections 一/六 agree with the tables. Approximate figures
    (余/多/约…) are never compared; a report whose prose states none is `uncertain`."""

    comparisons: tuple[Comparison, ...] = ()

    kind = "narrative"

    def fields(self) -> tuple[str, ...]:
        keys = [k for c in self.comparisons for k in (*fact_fields(c.fact), *(x for a in c.alternatives for x in a))]
        return tuple(dict.fromkeys(keys))

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["comparisons"] = [
            {"fact": c.fact, "alternatives": _jsonable(c.alternatives), "negated": c.negated} for c in self.comparisons
        ]
        return out

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
                missing = [k for k in comparison.alternatives[0] if _is_missing(record.get(k))]
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
    """C-1: every cell the form prints was found in the document; a row the mapper could not
    place is null, and a report with such holes must not pass as `ok`."""

    field_name: str = "doc_unlocated"

    kind = "located"

    def fields(self) -> tuple[str, ...]:
        return (self.field_name,)

    def evaluate(self, record: Record) -> CheckResult:
        unlocated = str(record.get(self.field_name) or "")
        if not unlocated:
            return self.result(PASS, self.statement)
        keys = unlocated.split(",")
        rows = sorted({display(k).rsplit(".", 1)[0] for k in keys})
        return self.result(FAIL, "rows printed on the form could not be found in the document: " + ", ".join(rows),
                           keys)


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
            missing = [k for k in self.requests if _is_missing(record.get(k))]
            return self.result(UNCERTAIN, "cannot check: " + describe_missing(missing, record), missing)
        handled = total(values)
        if handled == 0:
            sides = " + ".join(f"{display(k)} 0" for k in self.requests)
            return self.result(
                FAIL, f"fee {fmt(fee)} 元 collected (“{record.get(raw_field)}”) but {sides}", list(self.requests)
            )
        return self.result(PASS, f"fee {fmt(fee)} 元 with {fmt(handled)} requests handled")


def fact_fields(fact: str) -> tuple[str, str, str, str]:
    """Record fields of a narrative fact: value, negation flag, approximate flag, raw text."""
    return f"n_{fact}", f"n_{fact}__none", f"n_{fact}__approx", f"n_{fact}__raw"


# ------------------------------------------------------------------ the rules of FORMAT.md §5
def _columns3(rows: Sequence[str], col: str) -> tuple[str, ...]:
    return tuple(s3(r, col) for r in rows)


def _row3(row: str, cols: Sequence[str]) -> tuple[str, ...]:
    return tuple(s3(row, c) for c in cols)


_OTHER_ROWS = SECTION3_GROUPS["other"]
_SINGLE_OTHER = "other_subtotal"  # （六） printed as one row (2019 template and hybrids)
_OUTCOMES_SINGLE_OTHER = (*(r for r in OUTCOME_ROW_KEYS if r not in _OTHER_ROWS), _SINGLE_OTHER)


def _t3_rules() -> tuple[LinearRule, ...]:
    new, carried, outcome, forward = "new_requests", "carried_over", "outcome_total", "carried_forward"
    t31 = LinearRule(
        "T3-1",
        "error",
        "new_requests + carried_over = outcome_total + carried_forward in every column",
        tuple(
            Equation((s3(new, c), s3(carried, c)), ((s3(outcome, c), s3(forward, c)),)) for c in SECTION3_COLUMN_KEYS
        ),
    )
    t32 = LinearRule(
        "T3-2",
        "error",
        "outcome_total = the sum of the 21 outcome rows in every column",
        tuple(
            Equation((s3(outcome, c),), (_columns3(OUTCOME_ROW_KEYS, c), _columns3(_OUTCOMES_SINGLE_OTHER, c)))
            for c in SECTION3_COLUMN_KEYS
        ),
    )
    optional_rows = {*_OTHER_ROWS, *SECTION3_SUBTOTALS}
    t33 = LinearRule(
        "T3-3",
        "error",
        "total = the sum of the six applicant columns in every row",
        tuple(
            Equation(
                (s3(r, "total"),),
                (_row3(r, SECTION3_APPLICANT_COLUMNS),),
                (_row3(r, SECTION3_COLUMN_KEYS),) if r in optional_rows else (),
            )
            for r in _SECTION3_ROWS
        ),
    )
    subtotal_rows = tuple(
        Equation(
            (s3(sub, c),),
            (_columns3(SECTION3_GROUPS[group], c),),
            ((s3(sub, c),), _columns3(SECTION3_GROUPS[group], c)),
        )
        for sub, group in SECTION3_SUBTOTALS.items()
        for c in SECTION3_COLUMN_KEYS
    )
    legal_person_parts = SECTION3_APPLICANT_COLUMNS[1:]
    subtotal_column = tuple(
        Equation(
            (s3(r, SECTION3_LEGAL_PERSON_SUBTOTAL),),
            (_row3(r, legal_person_parts),),
            ((s3(r, SECTION3_LEGAL_PERSON_SUBTOTAL),), _row3(r, legal_person_parts)),
        )
        for r in _SECTION3_ROWS
    )
    t36 = LinearRule(
        "T3-6",
        "error",
        "every printed subtotal (法人或其他组织 column, rows （三）–（六）) equals its parts",
        subtotal_rows + subtotal_column,
    )
    return t31, t32, t33, t36


T3_1, T3_2, T3_3, T3_6 = _t3_rules()
_S3_ALL = tuple(s3(r, c) for r in _SECTION3_ROWS for c in _SECTION3_COLUMNS)
_S4_ALL = tuple(s4(g, c) for g in SECTION4_GROUP_KEYS for c in SECTION4_COLUMN_KEYS)
_S2_ALL = [(r, c) for rows in (SECTION2_ROWS, SECTION2_ROWS_2019) for r in rows for c in r.columns]
# 本年增/减 (2019 template) is the one signed column: it is a change, not a count.
_S2_SIGNED = tuple(dict.fromkeys(s2(r.key, c.key) for r, c in _S2_ALL if "增" in c.label))
_S2_AMOUNTS = tuple(dict.fromkeys(s2(r.key, c.key) for r, c in _S2_ALL if c.decimal))
_S2_COUNTS = tuple(
    dict.fromkeys(k for r, c in _S2_ALL if (k := s2(r.key, c.key)) not in _S2_SIGNED and k not in _S2_AMOUNTS)
)
_WAN = Decimal(1)  # bounds below are in the cell's own unit (万元 for the fee)


def _bounds(township: int, county: int, prefecture: int, province: int) -> tuple[tuple[str, Decimal | None], ...]:
    values = (township, county, prefecture, province, province)
    return tuple(
        zip(
            ("township", "county", "prefecture", "province", "national"),
            (Decimal(v) * _WAN for v in values),
            strict=True,
        )
    )


_REGULATION_CELLS = tuple(
    s2("regulations", c.key)
    for rows in (SECTION2_ROWS, SECTION2_ROWS_2019)
    for r in rows
    if r.key == "regulations"
    for c in r.columns
)

RULES: tuple[Rule, ...] = (
    T3_1,
    T3_2,
    T3_3,
    DomainRule("T3-4", "error", "every section 三 cell is a non-negative integer", counts=_S3_ALL),
    ZeroWhenNoneRule(
        "T3-5",
        "error",
        "with no request new or carried over, every outcome and carried_forward is 0",
        condition=(s3("new_requests", "total"), s3("carried_over", "total")),
        zero_cells=tuple(s3(r, c) for r in _SECTION3_ROWS[2:] for c in _SECTION3_COLUMNS),
    ),
    T3_6,
    LocaliseRule("T3-7", "info", "no sum of table 三 fails, so no misread cell to localise", rules=(T3_1, T3_2, T3_3)),
    LinearRule(
        "T4-1",
        "error",
        "total = upheld + corrected + other_result + pending for each review/litigation group",
        tuple(
            Equation((s4(g, "total"),), (tuple(s4(g, c) for c in SECTION4_COLUMN_KEYS[:4]),))
            for g in SECTION4_GROUP_KEYS
        ),
    ),
    DomainRule("T4-2", "error", "all 15 section 四 values are non-negative integers", counts=_S4_ALL),
    DomainRule(
        "T2-1",
        "error",
        "section 二 counts are non-negative integers, the fee a decimal ≥ 0",
        counts=_S2_COUNTS,
        amounts=_S2_AMOUNTS,
        signed=_S2_SIGNED,
    ),
    LevelBoundRule(
        "T2-2",
        "warning",
        "only national, provincial and prefecture bodies make 规章",
        limits=tuple(
            (
                cell,
                (
                    ("township", Decimal(0)),
                    ("county", Decimal(0)),
                    ("prefecture", None),
                    ("province", None),
                    ("national", None),
                ),
            )
            for cell in _REGULATION_CELLS
        ),
    ),
    LevelBoundRule(
        "T2-4",
        "warning",
        "the fee (万元) and licensing/penalty counts are plausible for the agency's level",
        limits=(
            (s2("admin_fees", "amount_wan_yuan"), _bounds(2_000, 200_000, 2_000_000, 20_000_000)),
            (s2("admin_licensing", "decisions"), _bounds(100_000, 2_000_000, 20_000_000, 100_000_000)),
            (s2("admin_penalty", "decisions"), _bounds(50_000, 1_000_000, 10_000_000, 50_000_000)),
        ),
    ),
    AgreeRule(
        "D-1",
        "error",
        "title year, statistics period and opening sentence agree",
        anchor="title_year",
        others=("doc_period_start_year", "doc_period_end_year", "doc_opening_year"),
        labels=("title", "statistics period start", "statistics period end", "opening sentence"),
    ),
    LocatedRule("C-1", "error", "every row the form prints was located in the document"),
    SectionsRule(
        "D-2",
        "warning",
        "six headings in order; tables 二, 三, 四 present or stated absent",
        table_fields=tuple((s, table_field(s)) for s in (2, 3, 4)),
    ),
    NarrativeRule(
        "N-1",
        "warning",
        "the request count stated in the prose matches new_requests.total (or new + carried)",
        comparisons=(
            Comparison(
                "requests_received_text",
                ((s3("new_requests", "total"),), (s3("new_requests", "total"), s3("carried_over", "total"))),
                negated=False,
            ),
        ),
    ),
    NarrativeRule(
        "N-2",
        "warning",
        "carried-over and carried-forward counts in the prose match the table",
        comparisons=(
            Comparison("requests_carried_over_text", ((s3("carried_over", "total"),),)),
            Comparison("requests_carried_forward_text", ((s3("carried_forward", "total"),),)),
        ),
    ),
    NarrativeRule(
        "N-3",
        "warning",
        "“未收到…申请” means new_requests.total = 0",
        comparisons=(Comparison("requests_received_text", ((s3("new_requests", "total"),),), negated=True),),
    ),
    NarrativeRule(
        "N-4",
        "warning",
        "review and litigation counts in the prose match table 四",
        comparisons=(
            Comparison("review_text", ((s4("admin_review", "total"),),)),
            Comparison(
                "litigation_text", ((s4("litigation_direct", "total"), s4("litigation_after_review", "total")),)
            ),
        ),
    ),
    NarrativeRule(
        "N-5",
        "warning",
        "normative documents issued in the prose match normative_documents.issued",
        comparisons=(Comparison("normative_docs_issued_text", ((s2("normative_documents", "issued"),),)),),
    ),
    FeeStatementRule(
        "N-6",
        "warning",
        "section 六 states the 信息处理费; a fee needs requests handled",
        fact="info_processing_fee_yuan",
        requests=(s3("new_requests", "total"), s3("carried_over", "total")),
    ),
)
RULES_BY_ID: dict[str, Rule] = {r.rule: r for r in RULES}


# ------------------------------------------------------------------ cross-report rules (run in the warehouse)
@dataclass(frozen=True)
class CrossYearRules:
    """Definitions of the same-agency, consecutive-year rules (FORMAT.md §5.4) and §8.4."""

    carried_columns: tuple[str, ...] = SECTION3_COLUMN_KEYS
    stock_rows: tuple[str, ...] = ("regulations", "normative_documents")
    headline_cells: tuple[tuple[int, str, str], ...] = (
        (3, "new_requests", "total"),
        (3, "outcome_total", "total"),
        (4, "admin_review", "total"),
        (2, "admin_licensing", "decisions"),
        (2, "admin_penalty", "decisions"),
        (2, "admin_fees", "amount_wan_yuan"),
    )
    jump_factor: Decimal = Decimal(10)
    jump_floor: Decimal = Decimal(100)  # jumps and falls below this size are normal noise
    aggregate_cells: tuple[tuple[int, str, str], ...] = (
        (3, "new_requests", "total"),
        (3, "outcome_total", "total"),
        (4, "admin_review", "total"),
    )

    def __post_init__(self) -> None:
        for row in self.stock_rows:
            for col in ("issued", "repealed", "in_force"):
                s2(row, col)
        for section, row, col in (*self.headline_cells, *self.aggregate_cells):
            {2: s2, 3: s3, 4: s4}[section](row, col)


CROSS_YEAR = CrossYearRules()


# ------------------------------------------------------------------ evaluation of one report
def evaluate_report(report: Report, text: str | None = None) -> list[CheckResult]:
    """Every per-report rule on one report (D-1/D-2/N-6 read `text`, the document's body text)."""
    from expectations.records import report_record

    record = report_record(report, text)
    return evaluate_record(record)


def evaluate_record(record: Record, rules: Sequence[Rule] = RULES) -> list[CheckResult]:
    return [rule.evaluate(record) for rule in rules]


def status_for(checks: Sequence[CheckResult]) -> str:
    """`invalid` when any error-severity rule fails; warnings, info and uncertain never do."""
    return "invalid" if any(c.status == FAIL and c.severity == "error" for c in checks) else "ok"


def rule_from_dict(data: Mapping[str, Any]) -> Rule:
    """Rebuild a rule from its suite JSON (what the GE expectation validates with)."""
    kind = data["kind"]
    common = {"rule": data["rule"], "severity": data["severity"], "statement": data["statement"]}
    builders: dict[str, Callable[[], Rule]] = {
        "linear": lambda: LinearRule(
            **common,
            equations=tuple(Equation.from_dict(e) for e in data["equations"]),
            tolerance=Decimal(data["tolerance"]),
        ),
        "domain": lambda: DomainRule(
            **common, counts=tuple(data["counts"]), amounts=tuple(data["amounts"]), signed=tuple(data["signed"])
        ),
        "zero_when_none": lambda: ZeroWhenNoneRule(
            **common, condition=tuple(data["condition"]), zero_cells=tuple(data["zero_cells"])
        ),
        "localise": lambda: LocaliseRule(**common, rules=tuple(rule_from_dict(r) for r in data["rules"])),  # type: ignore[misc]
        "level_bound": lambda: LevelBoundRule(
            **common,
            limits=tuple(
                (cell, tuple((lvl, Decimal(b) if b is not None else None) for lvl, b in bounds.items()))
                for cell, bounds in data["limits"]
            ),
            level_field=data["level_field"],
        ),
        "agree": lambda: AgreeRule(
            **common, anchor=data["anchor"], others=tuple(data["others"]), labels=tuple(data["labels"])
        ),
        "sections": lambda: SectionsRule(
            **common,
            headings_field=data["headings_field"],
            stated_absent_field=data["stated_absent_field"],
            table_fields=tuple((int(s), f) for s, f in data["table_fields"]),
        ),
        "narrative": lambda: NarrativeRule(
            **common,
            comparisons=tuple(
                Comparison(c["fact"], tuple(tuple(a) for a in c["alternatives"]), c["negated"])
                for c in data["comparisons"]
            ),
        ),
        "located": lambda: LocatedRule(**common, field_name=data["field_name"]),
        "fee_statement": lambda: FeeStatementRule(
            **common, fact=data["fact"], requests=tuple(data["requests"]), text_field=data["text_field"]
        ),
    }
    if kind not in builders:
        raise ValueError(f"suite rule {data.get('rule')}: unknown kind {kind!r}")
    return builders[kind]()


__all__ = [
    "CROSS_YEAR",
    "RULES",
    "RULES_BY_ID",
    "Equation",
    "LinearRule",
    "Rule",
    "evaluate_record",
    "evaluate_report",
    "rule_from_dict",
    "status_for",
]
