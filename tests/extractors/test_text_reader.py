"""The text reader and the shared mapper on the garbled seed conversion (docs/format.md §6.3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.checked import extract_bytes
from tests.fixtures.compare import wrong_cells
from tests.fixtures.render_text import refill_seed
from tests.fixtures.values import make_answer


@pytest.fixture(scope="module")
def seed_text(shared_corpus: Path) -> str:
    return (shared_corpus / "seed" / "wenchang-2023.md").read_text(encoding="utf-8")


def test_seed_extracts_exactly_as_its_answer_key(shared_corpus: Path, seed_text: str) -> None:
    answer = json.loads((shared_corpus / "seed" / "wenchang-2023.answer.json").read_text(encoding="utf-8"))
    report = extract_bytes(seed_text.encode(), "wenchang-2023.md")
    output = report.to_json()
    assert wrong_cells(answer, report) == []
    assert (output["status"], output["year"], output["template"]) == ("ok", 2023, "2021")
    assert output["agency"]["code"] == answer["agency"]["code"]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_seed_layout_refilled_with_new_values_maps_every_cell(seed_text: str, seed: int) -> None:
    answer = make_answer(seed, scale=300)
    report = extract_bytes(refill_seed(seed_text, answer).encode(), f"seed-refilled-{seed}.md")
    assert wrong_cells(answer, report) == []
    assert report.status == "ok", report.errors


def test_values_keep_their_table_row_and_column(seed_text: str) -> None:
    report = extract_bytes(refill_seed(seed_text, make_answer(7, scale=300)).encode(), "seed.md")
    cell = report.cells[(3, "carried_forward", "total")]
    assert cell.provenance is not None and cell.provenance.table is not None
    assert cell.provenance.row is not None and cell.provenance.col is not None
    assert cell.raw.strip() == str(cell.value)


def test_a_row_the_document_lost_is_null_and_makes_the_report_invalid(seed_text: str) -> None:
    text = refill_seed(seed_text, make_answer(5, scale=300))
    without_row = "\n".join(line for line in text.splitlines() if "执法案卷" not in line)
    report = extract_bytes(without_row.encode(), "seed-row-lost.md")
    lost = report.cells[(3, "denied_enforcement_file", "total")]
    assert lost.value is None and "unlocated" in lost.flags
    located = next(c for c in report.checks if c.rule == "C-1")
    assert (located.status, report.status) == ("fail", "invalid")
    assert "denied_enforcement_file" in located.detail


def test_a_table_printed_all_not_applicable_is_a_report_not_unsupported(seed_text: str) -> None:
    lines = []
    for line in seed_text.splitlines():
        cells = line.split("|")
        lines.append("|".join("无" if c.strip() == "0" else c for c in cells) if line.startswith("|") else line)
    report = extract_bytes("\n".join(lines).encode(), "seed-all-wu.md")
    assert report.status in ("ok", "invalid"), report.errors
    cell = report.cells[(3, "new_requests", "total")]
    assert cell.value is None and "na_marker" in cell.flags


def test_markdown_heading_mark_is_not_part_of_the_agency_name() -> None:
    from extractors.extract import title_lines
    from extractors.identity import identify
    from extractors.text import read_text

    path = Path(__file__).parents[1] / "fixtures" / "text" / "markdown-heading-mark-before-agency-name.md"
    doc = read_text(path.read_bytes(), str(path))
    assert identify(title_lines(doc), doc.text).agency.name == "沙坡头区文昌镇"
