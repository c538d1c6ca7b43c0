"""How long one GE validation of N generated reports takes (target: 10,000 reports < 1 minute).

    .venv/bin/python bench/validate_batch.py [N]

Prints the time to build the batch DataFrame, to validate it through GE (one validation), and
the pure-Python path for comparison. Every 50th report has one misprinted cell.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from expectations.validate import evaluate_report
from tests.fixtures.reports import report_from_answer
from tests.fixtures.values import make_answer, with_cell


def generated_reports(count: int) -> list:
    reports = []
    for seed in range(count):
        answer = make_answer(seed, "2019" if seed % 7 == 0 else "2021")
        if seed % 50 == 0:
            granted = answer["section3"]["granted"]["natural_person"]
            answer = with_cell(answer, 3, "granted", "natural_person", granted + 1)
        reports.append(report_from_answer(answer, f"bench-{seed}.pdf"))
    return reports


def main(count: int) -> None:
    from expectations.runner import batch_frame, validate_frame

    started = time.perf_counter()
    reports = generated_reports(count)
    print(f"generated {count} reports in {time.perf_counter() - started:.1f} s")
    validate_frame(batch_frame(reports[:10]))  # warm-up: GE import and context, not per batch
    started = time.perf_counter()
    frame = batch_frame(reports)
    built = time.perf_counter()
    results = validate_frame(frame)
    done = time.perf_counter()
    print(
        f"batch DataFrame: {built - started:.1f} s; GE validation: {done - built:.1f} s; "
        f"total {done - started:.1f} s for {count} reports ({len(results)} results, "
        f"{(results['status'] == 'fail').sum()} failures)"
    )
    started = time.perf_counter()
    for report in reports:
        evaluate_report(report)
    print(f"pure-Python evaluate_report on the same reports: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
