"""What every rule is, and its JSON form in the GE suite: serialisation by a registry of kinds.

A rule kind is a frozen dataclass; subclassing `Rule` with a `kind` registers it, so a suite
entry is rebuilt by its kind name and the kind's own fields, never by a hand-kept list.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from expectations.rules.cells import Record, fmt, table_field
from extractors.report import CheckResult, CheckStatus, Severity

KINDS: dict[str, type[Rule]] = {}


@dataclass(frozen=True)
class Rule(ABC):
    """What every rule has: an id from docs/format.md §5, a severity, and its statement in words."""

    rule: str
    severity: Severity
    statement: str

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            KINDS[cls.kind] = cls

    def __post_init__(self) -> None:
        if self.severity not in set(Severity):
            raise ValueError(f"rule {self.rule}: severity {self.severity!r} is not one of {[str(s) for s in Severity]}")
        object.__setattr__(self, "severity", Severity(self.severity))

    @abstractmethod
    def fields(self) -> tuple[str, ...]:
        """The record fields the rule reads."""

    def record_fields(self) -> tuple[str, ...]:
        """`fields` plus what evidence texts read (whether a whole table is missing)."""
        return (*self.fields(), *(table_field(s) for s in (2, 3, 4)))

    @abstractmethod
    def evaluate(self, record: Record) -> CheckResult:
        """The rule's outcome on one report's record."""

    def result(self, status: CheckStatus, detail: str, cells: Sequence[str] = ()) -> CheckResult:
        return CheckResult(self.rule, status, self.severity, detail, list(dict.fromkeys(cells)))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form stored in the GE suite (kind + every field)."""
        return {"kind": self.kind, **{f.name: jsonable(getattr(self, f.name)) for f in fields(self)}}

    @classmethod
    def field_from_json(cls, name: str, value: Any) -> Any:
        """One field back from its JSON form; kinds with structured fields override this."""
        return tupled(value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        return cls(**{f.name: cls.field_from_json(f.name, data[f.name]) for f in fields(cls) if f.name in data})


def rule_from_dict(data: Mapping[str, Any]) -> Rule:
    """Rebuild a rule from its suite JSON (what the GE expectation validates with)."""
    kind = KINDS.get(data["kind"])
    if kind is None:
        raise ValueError(f"suite rule {data.get('rule')}: unknown kind {data['kind']!r}")
    return kind.from_dict(data)


def jsonable(value: Any) -> Any:
    """Tuples as lists, Decimals as their evidence text, enums as their value, objects by to_dict."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, StrEnum):
        return str(value)
    return value


def tupled(value: Any) -> Any:
    """JSON lists back to the tuples frozen dataclasses hold."""
    return tuple(tupled(v) for v in value) if isinstance(value, list) else value
