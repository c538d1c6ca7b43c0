"""The warehouse `make run` builds: the bundled examples loaded by the real flow (`xxgk run`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass(frozen=True)
class SampleRun:
    warehouse: Path
    data: Path


@pytest.fixture(scope="session")
def sample_run(prefect_server: None, tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    root = tmp_path_factory.mktemp("make-run")
    run = SampleRun(root / "xxgk.duckdb", root / "data")
    assert main(["run", "--source", str(EXAMPLES), "--warehouse", str(run.warehouse), "--data", str(run.data)]) == 0
    return run
