"""`xxgk checks --cells` follows each failure to the printed cells, with raw text and location."""

from __future__ import annotations

import pytest

from flows.cli import main
from tests.analysts.conftest import SampleRun


def test_checks_cells_lists_the_suspect_cells(sample_run: SampleRun, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["checks", "--cells", "--warehouse", str(sample_run.warehouse)]) == 0
    out = capsys.readouterr().out
    t31 = out[out.index("T3-1 fail (error) · 淮安市洪泽区 2023"):]
    t31 = t31[:t31.index("\n\n")]
    assert "  · 3.carried_forward.total = 999 (raw '999'), table 1 row 27 col 9" in t31
    assert "  · 3.new_requests.total = 70 (raw '70'), table 1 row 3 col 9" in t31
    y1 = out[out.index("Y-1 fail (error) · 沙坡头区滨河镇 2024"):]
    assert "  · 3.carried_over.total = 1 (raw '1'), page 2 bbox [" in y1
    assert "xxgk show REPORT KEY --png" in out
