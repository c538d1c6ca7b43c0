"""Rules across reports, run in the warehouse after each load (docs/format.md §5.4, §8.4).

Y-1  this year's 上年结转 = last year's 结转下年度, per column (same agency);
Y-2  in_force(Y) = in_force(Y−1) + issued(Y) − repealed(Y) for 规章 and 规范性文件;
T2-3 repealed(Y) ≤ in_force(Y−1) + issued(Y) (needs last year's stock, so it lives here);
Y-3  a headline total jumps ×10 or falls to 0 against last year;
P-1  an aggregate report (scope = aggregate) is at least the sum of its loaded constituents.

Reports of one agency are matched on `agency_code` when both have one (identity confirmed:
Y-1 is then an error), else on the agency name (a warning). An aggregate report is never
compared with an own-scope report of the same agency. Results have the columns of
`check_results`; each lands on the later (or the aggregate) report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from expectations.rules import CROSS_YEAR, display, fmt
from extractors.report import CHECK_RESULT_COLUMNS, CheckStatus, Severity
from extractors.template import flat_key, s2, s3, s4

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

_SECTION_KEY = {2: s2, 3: s3, 4: s4}


@dataclass(frozen=True)
class LoadedReport:
    """What cross-report rules need of a warehouse report."""

    report_id: str
    agency: str | None
    agency_code: str | None
    year: int | None
    level: str | None
    scope: str | None
    values: dict[str, Decimal]

    def get(self, key: str) -> Decimal | None:
        return self.values.get(key)


def _needed_keys() -> list[tuple[int, str, str]]:
    keys = [(3, "carried_over", c) for c in CROSS_YEAR.carried_columns]
    keys += [(3, "carried_forward", c) for c in CROSS_YEAR.carried_columns]
    keys += [(2, row, col) for row in CROSS_YEAR.stock_rows for col in ("issued", "repealed", "in_force")]
    keys += [*CROSS_YEAR.headline_cells, *CROSS_YEAR.aggregate_cells]
    for section, row, col in keys:
        _SECTION_KEY[section](row, col)  # validates every key against the template
    return list(dict.fromkeys(keys))


def read_loaded_reports(con: duckdb.DuckDBPyConnection) -> list[LoadedReport]:
    """Reports with the few cells the cross-report rules read."""
    columns = {r[0] for r in con.execute("DESCRIBE reports").fetchall()}
    scope = "scope" if "scope" in columns else "NULL"
    level = "level" if "level" in columns else "NULL"
    rows = con.execute(f"SELECT report_id, agency, agency_code, year, {level}, {scope} FROM reports").fetchall()
    wanted = _needed_keys()
    con.execute("CREATE OR REPLACE TEMP TABLE xxgk_wanted_keys (section INTEGER, row_key VARCHAR, col_key VARCHAR)")
    con.executemany("INSERT INTO xxgk_wanted_keys VALUES (?, ?, ?)", wanted)
    values: dict[str, dict[str, Decimal]] = {}
    for report_id, section, row, col, value in con.execute(
        "SELECT c.report_id, c.section, c.row_key, c.col_key, c.value FROM cells c "
        "JOIN xxgk_wanted_keys k USING (section, row_key, col_key) WHERE c.value IS NOT NULL"
    ).fetchall():
        values.setdefault(str(report_id), {})[flat_key(int(section), row, col)] = Decimal(str(value))
    return [
        LoadedReport(
            str(rid), agency, code or None, int(year) if year is not None else None, lvl, sc, values.get(str(rid), {})
        )
        for rid, agency, code, year, lvl, sc in rows
    ]


def consecutive_pairs(reports: list[LoadedReport]) -> Iterator[tuple[LoadedReport, LoadedReport, bool]]:
    """(this year, last year, identity confirmed by code) for the same agency and a compatible scope.

    The agency is matched by code, else by name. A scope the identifier could not tell (`unknown`)
    does not separate two years (a series whose wording changes would lose its pairs), but an
    aggregate report is only ever compared with an aggregate. The same scope wins over an unknown one.
    """
    by_code: dict[tuple[str, int], list[LoadedReport]] = {}
    by_name: dict[tuple[str, int], list[LoadedReport]] = {}
    for report in reports:
        if report.year is None:
            continue
        if report.agency_code:
            by_code.setdefault((report.agency_code, report.year), []).append(report)
        if report.agency:
            by_name.setdefault((report.agency, report.year), []).append(report)
    for report in reports:
        if report.year is None:
            continue
        by_code_previous = _same_scope(report, by_code.get((report.agency_code or "", report.year - 1), []))
        if report.agency_code and by_code_previous:
            yield from ((report, p, True) for p in by_code_previous)
        elif report.agency:
            # a code on both sides that differs means two different agencies of the same name
            candidates = [p for p in by_name.get((report.agency, report.year - 1), [])
                          if not (p.agency_code and report.agency_code)]
            yield from ((report, p, False) for p in _same_scope(report, candidates))


def _same_scope(report: LoadedReport, candidates: list[LoadedReport]) -> list[LoadedReport]:
    """Candidates whose scope agrees with the report's: equal ones if any, else own/unknown ones."""
    equal = [c for c in candidates if c.scope == report.scope]
    if equal or report.scope == "aggregate":
        return equal
    return [c for c in candidates if c.scope != "aggregate"]


