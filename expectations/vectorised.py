"""Rule evaluation over a whole batch DataFrame at once (the arithmetic behind the GE expectations).

The heavy rules (linear equations, cell domains, T3-5, T3-7) are decided column-wise with numpy,
so 10,000 reports cost milliseconds; only the reports that do not pass are described one by one,
with the same evidence texts as the pure path (rules.Rule.describe). The light document and
narrative rules read a few fields per report and run row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from expectations.rules import DomainRule, Equation, LinearRule, LocaliseRule, Rule, ZeroWhenNoneRule
from extractors.report import CheckStatus
from extractors.sums import as_decimal

PASS, FAIL, UNCERTAIN, SKIP = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.UNCERTAIN, CheckStatus.SKIP

# A row's outcome that differs from (pass, rule.statement, []): (status, detail, cells).
Exception_ = tuple[str, str, list[str]]
_CODES = np.array([PASS, FAIL, UNCERTAIN, SKIP])
_P, _F, _U, _S = range(4)


def _values(frame: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """rows × keys as float (NaN for null); absent columns are all null."""
    columns = [
        frame[k].to_numpy(dtype=float, na_value=np.nan) if k in frame else np.full(len(frame), np.nan) for k in keys
    ]
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


def _record(frame: pd.DataFrame, row: int, fields: Sequence[str]) -> dict[str, Any]:
    values = frame.iloc[row]
    return {f: _plain(values[f]) for f in fields if f in frame}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.floating | float):
        return as_decimal(float(value))
    return value


def equation_codes(
    equations: Sequence[Equation], frame: pd.DataFrame, tolerance: float
) -> tuple[np.ndarray, np.ndarray]:
    """(status codes, chosen right side) as rows × equations arrays."""
    rows = len(frame)
    codes = np.full((rows, len(equations)), _P, dtype=np.int8)
    choices = np.zeros((rows, len(equations)), dtype=np.int8)
    tol = max(tolerance, 1e-9)
    for j, equation in enumerate(equations):
        left = _values(frame, equation.left)
        left_missing = np.isnan(left).any(axis=1)
        left_sum = np.nansum(left, axis=1)
        decided = np.zeros(rows, dtype=bool)
        status = np.full(rows, _U, dtype=np.int8)
        for choice, right in enumerate(equation.rights):
            values = _values(frame, right)
            complete = ~np.isnan(values).any(axis=1) & ~decided
            delta = left_sum - np.nansum(values, axis=1)
            # A complete left side must balance; with blanks on the left (never negative) the
            # known part may only fail by exceeding (sums.evaluate_equation says the same).
            full = complete & ~left_missing
            status[full] = np.where(np.abs(delta[full]) <= tol, _P, _F)
            partial = complete & left_missing
            status[partial] = np.where(delta[partial] > tol, _F, _U)
            choices[complete, j] = choice
            decided |= complete
        first_right = np.nansum(_values(frame, equation.rights[0]), axis=1)
        exceeded = ~decided & ~left_missing & (first_right - left_sum > tol)
        status[exceeded] = _F
        for group in equation.requires_any:
            status[np.isnan(_values(frame, group)).all(axis=1)] = _S
        codes[:, j] = status
    return codes, choices


def _linear(rule: LinearRule, frame: pd.DataFrame) -> dict[int, Exception_]:
    codes, choices = equation_codes(rule.equations, frame, float(rule.tolerance))
    out: dict[int, Exception_] = {}
    for row in np.flatnonzero(((codes == _F) | (codes == _U)).any(axis=1)):
        outcomes = list(zip(_CODES[codes[row]], choices[row].tolist(), strict=True))
        out[int(row)] = _triple(rule.describe(outcomes, _record(frame, int(row), rule.record_fields())))
    return out


def _domain(rule: DomainRule, frame: pd.DataFrame) -> dict[int, Exception_]:
    out: dict[int, Exception_] = {}
    bad = np.zeros((len(frame), 0), dtype=bool)
    groups = ((rule.counts, True, True), (rule.amounts, True, False), (rule.signed, False, True))
    for keys, nonnegative, integer in groups:
        values = _values(frame, keys)
        wrong = np.zeros(values.shape, dtype=bool)
        if nonnegative:
            wrong |= values < 0
        if integer:
            wrong |= ~np.isnan(values) & (values != np.round(values))
        bad = np.column_stack([bad, wrong])
    fields = rule.fields()
    all_missing = np.isnan(_values(frame, fields)).all(axis=1)
    for row in np.flatnonzero(bad.any(axis=1) | all_missing):
        record = _record(frame, int(row), rule.record_fields())
        violations = [
            (fields[j], record[fields[j]], rule.violation(fields[j], record[fields[j]]) or "out of domain")
            for j in np.flatnonzero(bad[row])
        ]
        out[int(row)] = _triple(rule.describe(violations, record))
    return out


def _zero_when_none(rule: ZeroWhenNoneRule, frame: pd.DataFrame) -> dict[int, Exception_]:
    condition = _values(frame, rule.condition)
    missing = np.isnan(condition).any(axis=1)
    none_at_all = ~missing & (np.nansum(condition, axis=1) == 0)
    zeros = _values(frame, rule.zero_cells)
    nonzero = ~np.isnan(zeros) & (zeros != 0)
    out: dict[int, Exception_] = {}
    for row in np.flatnonzero(missing | (none_at_all & nonzero.any(axis=1))):
        record = _record(frame, int(row), rule.record_fields())
        total = None if missing[row] else as_decimal(0)
        keys = [rule.zero_cells[j] for j in np.flatnonzero(nonzero[row])]
        out[int(row)] = _triple(rule.describe(total, keys, record))
    return out


def _localise(rule: LocaliseRule, frame: pd.DataFrame) -> dict[int, Exception_]:
    decided = [equation_codes(r.equations, frame, float(r.tolerance)) for r in rule.rules]
    any_fail = np.column_stack([codes == _F for codes, _ in decided]).any(axis=1)
    out: dict[int, Exception_] = {}
    for row in np.flatnonzero(any_fail):
        outcomes = [list(zip(_CODES[codes[row]], choices[row].tolist(), strict=True)) for codes, choices in decided]
        out[int(row)] = _triple(rule.describe(outcomes, _record(frame, int(row), rule.record_fields())))
    return out


def _row_by_row(rule: Rule, frame: pd.DataFrame) -> dict[int, Exception_]:
    fields = [f for f in rule.record_fields() if f in frame]
    out: dict[int, Exception_] = {}
    for row, values in enumerate(frame[fields].itertuples(index=False, name=None)):
        result = rule.evaluate({f: _plain(v) for f, v in zip(fields, values, strict=True)})
        if (result.status, result.detail, result.cells) != (PASS, rule.statement, []):
            out[row] = _triple(result)
    return out


def _triple(result: Any) -> Exception_:
    return result.status, result.detail, list(result.cells)


def evaluate_frame(rule: Rule, frame: pd.DataFrame) -> dict[int, Exception_]:
    """Row position → (status, detail, cells) for every report that does not simply pass."""
    if isinstance(rule, LinearRule):
        return _linear(rule, frame)
    if isinstance(rule, DomainRule):
        return _domain(rule, frame)
    if isinstance(rule, ZeroWhenNoneRule):
        return _zero_when_none(rule, frame)
    if isinstance(rule, LocaliseRule):
        return _localise(rule, frame)
    return _row_by_row(rule, frame)
