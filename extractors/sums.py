"""The sums the form's tables must satisfy (docs/format.md §5), defined once.

The validator (expectations/rules), the Great Expectations suite generated from it and the
mapper's blank-as-zero decision (extractors/mapping/blanks.py) all read these equations, so they
cannot disagree about what adds up to what. Operands are flat cell keys (template.flat_key);
a record maps them to values (Decimal, or float/NaN in a DataFrame row; None when blank).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from extractors.report import CheckStatus
from extractors.template import (
    OUTCOME_ROW_KEYS,
    SECTION3_ALL_ROWS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION3_GROUPS,
    SECTION3_LEGAL_PERSON_SUBTOTAL,
    SECTION3_SUBTOTALS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    s3,
    s4,
)

Record = Mapping[str, Any]


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


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


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


def evaluate_equation(equation: Equation, record: Record, tolerance: Decimal = Decimal(0)) -> tuple[CheckStatus, int]:
    """(status, index of the right side used) of one equation on one record."""
    if any(all(is_missing(record.get(k)) for k in group) for group in equation.requires_any):
        return CheckStatus.SKIP, 0
    left = [as_decimal(record.get(k)) for k in equation.left]
    rights = [[as_decimal(record.get(k)) for k in right] for right in equation.rights]
    left_complete = all(v is not None for v in left)
    for choice, values in enumerate(rights):
        if all(v is not None for v in values):
            delta = total(left) - total(values)
            if left_complete:
                return (CheckStatus.PASS if abs(delta) <= tolerance else CheckStatus.FAIL), choice
            # Cells are never negative: blanks can only add to their side, so a side whose known
            # part already exceeds the complete side fails whatever the blanks hold.
            return (CheckStatus.FAIL if delta > tolerance else CheckStatus.UNCERTAIN), choice
    if left_complete and total(rights[0]) - total(left) > tolerance:
        return CheckStatus.FAIL, 0
    return CheckStatus.UNCERTAIN, 0


def all_hold(equations: Sequence[Equation], record: Record) -> bool:
    """Every equation balances exactly or does not apply; a missing operand is not a balance."""
    return all(evaluate_equation(e, record)[0] in (CheckStatus.PASS, CheckStatus.SKIP) for e in equations)


# ---------------------------------------------------------------- the sums of table 三 and 四
def _column(rows: Sequence[str], col: str) -> tuple[str, ...]:
    return tuple(s3(r, col) for r in rows)


def _row(row: str, cols: Sequence[str]) -> tuple[str, ...]:
    return tuple(s3(row, c) for c in cols)


# A printed sum column and the applicant columns it adds up (T3-3; T3-6 for the local subtotal).
COLUMN_SUMS: dict[str, tuple[str, ...]] = {
    "total": SECTION3_APPLICANT_COLUMNS,
    SECTION3_LEGAL_PERSON_SUBTOTAL: SECTION3_APPLICANT_COLUMNS[1:],
}
_OTHER_ROWS = SECTION3_GROUPS["other"]
# （六） printed as one row (2019 template and hybrids): other_subtotal stands for its three rows.
_OUTCOMES_SINGLE_OTHER = (*(r for r in OUTCOME_ROW_KEYS if r not in _OTHER_ROWS), "other_subtotal")
_OPTIONAL_ROWS = {*_OTHER_ROWS, *SECTION3_SUBTOTALS}

# T3-1: requests in = requests out, per column.
BALANCE = tuple(
    Equation((s3("new_requests", c), s3("carried_over", c)), ((s3("outcome_total", c), s3("carried_forward", c)),))
    for c in SECTION3_COLUMN_KEYS
)
# T3-2: （七）总计 = the 21 outcome rows, per column.
OUTCOMES = tuple(
    Equation((s3("outcome_total", c),), (_column(OUTCOME_ROW_KEYS, c), _column(_OUTCOMES_SINGLE_OTHER, c)))
    for c in SECTION3_COLUMN_KEYS
)
# T3-3: 总计 = the six applicant columns, per row (optional rows only where printed).
APPLICANTS = tuple(
    Equation(
        (s3(r, "total"),),
        (_row(r, COLUMN_SUMS["total"]),),
        (_row(r, SECTION3_COLUMN_KEYS),) if r in _OPTIONAL_ROWS else (),
    )
    for r in SECTION3_ALL_ROWS
)
# T3-6: every printed subtotal equals its parts (rows （三）–（六）, the 法人或其他组织 column).
SUBTOTALS = tuple(
    Equation((s3(sub, c),), (_column(SECTION3_GROUPS[group], c),), ((s3(sub, c),), _column(SECTION3_GROUPS[group], c)))
    for sub, group in SECTION3_SUBTOTALS.items()
    for c in SECTION3_COLUMN_KEYS
) + tuple(
    Equation(
        (s3(r, SECTION3_LEGAL_PERSON_SUBTOTAL),),
        (_row(r, COLUMN_SUMS[SECTION3_LEGAL_PERSON_SUBTOTAL]),),
        ((s3(r, SECTION3_LEGAL_PERSON_SUBTOTAL),), _row(r, COLUMN_SUMS[SECTION3_LEGAL_PERSON_SUBTOTAL])),
    )
    for r in SECTION3_ALL_ROWS
)
SECTION3_SUMS = (*BALANCE, *OUTCOMES, *APPLICANTS, *SUBTOTALS)
# T4-1: each review/litigation group's 总计 = its four result columns.
SECTION4_SUMS = tuple(
    Equation((s4(g, "total"),), (tuple(s4(g, c) for c in SECTION4_COLUMN_KEYS if c != "total"),))
    for g in SECTION4_GROUP_KEYS
)
