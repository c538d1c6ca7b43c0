"""One Great Expectations validation per batch: all reports of a run as one DataFrame.

`validate_batch(reports)` builds the DataFrame (one row per report, columns = flat cell keys and
document facts, see flat_record.py), runs the stored suite `expectations/suites/reports.json` through
an ephemeral GE context, and returns the per-report results as a long DataFrame with the columns
of the warehouse `check_results` table. GE is imported here, lazily: importing it costs seconds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.flat_record import BOOL_FIELDS, RECORD_FIELDS, TEXT_FIELDS, report_record
from expectations.rules import RULES, Rule, rule_from_dict
from extractors.report import CHECK_RESULT_COLUMNS, CheckResult, CheckStatus, Report, ReportStatus, Severity

if TYPE_CHECKING:
    import pandas as pd

SUITE_NAME = "xxgk_reports"
SUITE_PATH = Path(__file__).parent / "suites" / "reports.json"


def suite_dict(rules: Sequence[Rule] = RULES) -> dict[str, Any]:
    """The suite JSON, generated from the rule definitions (what `python -m expectations.runner` writes)."""
    import great_expectations as gx

    from expectations.custom import expectation_for

    suite = gx.ExpectationSuite(
        name=SUITE_NAME,
        expectations=[expectation_for(r.to_dict()) for r in rules],
        meta={"generated_from": "expectations/rules/catalogue.py"},
    )
    data: dict[str, Any] = dict(suite.to_json_dict())
    data.pop("id", None)
    data["meta"].pop("great_expectations_version", None)
    for expectation in data["expectations"]:
        expectation.pop("id", None)
    return data


def write_suite(path: Path = SUITE_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(suite_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load_suite(path: Path = SUITE_PATH) -> Any:
    """The stored suite as a GE ExpectationSuite; refuses a file GE would silently thin out."""
    import great_expectations as gx

    import expectations.custom  # noqa: F401  (registers the expectation classes)

    data = json.loads(path.read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(name=data["name"], expectations=data["expectations"], meta=data.get("meta"))
    if len(suite.expectations) != len(data["expectations"]):
        raise ValueError(f"{path}: {len(data['expectations']) - len(suite.expectations)} expectations are not valid")
    return suite


def suite_rules(path: Path = SUITE_PATH) -> list[Rule]:
    """The rules as the stored suite defines them (in suite order)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [rule_from_dict(e["kwargs"]["definition"]) for e in data["expectations"]]


def batch_frame(reports: Sequence[Report], texts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per report: identity, document facts, narrative facts and every flat cell key.
    `texts` maps a report's sha256 (or source) to its body text, for D-1/D-2/N-6; by default
    the text the extractor kept on the report."""
    import pandas as pd

    texts = texts or {}
    records = [report_record(r, texts.get(r.sha256, texts.get(r.source, r.text or None))) for r in reports]
    frame = pd.DataFrame.from_records(records, columns=list(RECORD_FIELDS))
    for column in RECORD_FIELDS:
        if column in TEXT_FIELDS:
            frame[column] = frame[column].astype(object)
        elif column in BOOL_FIELDS:
            frame[column] = frame[column].astype("boolean")
        else:
            frame[column] = pd.to_numeric(frame[column].astype(object), errors="coerce").astype(float)
    return frame


@cache
def _validation() -> tuple[Any, Any]:
    """An ephemeral GE context with the stored suite and a whole-DataFrame batch definition."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    suite = context.suites.add(load_suite())
    batch_definition = (
        context.data_sources.add_pandas("xxgk")
        .add_dataframe_asset("reports")
        .add_batch_definition_whole_dataframe("batch")
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="xxgk_reports", data=batch_definition, suite=suite)
    )
    checkpoint = context.checkpoints.add(gx.Checkpoint(name="xxgk_reports", validation_definitions=[definition]))
    return context, checkpoint


def ge_context() -> Any:
    """The context the batches were validated in (Data Docs are built from its results)."""
    return _validation()[0]


def validate_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Run the suite once on a batch frame; one row per (report, rule)."""
    import pandas as pd
    from great_expectations.core.run_identifier import RunIdentifier

    from expectations.data_docs import RUN_NAME

    _, checkpoint = _validation()
    run = checkpoint.run(batch_parameters={"dataframe": frame},
                         run_id=RunIdentifier(run_name=f"{RUN_NAME}-of-{len(frame)}-reports"))
    rows: list[tuple[Any, ...]] = []
    ids = frame["report_id"].astype(str).tolist()
    for validation in run.run_results.values():
        for result in validation.results:
            if "details" not in result.result:
                raise RuntimeError(
                    f"expectation {result.expectation_config.kwargs.get('rule')} did not run: {result.exception_info}"
                )
            definition = result.expectation_config.kwargs["definition"]
            passed: tuple[str, str, list[str]] = (CheckStatus.PASS.value, definition["statement"], [])
            outcomes: list[tuple[str, str, list[str]]] = [passed] * len(ids)
            for status, detail, cells, positions, _ in result.result["details"]["outcomes"]:
                for position in positions.split():
                    outcomes[int(position)] = (status, detail, cells)
            rows.extend(
                (rid, definition["rule"], status, definition["severity"], detail, list(cells))
                for rid, (status, detail, cells) in zip(ids, outcomes, strict=True)
            )
    return pd.DataFrame(rows, columns=list(CHECK_RESULT_COLUMNS))


def validate_batch(reports: Sequence[Report], texts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every rule on every report of the batch in ONE GE validation; columns CHECK_RESULT_COLUMNS."""
    import pandas as pd

    if not reports:
        return pd.DataFrame(columns=list(CHECK_RESULT_COLUMNS))
    return validate_frame(batch_frame(reports, texts))


def batch_statuses(results: pd.DataFrame) -> dict[str, ReportStatus]:
    """report_id → ok/invalid from a results frame (only error-severity failures invalidate)."""
    failed = results[(results["status"] == CheckStatus.FAIL) & (results["severity"] == Severity.ERROR)]["report_id"]
    bad = set(failed)
    return {rid: (ReportStatus.INVALID if rid in bad else ReportStatus.OK) for rid in results["report_id"].unique()}


def batch_checks(results: pd.DataFrame) -> dict[str, list[CheckResult]]:
    """report_id → its check results, in suite order: what the loader writes and the run counts."""
    checks: dict[str, list[CheckResult]] = {}
    for report_id, rule, status, severity, detail, cells in results[list(CHECK_RESULT_COLUMNS)].itertuples(
            index=False, name=None):
        checks.setdefault(report_id, []).append(
            CheckResult(rule, CheckStatus(status), Severity(severity), detail, list(cells)))
    return checks


def validate_reports(reports: Sequence[Report]) -> pd.DataFrame:
    """Validate a batch once and put the results on the reports: their checks and their status.

    This is the single source of check results in a flow run; nothing else evaluates the rules."""
    results = validate_batch(reports)
    checks, statuses = batch_checks(results), batch_statuses(results)
    for report in reports:
        report.checks = checks.get(report.report_id, [])
        report.status = statuses.get(report.report_id, report.status)
    return results


__all__ = [
    "SUITE_PATH",
    "batch_checks",
    "batch_frame",
    "batch_statuses",
    "load_suite",
    "suite_rules",
    "validate_batch",
    "validate_frame",
    "validate_reports",
    "write_suite",
]


if __name__ == "__main__":
    print(write_suite())
