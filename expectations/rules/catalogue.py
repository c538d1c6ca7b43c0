"""The catalogue: every per-report rule of docs/format.md §5, and the cross-report definitions.

This is the part a domain expert reviews (like dbt's schema.yml): which cells each rule reads,
its severity and its statement. The sums come from extractors/sums.py, the one definition the
mapper's blank-as-zero decision reads too; the kinds' arithmetic is in cell_kinds/document_kinds.
`python -m expectations.runner` writes the GE suite from this tuple.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from expectations.rules.base import Rule
from expectations.rules.cell_kinds import DomainRule, LinearRule, LocaliseRule, OcrCertaintyRule, ZeroWhenNoneRule
from expectations.rules.cells import table_field
from expectations.rules.document_kinds import (
    AgreeRule,
    Comparison,
    FeeStatementRule,
    LevelBoundRule,
    LocatedRule,
    NarrativeRule,
    SectionsRule,
)
from extractors import sums
from extractors.ocr.engine import OcrSettings
from extractors.report import Severity
from extractors.template import (
    REQUEST_ROW_KEYS,
    SECTION2_ROWS,
    SECTION2_ROWS_2019,
    SECTION3_ALL_COLUMNS,
    SECTION3_ALL_ROWS,
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    s2,
    s3,
    s4,
)

T3_1 = LinearRule("T3-1", Severity.ERROR,
                  "new_requests + carried_over = outcome_total + carried_forward in every column", sums.BALANCE)
T3_2 = LinearRule("T3-2", Severity.ERROR,
                  "outcome_total = the sum of the 21 outcome rows in every column", sums.OUTCOMES)
T3_3 = LinearRule("T3-3", Severity.ERROR, "total = the sum of the six applicant columns in every row", sums.APPLICANTS)
T3_6 = LinearRule("T3-6", Severity.ERROR,
                  "every printed subtotal (法人或其他组织 column, rows （三）–（六）) equals its parts", sums.SUBTOTALS)
_S3_ALL = tuple(s3(r, c) for r in SECTION3_ALL_ROWS for c in SECTION3_ALL_COLUMNS)
_S4_ALL = tuple(s4(g, c) for g in SECTION4_GROUP_KEYS for c in SECTION4_COLUMN_KEYS)
_S2_ALL = [(r, c) for rows in (SECTION2_ROWS, SECTION2_ROWS_2019) for r in rows for c in r.columns]
# 本年增/减 (2019 template) is the one signed column: it is a change, not a count.
_S2_SIGNED = tuple(dict.fromkeys(s2(r.key, c.key) for r, c in _S2_ALL if "增" in c.label))
_S2_AMOUNTS = tuple(dict.fromkeys(s2(r.key, c.key) for r, c in _S2_ALL if c.decimal))
_S2_COUNTS = tuple(
    dict.fromkeys(k for r, c in _S2_ALL if (k := s2(r.key, c.key)) not in _S2_SIGNED and k not in _S2_AMOUNTS)
)
T3_7 = LocaliseRule("T3-7", Severity.INFO, "no sum of table 三 fails, so no misread cell to localise",
                    rules=(T3_1, T3_2, T3_3))
T4_1 = LinearRule("T4-1", Severity.ERROR,
                  "total = upheld + corrected + other_result + pending for each review/litigation group",
                  sums.SECTION4_SUMS)
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
    DomainRule("T3-4", Severity.ERROR, "every section 三 cell is a non-negative integer", counts=_S3_ALL),
    ZeroWhenNoneRule(
        "T3-5",
        Severity.ERROR,
        "with no request new or carried over, every outcome and carried_forward is 0",
        condition=(s3("new_requests", "total"), s3("carried_over", "total")),
        zero_cells=tuple(
            s3(r, c) for r in SECTION3_ALL_ROWS if r not in REQUEST_ROW_KEYS for c in SECTION3_ALL_COLUMNS),
    ),
    T3_6,
    T3_7,
    T4_1,
    DomainRule("T4-2", Severity.ERROR, "all 15 section 四 values are non-negative integers", counts=_S4_ALL),
    DomainRule(
        "T2-1",
        Severity.ERROR,
        "section 二 counts are non-negative integers, the fee a decimal ≥ 0",
        counts=_S2_COUNTS,
        amounts=_S2_AMOUNTS,
        signed=_S2_SIGNED,
    ),
    LevelBoundRule(
        "T2-2",
        Severity.WARNING,
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
        Severity.WARNING,
        "the fee (万元) and licensing/penalty counts are plausible for the agency's level",
        limits=(
            (s2("admin_fees", "amount_wan_yuan"), _bounds(2_000, 200_000, 2_000_000, 20_000_000)),
            (s2("admin_licensing", "decisions"), _bounds(100_000, 2_000_000, 20_000_000, 100_000_000)),
            (s2("admin_penalty", "decisions"), _bounds(50_000, 1_000_000, 10_000_000, 50_000_000)),
        ),
    ),
    AgreeRule(
        "D-1",
        Severity.ERROR,
        "title year, statistics period and opening sentence agree",
        anchor="title_year",
        others=("doc_period_start_year", "doc_period_end_year", "doc_opening_year"),
        labels=("title", "statistics period start", "statistics period end", "opening sentence"),
    ),
    LocatedRule("C-1", Severity.ERROR, "every row the form prints was located in the document"),
    OcrCertaintyRule("OCR-1", Severity.ERROR,
                     "every cell read by OCR was read with confidence or is confirmed by a sum that holds",
                     min_confidence=OcrSettings().min_confidence, sums=(T3_1, T3_2, T3_3, T3_6, T4_1), localise=T3_7),
    SectionsRule(
        "D-2",
        Severity.WARNING,
        "six headings in order; tables 二, 三, 四 present or stated absent",
        table_fields=tuple((s, table_field(s)) for s in (2, 3, 4)),
    ),
    NarrativeRule(
        "N-1",
        Severity.WARNING,
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
        Severity.WARNING,
        "carried-over and carried-forward counts in the prose match the table",
        comparisons=(
            Comparison("requests_carried_over_text", ((s3("carried_over", "total"),),)),
            Comparison("requests_carried_forward_text", ((s3("carried_forward", "total"),),)),
        ),
    ),
    NarrativeRule(
        "N-3",
        Severity.WARNING,
        "“未收到…申请” means new_requests.total = 0",
        comparisons=(Comparison("requests_received_text", ((s3("new_requests", "total"),),), negated=True),),
    ),
    NarrativeRule(
        "N-4",
        Severity.WARNING,
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
        Severity.WARNING,
        "normative documents issued in the prose match normative_documents.issued",
        comparisons=(Comparison("normative_docs_issued_text", ((s2("normative_documents", "issued"),),)),),
    ),
    FeeStatementRule(
        "N-6",
        Severity.WARNING,
        "section 六 states the 信息处理费; a fee needs requests handled",
        fact="info_processing_fee_yuan",
        requests=(s3("new_requests", "total"), s3("carried_over", "total")),
    ),
)
RULES_BY_ID: dict[str, Rule] = {r.rule: r for r in RULES}


# ------------------------------------------------------------------ cross-report rules (run in the warehouse)
@dataclass(frozen=True)
class CrossYearRules:
    """Definitions of the same-agency, consecutive-year rules (docs/format.md §5.4 and §8.4)."""

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
