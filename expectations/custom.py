"""Custom Great Expectations classes for the report rules (GE has no linear-equation or
"null means uncertain" expectation).

One table metric, `xxgk.rule_outcomes`, evaluates a rule definition (the JSON of
rules.Rule.to_dict, stored in the suite) over the whole batch DataFrame; one expectation class per
rule kind asks for it. The result keeps every report that does not simply pass, with its status
(fail/uncertain), evidence text and cells, so the runner can turn one validation into per-report
check results. Importing this module registers the classes with GE (it imports GE: keep it lazy).
"""

from __future__ import annotations

from typing import Any, ClassVar

from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.expectations.metadata_types import FailureSeverity
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import RendererConfiguration, RendererValueType

from expectations.rules import rule_from_dict
from expectations.vectorised import evaluate_frame
from extractors.report import CheckStatus

GE_SEVERITY: dict[str, FailureSeverity] = {
    "error": FailureSeverity.CRITICAL,
    "warning": FailureSeverity.WARNING,
    "info": FailureSeverity.INFO,
}


class RuleOutcomes(TableMetricProvider):
    """Outcomes of one rule definition over the batch: each distinct (status, detail, cells) of
    the reports that do not simply pass, with their row positions."""

    metric_name = "xxgk.rule_outcomes"
    value_keys = ("definition",)

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine: PandasExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> dict[str, Any]:
        frame, _, _ = execution_engine.get_compute_domain(metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE)
        rule = rule_from_dict(metric_value_kwargs["definition"])
        grouped: dict[tuple[str, str, tuple[str, ...]], list[int]] = {}
        for row, (status, detail, cells) in evaluate_frame(rule, frame).items():
            grouped.setdefault((status, detail, tuple(cells)), []).append(row)
        # Row positions as one string per distinct outcome: GE serialises results element by
        # element, and 10,000 reports sharing "uncertain: no narrative" must not cost seconds.
        return {
            "rows": len(frame),
            "outcomes": [
                [status, detail, list(cells), " ".join(map(str, rows)), len(rows)]
                for (status, detail, cells), rows in grouped.items()
            ],
        }


class ExpectReportRuleToHold(BatchExpectation):
    """Every report (row) of the batch satisfies one consistency rule of docs/format.md §5.

    `definition` is the rule as data (kind, cells, equations …); a null operand makes the
    report `uncertain` for the rule rather than failing it."""

    rule: str
    definition: dict

    metric_dependencies = ("xxgk.rule_outcomes",)
    success_keys = ("definition",)
    args_keys = ("rule", "definition")
    kind: ClassVar[str] = ""
    library_metadata: ClassVar[dict[str, Any]] = {
        "maturity": "experimental",
        "tags": ["xxgk"],
        "contributors": ["xxgk"],
    }

    @classmethod
    def _prescriptive_template(cls, renderer_configuration: RendererConfiguration) -> RendererConfiguration:
        renderer_configuration.add_param(name="rule", param_type=RendererValueType.STRING)
        statement = renderer_configuration.kwargs.get("definition", {}).get("statement", "")
        renderer_configuration.template_str = f"$rule: {statement}"
        return renderer_configuration

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(
        cls, configuration: Any = None, result: Any = None, runtime_configuration: dict | None = None
    ) -> list[RenderedStringTemplateContent]:
        """Data Docs show the rule as analysts read it (`T3-1 (error): new_requests + …`), not
        the stored definition."""
        kwargs = configuration.kwargs if configuration is not None else {}
        definition = kwargs.get("definition", {})
        params = {"rule": kwargs.get("rule", ""), "severity": definition.get("severity", ""),
                  "statement": definition.get("statement", "")}
        styling = (runtime_configuration or {}).get("styling", {})
        template = {"template": "$rule ($severity): $statement", "params": params, "styling": styling}
        return [RenderedStringTemplateContent(content_block_type="string_template", string_template=template)]

    def _validate(
        self, metrics: dict, runtime_configuration: dict | None = None, execution_engine: Any = None
    ) -> dict[str, Any]:
        found = metrics["xxgk.rule_outcomes"]
        failed = sum(o[4] for o in found["outcomes"] if o[0] == CheckStatus.FAIL)
        unsure = sum(o[4] for o in found["outcomes"] if o[0] == CheckStatus.UNCERTAIN)
        return {
            "success": failed == 0,
            "result": {
                "observed_value": f"{failed} fail, {unsure} uncertain, {found['rows'] - failed - unsure} pass",
                "details": {"outcomes": found["outcomes"]},
            },
        }


class ExpectLinearEquationsToHold(ExpectReportRuleToHold):
    """Σ left = Σ right for every equation (T3-1, T3-2, T3-3, T3-6, T4-1)."""

    kind: ClassVar[str] = "linear"


class ExpectCellsToBeInDomain(ExpectReportRuleToHold):
    """Cells are non-negative integers / decimals (T3-4, T4-2, T2-1)."""

    kind: ClassVar[str] = "domain"


class ExpectOutcomesToBeZeroWithoutRequests(ExpectReportRuleToHold):
    """No request at all means no outcome (T3-5)."""

    kind: ClassVar[str] = "zero_when_none"


class ExpectMisreadCellToBeLocalised(ExpectReportRuleToHold):
    """Names the one cell whose correction would satisfy every failing sum (T3-7)."""

    kind: ClassVar[str] = "localise"


class ExpectCellsWithinLevelBounds(ExpectReportRuleToHold):
    """Values plausible for the agency's administrative level (T2-2, T2-4)."""

    kind: ClassVar[str] = "level_bound"


class ExpectStatedYearsToAgree(ExpectReportRuleToHold):
    """Title, statistics period and opening sentence give one year (D-1)."""

    kind: ClassVar[str] = "agree"


class ExpectSectionsToBePresent(ExpectReportRuleToHold):
    """Six headings in order and the three tables present (D-2)."""

    kind: ClassVar[str] = "sections"


class ExpectNarrativeToMatchTables(ExpectReportRuleToHold):
    """Figures stated in the prose equal the table cells (N-1…N-5)."""

    kind: ClassVar[str] = "narrative"


class ExpectCellsToBeLocated(ExpectReportRuleToHold):
    """Every row the form prints was found in the document (C-1)."""

    kind: ClassVar[str] = "located"


class ExpectFeeToBeStated(ExpectReportRuleToHold):
    """Section 六 states the 信息处理费 and a fee implies requests (N-6)."""

    kind: ClassVar[str] = "fee_statement"


class ExpectOcrReadingsToBeCertain(ExpectReportRuleToHold):
    """Cells read by OCR are confident or confirmed by a sum; a localised misread is named (OCR-1)."""

    kind: ClassVar[str] = "ocr_certainty"


EXPECTATION_CLASSES: dict[str, type[ExpectReportRuleToHold]] = {
    cls.kind: cls for cls in ExpectReportRuleToHold.__subclasses__()
}


def expectation_for(definition: dict[str, Any]) -> ExpectReportRuleToHold:
    """The GE expectation that checks one rule definition, with GE's own severity set."""
    cls = EXPECTATION_CLASSES[definition["kind"]]
    return cls(rule=definition["rule"], definition=definition, severity=GE_SEVERITY[definition["severity"]])