def _result(
    report: LoadedReport, rule: str, status: CheckStatus, severity: Severity, detail: str, cells: list[str]
) -> tuple[Any, ...]:
    return (report.report_id, rule, str(status), str(severity), detail, list(dict.fromkeys(cells)))


def _judge(
    report: LoadedReport,
    rule: str,
    severity: Severity,
    problems: list[str],
    missing: list[str],
    cells: list[str],
    passed: str,
) -> tuple[Any, ...]:
    if problems:
        return _result(report, rule, CheckStatus.FAIL, severity, "; ".join(problems), cells)
    if missing:
        return _result(report, rule, CheckStatus.UNCERTAIN, severity, "cannot check: missing " + ", ".join(missing), [])
    return _result(report, rule, CheckStatus.PASS, severity, passed, [])


def carried_over_rule(cur: LoadedReport, prev: LoadedReport, confirmed: bool) -> tuple[Any, ...]:
    """Y-1, per column of table 三."""
    problems, missing, cells = [], [], []
    for col in CROSS_YEAR.carried_columns:
        now, then = s3("carried_over", col), s3("carried_forward", col)
        a, b = cur.get(now), prev.get(then)
        if a is None or b is None:
            if col == "total":  # the total must be comparable; other columns when both printed them
                missing.append(display(now) if a is None else f"{display(then)} of {prev.year}")
        elif a != b:
            problems.append(
                f"{display(now)} {fmt(a)} ({cur.year}) ≠ {display(then)} {fmt(b)} "
                f"({prev.year}, report {prev.report_id})"
            )
            cells.append(now)
    severity = Severity.ERROR if confirmed else Severity.WARNING
    return _judge(
        cur,
        "Y-1",
        severity,
        problems,
        missing,
        cells,
        f"carried_over ({cur.year}) = carried_forward of report {prev.report_id} ({prev.year})",
    )


def stock_rules(cur: LoadedReport, prev: LoadedReport) -> list[tuple[Any, ...]]:
    """Y-2 (stock-flow equality) and T2-3 (repealed ≤ last year's stock + issued)."""
    flow_problems, bound_problems, missing, flow_cells, bound_cells = [], [], [], [], []
    for row in CROSS_YEAR.stock_rows:
        issued, repealed, in_force = s2(row, "issued"), s2(row, "repealed"), s2(row, "in_force")
        now = {k: cur.get(k) for k in (issued, repealed, in_force)}
        before = prev.get(in_force)
        if before is None or any(v is None for v in now.values()):
            missing.append(row)
            continue
        n_issued, n_repealed, n_in_force = now[issued], now[repealed], now[in_force]
        assert n_issued is not None and n_repealed is not None and n_in_force is not None
        if n_in_force != before + n_issued - n_repealed:
            flow_problems.append(
                f"{display(in_force)} {fmt(n_in_force)} ≠ {fmt(before)} ({prev.year}) + "
                f"{display(issued)} {fmt(n_issued)} − {display(repealed)} {fmt(n_repealed)}"
            )
            flow_cells += [in_force, issued, repealed]
        if n_repealed > before + n_issued:
            bound_problems.append(
                f"{display(repealed)} {fmt(n_repealed)} > {fmt(before)} ({prev.year} in force) + "
                f"{display(issued)} {fmt(n_issued)}"
            )
            bound_cells += [repealed, issued]
    return [
        _judge(
            cur,
            "Y-2",
            Severity.WARNING,
            flow_problems,
            missing,
            flow_cells,
            f"stock of {prev.year} + issued − repealed = in force",
        ),
        _judge(
            cur, "T2-3", Severity.WARNING, bound_problems, missing, bound_cells,
            f"repealed ≤ in force ({prev.year}) + issued"
        ),
    ]


