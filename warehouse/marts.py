"""Mart definitions that depend on the template: which cells make each agency_year measure.

The mart SQL lives in warehouse/sql/; the parts that name template keys are rendered here from
extractors/template.py, so a key is never spelled twice and the marts follow the template.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.template import (
    SECTION2_ROWS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMNS,
    SECTION3_GROUP_LABELS,
    SECTION3_GROUPS,
    SECTION3_ROWS,
    SECTION3_SUBTOTALS,
    SECTION4_COLUMNS,
    SECTION4_GROUPS,
)

_ROW_LABELS = {r.key: r.label for r in SECTION3_ROWS}
_ROW_GROUPS = {r.key: r.group for r in SECTION3_ROWS if r.group}
_GROUP_TOTAL_NAMES = {"denied": "denied_total", "unavailable": "unavailable_total",
                      "not_processed": "not_processed_total", "other": "other_total"}
_SUBTOTAL_OF_GROUP = {group: subtotal for subtotal, group in SECTION3_SUBTOTALS.items()}
_TOTAL = SECTION3_COLUMNS[-1].key
_PRINTED = "__printed"
AMOUNT_TYPE = "DECIMAL(18, 4)"
# Section 三 group headings as printed, （三）…（六） in template order.
GROUP_LABELS = {group: f"（{numeral}）{labels[0]}"
                for numeral, (group, labels) in zip("三四五六", SECTION3_GROUP_LABELS.items(), strict=True)}


@dataclass(frozen=True)
class Measure:
    """One agency_year column: the sum of some cells of one report, described for COMMENT ON."""

    name: str
    section: int
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    comment: str
    subtotal_row: str | None = None  # a printed/derived subtotal preferred over summing `rows`
    amount: bool = False  # the 万元 fee: DECIMAL(18,4); every other measure is a count (BIGINT)
    label: str = ""  # the form's Chinese wording, for `xxgk export --labels zh`

    def __post_init__(self) -> None:
        if not self.rows or not self.cols:
            raise ValueError(f"measure {self.name} needs at least one row and one column")

    def cell_keys(self) -> list[tuple[str, int, str, str]]:
        """(mapping name, section, row_key, col_key) of every cell this measure reads."""
        keys = [(self.name, self.section, row, col) for row in self.rows for col in self.cols]
        if self.subtotal_row:
            keys += [(f"{self.name}{_PRINTED}", self.section, self.subtotal_row, col) for col in self.cols]
        return keys

    def sql(self) -> str:
        """An aggregate over `mapped` cells of one report (NULL when no operand is present)."""
        summed = f"sum(value) FILTER (WHERE measure = '{self.name}')"
        if self.subtotal_row:
            summed = f"coalesce(sum(value) FILTER (WHERE measure = '{self.name}{_PRINTED}'), {summed})"
        typed = f"CAST({summed} AS {AMOUNT_TYPE})" if self.amount else f"whole_count({summed})"
        return f"{typed} AS {self.name}"


def _section3_row(key: str, comment_suffix: str = "总计 column") -> Measure:
    group = _ROW_GROUPS.get(key)
    label = f"{GROUP_LABELS[group]}·{_ROW_LABELS[key]}" if group else _ROW_LABELS[key]
    return Measure(key, 3, (key,), (_TOTAL,), f"Section 三 {_ROW_LABELS[key]}, {comment_suffix}.", label=label)


def _measures() -> tuple[Measure, ...]:
    out: list[Measure] = [_section3_row(key) for key in ("new_requests", "carried_over", "granted",
                                                          "partially_granted")]
    out.append(Measure("new_requests_natural_person", 3, ("new_requests",), (SECTION3_APPLICANT_COLUMNS[0],),
                       "New requests from natural persons (自然人).", label="本年新收申请·自然人"))
    out.append(Measure("new_requests_organisations", 3, ("new_requests",), SECTION3_APPLICANT_COLUMNS[1:],
                       "New requests from legal persons and other organisations (法人或其他组织, five columns).",
                       label="本年新收申请·法人或其他组织"))
    out.extend(_section3_row(key, "总计 column (a denial reason)") for key in SECTION3_GROUPS["denied"])
    for group, rows in SECTION3_GROUPS.items():
        out.append(Measure(_GROUP_TOTAL_NAMES[group], 3, rows, (_TOTAL,),
                           f"Section 三 group {group}: its printed subtotal row if any, else the sum of its "
                           f"{len(rows)} rows, 总计 column.", subtotal_row=_SUBTOTAL_OF_GROUP[group],
                           label=f"{GROUP_LABELS[group]}（小计）"))
    out.extend(_section3_row(key) for key in ("outcome_total", "carried_forward"))
    review, direct, after_review = (g.key for g in SECTION4_GROUPS)
    corrected, total = SECTION4_COLUMNS[1].key, SECTION4_COLUMNS[-1].key
    out += [
        Measure("admin_review_total", 4, (review,), (total,), "Administrative reviews (行政复议), 总计.",
                label="行政复议·总计"),
        Measure("admin_review_corrected", 4, (review,), (corrected,), "Administrative reviews with result 纠正.",
                label="行政复议·结果纠正"),
        Measure("litigation_total", 4, (direct, after_review), (total,),
                "Lawsuits (行政诉讼), direct and after review, 总计.", label="行政诉讼·总计"),
        Measure("litigation_corrected", 4, (direct, after_review), (corrected,),
                "Lawsuits with result 纠正, direct and after review.", label="行政诉讼·结果纠正"),
    ]
    for row in SECTION2_ROWS:
        for col in row.columns:
            out.append(Measure(f"{row.key}_{col.key}", 2, (row.key,), (col.key,),
                               f"Section 二 proactive disclosure: {row.label} › {col.label}.", amount=col.decimal,
                               label=f"{row.label}·{col.label}"))
    return tuple(out)


MEASURES: tuple[Measure, ...] = _measures()

# Rates derived from the measures: (name, SQL expression, comment, Chinese label). The convention everywhere
# (marts, CLI, run summary): a rate or share is a DOUBLE fraction from 0 to 1, rounded to 4 places.
RATES: tuple[tuple[str, str, str, str], ...] = (
    ("grant_rate", "round(granted / nullif(outcome_total, 0), 4)",
     "granted / outcome_total, a fraction 0–1: share of closed requests fully granted (予以公开).", "予以公开率"),
    ("disclosure_rate", "round((granted + partially_granted) / nullif(outcome_total, 0), 4)",
     "(granted + partially_granted) / outcome_total, a fraction 0–1: closed requests granted at least in part.",
     "公开率（含部分公开）"),
    ("denial_rate", "round(denied_total / nullif(outcome_total, 0), 4)",
     "denied_total / outcome_total, a fraction 0–1: share of closed requests refused (不予公开).", "不予公开率"),
    ("corrected_share", "round((coalesce(admin_review_corrected, 0) + coalesce(litigation_corrected, 0))"
                        " / nullif(coalesce(admin_review_total, 0) + coalesce(litigation_total, 0), 0), 4)",
     "Reviews and lawsuits with result 纠正 / all reviews and lawsuits, a fraction 0–1 (NULL when none).",
     "复议诉讼纠错率"),
)

# agency_year measures compared year over year.
YEAR_OVER_YEAR: tuple[str, ...] = ("new_requests", "granted", "denied_total", "outcome_total", "grant_rate",
                                   "admin_review_total", "litigation_total")


def measures_sql() -> str:
    """The conditional aggregates of every measure, for the agency_year pivot."""
    return ",\n        ".join(m.sql() for m in MEASURES)


def measure_cells_sql() -> str:
    """A VALUES list mapping each cell a measure reads to the measure: joined once, not filtered 45 times."""
    rows = [f"('{name}', {section}, '{row}', '{col}')" for m in MEASURES for name, section, row, col in m.cell_keys()]
    return "(VALUES " + ", ".join(rows) + ") AS measure_cells(measure, section, row_key, col_key)"


def rates_sql() -> str:
    return ",\n    ".join(f"{expr} AS {name}" for name, expr, _, _ in RATES)


def applicant_pivot_sql() -> str:
    """Section 三 columns as columns (counts), for requests_wide."""
    return ",\n    ".join(f"whole_count(max(c.value) FILTER (WHERE c.col_key = '{col.key}')) AS {col.key}"
                          for col in SECTION3_COLUMNS)


def group_label_sql(column: str) -> str:
    """The printed heading of a section 三 group key, e.g. denied → （三）不予公开."""
    cases = " ".join(f"WHEN '{group}' THEN '{label}'" for group, label in GROUP_LABELS.items())
    return f"CASE {column} {cases} END"


def year_over_year_sql() -> str:
    """previous_<m>, <m>_change and (for counts) <m>_relative_change (a fraction) for each compared measure."""
    parts: list[str] = []
    for name in YEAR_OVER_YEAR:
        parts.append(f"cur.{name}")
        parts.append(f"prev.{name} AS previous_{name}")
        parts.append(f"cur.{name} - prev.{name} AS {name}_change")
        if not name.endswith("_rate"):
            parts.append(f"round((cur.{name} - prev.{name}) / nullif(prev.{name}, 0), 4) AS {name}_relative_change")
    return ",\n    ".join(parts)


def column_comments() -> dict[str, dict[str, str]]:
    """COMMENT ON text for the generated mart columns, per relation."""
    agency_year = {m.name: m.comment for m in MEASURES} | {name: comment for name, _, comment, _ in RATES}
    applicant = {col.key: f"Section 三 column {col.label} (a count)." for col in SECTION3_COLUMNS}
    yoy: dict[str, str] = {}
    for name in YEAR_OVER_YEAR:
        yoy[f"previous_{name}"] = f"{name} of the previous year."
        yoy[f"{name}_change"] = f"{name} minus its previous-year value."
        if not name.endswith("_rate"):
            yoy[f"{name}_relative_change"] = (f"({name} - previous_{name}) / previous_{name} as a fraction "
                                              f"(0.25 = +25 %; NULL when the previous value is 0).")
    return {"agency_year_all": agency_year, "requests_wide_all": applicant, "year_over_year_all": yoy}
