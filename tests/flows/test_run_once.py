"""A flow run validates each report once and copies the warehouse once (issue 12).

Real runs of the real flow (ephemeral Prefect API, threads) into a real DuckDB file; the spies
only count and delegate. The second run adds a report to a warehouse that already exists, so
the one copy of the published file is visible, and the cross-report rules (Y-1 between the
two 滨河 years) must land in that same copy.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import expectations.runner
import expectations.validate
import warehouse.connection
import warehouse.loader
from flows.pipeline import xxgk_run
from tests.flows.report_site import query

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Spies:
    """How often each report went through a validation, and how often the warehouse was written."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.validated: Counter[str] = Counter()
        self.pure_checks = 0
        self.writers = 0
        self.copies = 0
        validate_frame = expectations.runner.validate_frame
        snapshot_writer = warehouse.connection.snapshot_writer
        copyfile = shutil.copyfile

        def counting_validate(frame: pd.DataFrame) -> pd.DataFrame:
            self.validated.update(frame["report_id"].astype(str))
            return validate_frame(frame)

        def counting_pure(*args: Any, **kwargs: Any) -> Any:
            self.pure_checks += 1
            raise AssertionError("a flow run must not evaluate the rules outside the GE batch")

        @contextmanager
        def counting_writer(path: Path | str) -> Iterator[Any]:
            self.writers += 1
            with snapshot_writer(path) as opened:
                yield opened

        def counting_copy(src: Any, dst: Any, **kwargs: Any) -> Any:
            if ".writing-" in str(dst):
                self.copies += 1
            return copyfile(src, dst, **kwargs)

        monkeypatch.setattr(expectations.runner, "validate_frame", counting_validate)
        monkeypatch.setattr(expectations.validate, "evaluate_report", counting_pure)
        monkeypatch.setattr(warehouse.loader, "snapshot_writer", counting_writer)
        monkeypatch.setattr(warehouse.connection.shutil, "copyfile", counting_copy)


def test_each_report_is_validated_once_and_the_warehouse_copied_once(
        prefect_server: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, wh = tmp_path / "reports", tmp_path / "data" / "xxgk.duckdb"
    source.mkdir()
    shutil.copy(EXAMPLES / "binhe-2023.pdf", source)
    shutil.copy(EXAMPLES / "hongze-2023-printed-error.html", source)
    xxgk_run(source=str(source), warehouse=str(wh), data_dir=str(tmp_path / "data"))

    spies = Spies(monkeypatch)
    shutil.copy(EXAMPLES / "binhe-2024.pdf", source)
    summary = xxgk_run(source=str(source), warehouse=str(wh), data_dir=str(tmp_path / "data"))

    (new_id,) = [rid for (rid,) in query(wh, "SELECT report_id FROM reports WHERE source LIKE '%binhe-2024.pdf'")]
    assert summary.loaded == 1
    assert spies.validated == Counter({new_id: 1})  # only the new report, once
    assert spies.pure_checks == 0
    assert (spies.writers, spies.copies) == (1, 1)
    # The run's checks are GE's, written once per (report, rule); Y-1 came with the same commit.
    rules = [rule for (rule,) in query(wh, f"SELECT rule FROM check_results WHERE report_id = '{new_id}'")]
    assert len(rules) == len(set(rules)) and "T3-1" in rules
    assert {"Y-1", "Y-2", "Y-3"} <= set(rules)