def jump_rule(cur: LoadedReport, prev: LoadedReport) -> tuple[Any, ...]:
    """Y-3: ×10 jumps and falls to 0 on headline totals (often a unit or OCR error)."""
    problems, cells, compared = [], [], 0
    for section, row, col in CROSS_YEAR.headline_cells:
        key = _SECTION_KEY[section](row, col)
        a, b = cur.get(key), prev.get(key)
        if a is None or b is None:
            continue
        compared += 1
        if max(a, b) < CROSS_YEAR.jump_floor:
            continue
        if b > 0 and a >= b * CROSS_YEAR.jump_factor:
            problems.append(
                f"{display(key)} {fmt(a)} is ×{fmt((a / b).quantize(Decimal('0.1')))} of {fmt(b)} ({prev.year})"
            )
            cells.append(key)
        elif a > 0 and b >= a * CROSS_YEAR.jump_factor:
            problems.append(f"{display(key)} {fmt(a)} fell from {fmt(b)} ({prev.year})")
            cells.append(key)
        elif a == 0 and b > 0:
            problems.append(f"{display(key)} fell to 0 from {fmt(b)} ({prev.year})")
            cells.append(key)
    if not compared:
        return _result(cur, "Y-3", CheckStatus.UNCERTAIN, Severity.WARNING,
                       "cannot check: no headline total in both years", [])
    return _judge(cur, "Y-3", Severity.WARNING, problems, [], cells, f"no ×10 jump or fall to 0 against {prev.year}")


def _area_prefix(code: str) -> str:
    """640000 → 64, 640500 → 6405, 640502 → 640502 (the codes of everything inside the area)."""
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def aggregate_rules(reports: list[LoadedReport]) -> list[tuple[Any, ...]]:
    """P-1: an aggregate report ≥ the sum of its loaded constituents (nested aggregates count as one)."""
    aggregates = [r for r in reports if r.scope == "aggregate" and r.agency_code and r.year is not None]
    out = []
    for parent in aggregates:
        prefix = _area_prefix(parent.agency_code or "")
        inside = [
            r
            for r in reports
            if r is not parent and r.year == parent.year and r.agency_code and r.agency_code.startswith(prefix)
        ]
        nested = [r for r in inside if r.scope == "aggregate"]
        children = [
            r
            for r in inside
            if r.scope == "aggregate"
            or not any(
                n.agency_code and r.agency_code and r.agency_code.startswith(_area_prefix(n.agency_code))
                for n in nested
            )
        ]
        if not children:
            continue
        problems, cells, compared = [], [], 0
        for section, row, col in CROSS_YEAR.aggregate_cells:
            key = _SECTION_KEY[section](row, col)
            total = parent.get(key)
            parts = [value for c in children if (value := c.get(key)) is not None]
            if total is None or not parts:
                continue
            compared += 1
            if total < sum(parts, Decimal(0)):
                problems.append(
                    f"{display(key)} {fmt(total)} < {fmt(sum(parts, Decimal(0)))} summed over "
                    f"{len(parts)} constituent reports"
                )
                cells.append(key)
        missing = [] if compared else ["every headline total of the aggregate or its constituents"]
        out.append(
            _judge(
                parent,
                "P-1",
                Severity.WARNING,
                problems,
                missing,
                cells,
                f"aggregate ≥ the sum of its {len(children)} loaded constituents",
            )
        )
    return out


def evaluate_cross_report(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All cross-report results for the reports in the warehouse (columns of check_results)."""
    import pandas as pd

    reports = read_loaded_reports(con)
    rows: list[tuple[Any, ...]] = []
    for cur, prev, confirmed in consecutive_pairs(reports):
        rows.append(carried_over_rule(cur, prev, confirmed))
        rows.extend(stock_rules(cur, prev))
        rows.append(jump_rule(cur, prev))
    rows.extend(aggregate_rules(reports))
    return pd.DataFrame(rows, columns=list(CHECK_RESULT_COLUMNS))
