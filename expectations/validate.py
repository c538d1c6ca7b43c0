"""Every per-report rule on one report, without Great Expectations (for `xxgk extract`).

A flow run validates its whole batch in one GE validation instead (expectations/runner.py);
both read the same rule definitions and the same flat record (expectations/flat_record.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from expectations.flat_record import report_record
from expectations.rules import RULES, Rule
from extractors.report import CheckResult, Report, ReportStatus, status_for
from extractors.sums import Record


def evaluate_report(report: Report, text: str | None = None) -> list[CheckResult]:
    """Every per-report rule on one report (D-1/D-2/N-6 read `text`, the document's body text)."""
    return evaluate_record(report_record(report, text))


def evaluate_record(record: Record, rules: Sequence[Rule] = RULES) -> list[CheckResult]:
    return [rule.evaluate(record) for rule in rules]


def check_report(report: Report) -> Report:
    """Fill an extracted report's checks and status; a quarantined report is left as it is."""
    if ReportStatus(report.status).extracted:
        report.checks = evaluate_report(report, report.text)
        report.status = status_for(report.checks)
    return report
