"""The consistency rules of docs/format.md §5: kinds, the catalogue, and their JSON form.

- cells.py: flat keys, display names, evidence text;
- base.py: the Rule base class and serialisation by a registry of kinds;
- cell_kinds.py / document_kinds.py: what each kind of rule computes;
- catalogue.py: which rules exist (the part a domain expert reviews).

A rule never fails on missing data: a null operand makes it `uncertain`, and the detail names
the missing cells (or the whole missing table). Each rule runs once per report: in a flow run
inside one Great Expectations validation (expectations/runner.py), in `xxgk extract` through
expectations/validate.py, from the same definitions.
"""

from expectations.rules.base import KINDS, Rule, rule_from_dict
from expectations.rules.catalogue import CROSS_YEAR, RULES, RULES_BY_ID, CrossYearRules
from expectations.rules.cell_kinds import DomainRule, LinearRule, LocaliseRule, ZeroWhenNoneRule
from expectations.rules.cells import CELL_KEYS, display, fact_fields, fmt, section_of, table_field
from expectations.rules.document_kinds import FeeStatementRule, NarrativeRule
from extractors.sums import Equation

__all__ = [
    "CELL_KEYS",
    "CROSS_YEAR",
    "KINDS",
    "RULES",
    "RULES_BY_ID",
    "CrossYearRules",
    "DomainRule",
    "Equation",
    "FeeStatementRule",
    "LinearRule",
    "LocaliseRule",
    "NarrativeRule",
    "Rule",
    "ZeroWhenNoneRule",
    "display",
    "fact_fields",
    "fmt",
    "rule_from_dict",
    "section_of",
    "table_field",
]
