"""Rule kinds over table cells: sums (T3-1…T3-3, T3-6, T4-1), domains, T3-5, T3-7."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from expectations.rules.base import Rule
from expectations.rules.cells import Record, as_decimal, describe_missing, display, fmt, is_missing, total
from extractors.report import CheckResult, CheckStatus
from extractors.sums import Equation, evaluate_equation

PASS, FAIL, UNCERTAIN = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.UNCERTAIN


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
    if any(is_missing(record.get(k)) for k in equation.keys(choice)):
        return f"{left} ≠ {right} (blank cells can only add to their side)"
    return f"{left} ≠ {right}"


@dataclass(frozen=True)
class LinearRule(Rule):
    """A family of linear equations over cells (T3-1, T3-2, T3-3, T3-6, T4-1)."""

    equations: tuple[Equation, ...] = ()
    tolerance: Decimal = Decimal(0)

    kind = "linear"

    @classmethod
    def field_from_json(cls, name: str, value: Any) -> Any:
        if name == "equations":
            return tuple(Equation.from_dict(e) for e in value)
        return Decimal(value) if name == "tolerance" else super().field_from_json(name, value)

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
            missing = [k for e in unsure for k in e.keys(0) if is_missing(record.get(k))]
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
        if all(is_missing(record.get(k)) for k in self.fields()):
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
            missing = [k for k in self.condition if is_missing(record.get(k))]
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

    @classmethod
    def field_from_json(cls, name: str, value: Any) -> Any:
        if name == "rules":
            return tuple(LinearRule.from_dict(r) for r in value)
        return super().field_from_json(name, value)

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
class OcrCertaintyRule(Rule):
    """OCR-1: a cell read from a page image is trusted only when the recogniser was sure of it or a
    sum pins it down (it is an operand of an equation of `sums` that holds with every operand
    present). A doubtful reading nothing confirms, or the misread cell T3-7 localises, fails the
    report and is named; the value itself is never changed."""

    min_confidence: float = 0.9
    sums: tuple[LinearRule, ...] = ()
    localise: LocaliseRule | None = None
    readings_field: str = "doc_ocr_readings"

    kind = "ocr_certainty"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.min_confidence <= 1:
            raise ValueError(f"rule {self.rule}: min_confidence {self.min_confidence} is not in (0, 1]")

    @classmethod
    def field_from_json(cls, name: str, value: Any) -> Any:
        if name == "sums":
            return tuple(LinearRule.from_dict(r) for r in value)
        if name == "localise":
            return LocaliseRule.from_dict(value) if value else None
        return super().field_from_json(name, value)

    def fields(self) -> tuple[str, ...]:
        sum_fields = (k for r in (*self.sums, *([self.localise] if self.localise else [])) for k in r.fields())
        return (self.readings_field, *dict.fromkeys(sum_fields))

    def evaluate(self, record: Record) -> CheckResult:
        readings = ocr_readings(record.get(self.readings_field))
        if not readings:
            return self.result(PASS, self.statement)
        pinned = self._pinned(record)
        doubtful = [k for k, conf in readings.items()
                    if (conf is None or conf < self.min_confidence) and k not in pinned]
        suspect = self.localise.evaluate(record) if self.localise else None
        named = suspect is not None and suspect.status == FAIL and suspect.cells[0] in readings
        if not doubtful and not named:
            return self.result(PASS, self.statement)
        problems = [f"OCR misread localised by {suspect.rule}: {suspect.detail}"] if named and suspect else []
        if doubtful:
            shown = ", ".join(f"{display(k)} ({_reading_text(readings[k])})" for k in doubtful[:12])
            more = f" and {len(doubtful) - 12} more" if len(doubtful) > 12 else ""
            problems.append(f"OCR readings below confidence {self.min_confidence} or unread, and no sum that "
                            f"holds confirms them: {shown}{more}")
        return self.result(FAIL, "; ".join(problems), [*(suspect.cells if named and suspect else []), *doubtful])

    def _pinned(self, record: Record) -> set[str]:
        """Operands of every equation that holds with all its operands present."""
        pinned: set[str] = set()
        for rule in self.sums:
            for equation, (status, choice) in zip(rule.equations, rule.statuses(record), strict=True):
                keys = equation.keys(choice)
                if status == PASS and not any(is_missing(record.get(k)) for k in keys):
                    pinned.update(keys)
        return pinned


def ocr_readings(text: Any) -> dict[str, float | None]:
    """`key=0.97,key=?` (flat_record's OCR field) → confidence by cell; None: nothing was read."""
    out: dict[str, float | None] = {}
    for item in str(text or "").split(","):
        if "=" in item:
            key, conf = item.split("=", 1)
            out[key] = None if conf == "?" else float(conf)
    return out


def _reading_text(confidence: float | None) -> str:
    """The recogniser's doubt only: the cell's value is not among the fields this rule reads."""
    return "no number read" if confidence is None else f"confidence {confidence:.2f}"
