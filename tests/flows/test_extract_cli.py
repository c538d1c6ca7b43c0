"""`xxgk extract` as docs/contract.md §1 promises: JSON Lines in input order, honest statuses, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.cli import main


def run_extract(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict]]:
    status = main(["extract", *args, "--json"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    return status, [json.loads(line) for line in lines]


@pytest.fixture
def bad_inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n")
    (folder / "error-page.pdf").write_bytes(b"<html><body><h1>404 Not Found</h1></body></html>")
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    (folder / "notice.html").write_text(
        "<html><head><meta charset='utf-8'><title>关于开展安全生产检查的通知</title></head>"
        "<body><p>各单位：请于本月底前完成安全生产检查。</p></body></html>", encoding="utf-8")
    return folder


def test_every_file_gets_one_line_with_a_status_and_a_reason(capsys: pytest.CaptureFixture[str],
                                                             bad_inputs: Path) -> None:
    status, records = run_extract(capsys, str(bad_inputs))
    assert status == 0
    by_name = {Path(r["source"]).name: r for r in records}
    assert sorted(by_name) == sorted(p.name for p in bad_inputs.iterdir())
    expected = {"empty.pdf": "error", "truncated.pdf": "error", "error-page.pdf": "error",
                "legacy.doc": "unsupported", "notice.html": "unsupported"}
    assert {name: r["status"] for name, r in by_name.items()} == expected
    for name, record in by_name.items():
        assert len(record["errors"]) == 1 and name in record["errors"][0]
        assert record["section3"] is None


def test_output_follows_input_order_and_contract_keys(capsys: pytest.CaptureFixture[str], shared_corpus: Path,
                                                      bad_inputs: Path) -> None:
    seed = shared_corpus / "seed" / "wenchang-2023.md"
    status, records = run_extract(capsys, str(bad_inputs / "empty.pdf"), str(seed))
    assert status == 0
    assert [Path(r["source"]).name for r in records] == ["empty.pdf", "wenchang-2023.md"]
    report = records[1]
    assert report["status"] == "ok" and len(report["sha256"]) == 64
    assert len(report["section3"]) >= 25 and all(len(cols) == 7 for cols in report["section3"].values())
    assert {c["rule"] for c in report["checks"]} >= {"T3-1", "T3-2", "T3-3", "T4-1"}


def test_provenance_names_where_each_value_came_from(capsys: pytest.CaptureFixture[str], shared_corpus: Path) -> None:
    seed = shared_corpus / "seed" / "wenchang-2023.md"
    main(["extract", str(seed), "--json", "--provenance"])
    record = json.loads(capsys.readouterr().out)
    located = [c for c in record["cells"] if c["value"] is not None]
    assert len(located) == 200
    assert all({"file", "table", "row", "col"} <= set(c["provenance"]) for c in located)


def test_a_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["extract", str(tmp_path / "nope.pdf"), "--json"]) == 2
    assert "no such file" in capsys.readouterr().err
