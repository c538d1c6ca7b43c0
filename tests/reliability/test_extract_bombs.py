"""Each bomb read through `xxgk extract` ends as an `error` naming the limit, in bounded memory.

Small versions of the real bombs, with the matching limit lowered through XXGK_<LIMIT>; peak
memory is compared with extracting a good report in the same way, side by side.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.bad_inputs import (
    flate_bomb_pdf,
    long_narrative_html,
    long_pipe_table,
    rect_bomb_pdf,
    span_bomb_html,
    write_docx_bomb,
    write_truncated_docx,
)
from tests.reliability.measure import XXGK, Measured, run_measured

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADROOM_MB = 150  # what a bomb may cost above extracting a good report


CASES = {  # name: (file name, writer, limits, reason)
    "docx-inflates-past-limit": ("bomb.docx", lambda p: write_docx_bomb(p, 60),
                                 {"XXGK_MAX_INFLATED_BYTES": "20000000"}, "DOCX expands past 20 MB"),
    "html-span-grid": ("spans.html", lambda p: p.write_bytes(span_bomb_html(3_000)), {},
                       "table grid over 200,000 cells"),
    "html-rows": ("rows.html", lambda p: p.write_bytes(span_bomb_html(20_000, span=1)), {},
                  "table over 5,000 rows"),
    "pipe-table-rows": ("pipes.md", lambda p: p.write_bytes(long_pipe_table(200_000)), {}, "table over 5,000 rows"),
    "narrative-size": ("long.html", lambda p: p.write_bytes(long_narrative_html(5_000)),
                       {"XXGK_MAX_TEXT_CHARS": "200000"}, "narrative over 200,000 characters"),
    "pdf-content-stream-inflates-past-limit": ("flate.pdf", lambda p: p.write_bytes(flate_bomb_pdf(60)),
                                               {"XXGK_MAX_PAGE_CONTENT_BYTES": "10000000"},
                                               "page 1 content expands past 10 MB"),
    "pdf-drawn-rects": ("rects.pdf", lambda p: p.write_bytes(rect_bomb_pdf(20_000)),
                        {"XXGK_MAX_PAGE_SHAPES": "10000"}, "page 1 draws over 10,000 shapes"),
    "oversized-file": ("big.pdf", lambda p: p.write_bytes((EXAMPLES / "binhe-2023.pdf").read_bytes()),
                       {"XXGK_MAX_BYTES": "1000"}, "over the 0 MB limit"),
    "truncated-docx-is-error-not-unsupported": (
        "cut.docx", lambda p: write_truncated_docx(p, (EXAMPLES / "rouyuan-2023.docx").read_bytes()), {},
        "truncated or corrupt"),
}


def extract(path: Path, env: dict[str, str]) -> tuple[dict, Measured]:
    measured = run_measured([XXGK, "extract", "--json", str(path)], env)
    assert measured.returncode == 0, measured.stderr
    return json.loads(measured.stdout.splitlines()[-1]), measured


@pytest.fixture(scope="module")
def good_peak_mb() -> float:
    """Peak memory of extracting a good DOCX report: the baseline the bombs are held to."""
    report, measured = extract(EXAMPLES / "rouyuan-2023.docx", {})
    assert report["status"] == "ok"
    return measured.peak_rss_mb


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bomb_is_an_error_with_its_reason_in_bounded_memory(case: str, tmp_path: Path, good_peak_mb: float) -> None:
    name, write, limits, reason = CASES[case]
    path = tmp_path / name
    write(path)
    report, measured = extract(path, limits)
    assert report["status"] == "error"
    assert reason in " ".join(report["errors"]) and str(path) in " ".join(report["errors"])
    assert measured.peak_rss_mb < good_peak_mb + HEADROOM_MB, f"{case}: {measured.peak_rss_mb:.0f} MB"


def test_a_limit_that_is_not_a_positive_number_is_refused() -> None:
    from extractors.extract import ExtractSettings

    with pytest.raises(ValueError, match="max_grid_cells"):
        ExtractSettings(max_grid_cells=0)
