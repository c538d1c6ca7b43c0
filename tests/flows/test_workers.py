"""The extraction pool: every core, one file per worker process, a file over budget is an `error` row.

Hostile files are small stand-ins with the limits lowered to match: a DOCX that passes the readers'
own bounds but needs far more than a 300 MB memory cap, and a normal PDF under a time limit it cannot meet.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from flows.cli import main
from flows.extract_pool import ExtractionPool, ExtractJob, IsolationSettings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOOD = EXAMPLES / "binhe-2023.pdf"


@pytest.fixture(scope="module")
def docx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DOCX of a few hundred KB whose document.xml inflates to ~90 MB: under the reader's unpacked-size
    limit, so only the worker's memory cap can stop it (python-docx holds several bytes per byte)."""
    path = tmp_path_factory.mktemp("bomb") / "docx-bomb.docx"
    paragraph = "<w:p><w:r><w:t>三、收到和处理政府信息公开申请情况</w:t></w:r></w:p>"
    with zipfile.ZipFile(EXAMPLES / "rouyuan-2023.docx") as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                head, tail = data.decode("utf-8").rsplit("</w:body>", 1)
                data = (head + paragraph * (90_000_000 // len(paragraph.encode())) + "</w:body>" + tail).encode()
            bomb.writestr(item, data)
    return path


def test_settings_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="memory_mb"):
        IsolationSettings(memory_mb=10)
    with pytest.raises(ValueError, match="timeout_s"):
        IsolationSettings(timeout_s=0)
    assert IsolationSettings(workers=0).processes >= 1


def test_a_memory_bomb_is_an_error_report_and_the_batch_goes_on(docx_bomb: Path) -> None:
    pool = ExtractionPool(IsolationSettings(workers=1, memory_mb=300, timeout_s=120))
    try:
        bomb, good = list(pool.map([ExtractJob.of_path(docx_bomb), ExtractJob.of_path(GOOD)]))
    finally:
        pool.close()
    assert bomb.status == "error"
    assert len(bomb.sha256) == 64  # its own identity, not a shared empty one
    assert "300 MB" in bomb.errors[0] and str(docx_bomb) in bomb.errors[0]
    assert good.status == "ok" and good.extractor == "pdfium"  # the replacement worker read it


def test_a_worker_at_its_file_quota_is_replaced_and_no_queued_file_is_lost() -> None:
    """Two files are in flight per worker (the second waits in its pipe): retiring a worker after
    its quota must neither drop nor reorder the files queued behind."""
    pool = ExtractionPool(IsolationSettings(workers=1, files_per_worker=2))
    paths = [EXAMPLES / name for name in ("binhe-2023.pdf", "truncated-download.pdf", "binhe-2024.pdf",
                                          "rouyuan-2023.docx", "binhe-2023.pdf")]
    try:
        reports = list(pool.map(ExtractJob.of_path(path) for path in paths))
        started = pool.usage().files
    finally:
        pool.close()
    assert [r.source for r in reports] == [str(p) for p in paths]
    assert [r.status for r in reports] == ["ok", "error", "ok", "ok", "ok"]
    assert started == len(paths)


def test_a_file_over_time_is_stopped_and_its_worker_replaced() -> None:
    pool = ExtractionPool(IsolationSettings(workers=1, timeout_s=0.01))
    try:
        slow = pool.extract(ExtractJob.of_path(GOOD))
    finally:
        pool.close()
    assert slow.status == "error" and "took over 0.01 s" in slow.errors[0]


def test_extract_cli_with_two_workers_keeps_input_order(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(EXAMPLES / name) for name in ("binhe-2024.pdf", "truncated-download.pdf", "binhe-2023.pdf")]
    assert main(["extract", *paths, "--json", "--workers", "2"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [r["source"] for r in records] == paths
    assert [r["status"] for r in records] == ["ok", "error", "ok"]
    assert records[0]["extractor"] == "pdfium" and records[0]["extractor_version"]


def test_workers_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", str(GOOD), "--workers", "0"])
    assert exit_info.value.code == 2
    assert "--workers" in capsys.readouterr().err


def test_the_pool_measures_its_extraction_window_and_the_workers_cpu() -> None:
    """`xxgk run` logs this line; bench/throughput.py reads the cores used during extraction from it."""
    pool = ExtractionPool(IsolationSettings(workers=2))
    try:
        assert pool.usage().files == 0 and pool.usage().cores_busy == 0.0
        reports = list(pool.map([ExtractJob.of_path(GOOD)] * 4))
        usage = pool.usage()
    finally:
        pool.close()
    assert [r.status for r in reports] == ["ok"] * 4
    assert usage.files == 4 and usage.processes == 2
    assert usage.wall_s > 0 and 0 < usage.worker_cpu_s <= 2 * usage.wall_s + 0.5
    assert 0 < usage.occupied <= 1.05
    assert pool.usage().worker_cpu_s >= usage.worker_cpu_s  # stopped workers still count
    assert "4 file(s)" in usage.line() and "cores busy in the workers" in usage.line()


def test_a_warmed_up_pool_has_its_workers_before_the_first_file() -> None:
    pool = ExtractionPool(IsolationSettings(workers=2))
    try:
        pool.warm_up()
        assert pool._warming is not None
        pool._warming.join(timeout=60)
        assert len(pool._all) == 2 and all(w.process.is_alive() for w in pool._all)
        assert pool.extract(ExtractJob.of_path(GOOD)).status == "ok"
        assert len(pool._all) == 2  # the file went to a warmed worker, none was added
    finally:
        pool.close()
    assert not pool._all
