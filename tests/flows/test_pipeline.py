"""`xxgk run --source DIR` end to end (issue 2): the real CLI and flow into a real DuckDB file.

The folder holds the bundled examples (ok and invalid reports in PDF, HTML, DOCX, a truncated
PDF) plus an empty file, an encrypted PDF and a text file named .pdf. Runs share one warehouse.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.cli import main
from flows.pipeline import RunSummary, xxgk_run
from tests.fixtures.bad_inputs import encrypted_pdf
from tests.fixtures.make_examples import BINHE
from tests.fixtures.render_pdf import PdfLayout, render_pdf
from tests.fixtures.values import make_answer
from tests.flows.report_site import cell_values, contents, query, wrong_cells

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOOD = {"binhe-2023.pdf": "ok", "binhe-2024.pdf": "ok", "dongyuan-2023.html": "ok", "rouyuan-2023.docx": "ok",
        "hongze-2023-printed-error.html": "invalid"}
BAD = {"truncated-download.pdf": "corrupt", "empty.pdf": "empty", "locked.pdf": "password",
       "notes.pdf": "HTML page"}


@dataclass
class Folder:
    source: Path
    data: Path
    warehouse: Path

    def run(self) -> RunSummary:
        return xxgk_run(source=str(self.source), warehouse=str(self.warehouse), data_dir=str(self.data))




@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    root = tmp_path_factory.mktemp("folder-run")
    source = root / "reports"
    source.mkdir()
    for name in [*GOOD, "truncated-download.pdf"]:
        shutil.copy(EXAMPLES / name, source / name)
    (source / "empty.pdf").write_bytes(b"")
    (source / "locked.pdf").write_bytes(encrypted_pdf())
    (source / "notes.pdf").write_bytes(b"<html><body>page not found</body></html>")
    (source / "readme.csv").write_text("not a report type", encoding="utf-8")
    return Folder(source, root / "data", root / "data" / "xxgk.duckdb")


@pytest.fixture(scope="module")
def first_exit(prefect_server: None, folder: Folder) -> int:
    return main(["run", "--source", str(folder.source), "--warehouse", str(folder.warehouse),
                 "--data", str(folder.data)])


def test_the_command_exits_0_with_bad_files_in_the_folder(first_exit: int) -> None:
    assert first_exit == 0


def test_good_files_are_loaded_with_their_status(folder: Folder, first_exit: int) -> None:
    rows = dict(query(folder.warehouse, "SELECT source, status FROM reports"))
    assert rows == {str(folder.source / name): status for name, status in GOOD.items()}
    with_cells = {s for (s,) in query(folder.warehouse, "SELECT DISTINCT r.source FROM cells JOIN reports r "
                                                        "USING (report_id)")}
    assert with_cells == set(rows)


def test_numbers_match_the_answer_key(folder: Folder, first_exit: int) -> None:
    import json

    answer = json.loads((EXAMPLES / "rouyuan-2023.answer.json").read_text(encoding="utf-8"))
    assert wrong_cells(answer, cell_values(folder.warehouse, str(folder.source / "rouyuan-2023.docx"))) == []


def test_rules_are_written_and_the_invalid_report_says_which_failed(folder: Folder, first_exit: int) -> None:
    per_report = query(folder.warehouse, "SELECT count(DISTINCT report_id) FROM check_results")
    assert per_report == [(len(GOOD),)]
    failed = query(folder.warehouse, "SELECT DISTINCT c.rule FROM check_results c JOIN reports r USING (report_id) "
                                     "WHERE c.status = 'fail' AND c.severity = 'error' AND r.status = 'invalid'")
    assert failed, "the invalid report has no failed error-severity rule"


def test_bad_files_are_quarantined_with_one_sentence_each(folder: Folder, first_exit: int) -> None:
    rows = {source: (status, reason) for source, status, reason in
            query(folder.warehouse, "SELECT source, status, reason FROM quarantine")}
    assert set(rows) == {str(folder.source / name) for name in BAD}
    for name, why in BAD.items():
        status, reason = rows[str(folder.source / name)]
        assert status == "error" and why in reason and reason.startswith(str(folder.source / name))


@pytest.fixture(scope="module")
def rerun(folder: Folder, first_exit: int) -> tuple[RunSummary, dict]:
    before = contents(folder.warehouse)
    return folder.run(), before


def test_a_rerun_is_a_no_op(folder: Folder, rerun: tuple[RunSummary, dict]) -> None:
    summary, before = rerun
    assert (summary.files, summary.loaded, summary.quarantined) == (0, 0, 0)
    assert summary.skipped_unchanged == len(GOOD) + len(BAD)
    assert contents(folder.warehouse) == before


def test_a_changed_file_replaces_that_report(folder: Folder, rerun: tuple[RunSummary, dict]) -> None:
    changed = folder.source / "binhe-2024.pdf"
    old = query(folder.warehouse, "SELECT report_id FROM reports WHERE source = ?", str(changed))
    answer = make_answer(99, agency=BINHE, year=2024, scale=30)
    render_pdf(answer, changed, PdfLayout())

    summary = folder.run()

    assert (summary.files, summary.loaded, summary.changed, summary.new) == (1, 1, [str(changed)], [])
    assert query(folder.warehouse, "SELECT count(*) FROM reports") == [(len(GOOD),)]
    assert query(folder.warehouse, "SELECT report_id FROM reports_history WHERE source = ?", str(changed)) == old
    assert wrong_cells(answer, cell_values(folder.warehouse, str(changed))) == []
    assert "## Changed reports" in summary.markdown()


@pytest.mark.parametrize(("argv", "message"), [
    (["--source", "no/such/folder"], "not a folder or an http(s) URL"),
    (["--source", "ftp://example.org/nb/"], "not a folder or an http(s) URL"),
    (["--sources", "no-such.toml"], "cannot read sources file"),
])
def test_bad_inputs_are_usage_errors_before_any_run(argv: list[str], message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", *argv]) == 2
    assert message in capsys.readouterr().out


def test_the_printed_comparison_ranks_agencies_and_marks_invalid_reports(folder: Folder, first_exit: int) -> None:
    from warehouse.reads import COMPARISON_COLUMNS, agency_comparison

    rows = [dict(zip(COMPARISON_COLUMNS, row, strict=True)) for row in agency_comparison(folder.warehouse)]
    assert [r["new_requests"] for r in rows] == sorted((r["new_requests"] for r in rows), reverse=True)
    assert {r["status"] for r in rows} == {"ok", "invalid"}
    assert all(0 <= r["grant_rate"] <= 1 for r in rows)  # rates are fractions 0–1
