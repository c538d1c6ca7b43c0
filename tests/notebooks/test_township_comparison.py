"""The analyst notebook runs top to bottom against a small warehouse built by the loader."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.warehouse.builders import make_report, section3, township
from warehouse.loader import load_batch

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "township_comparison.ipynb"


@pytest.fixture
def sample_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "xxgk.duckdb"
    reports = [
        make_report(township(name), year, section3(new_requests=n, carried_over=c, granted=g, denied_process_info=d,
                                                     outcome_total=g + d, carried_forward=n + c - g - d))
        for year, rows in ((2022, [("文昌镇", 5, 0, 3, 1, 0), ("滨河镇", 9, 0, 8, 0, 0)]),
                           (2023, [("文昌镇", 7, 1, 4, 2, 0), ("滨河镇", 12, 1, 10, 1, 0), ("东园镇", 3, 0, 3, 0, 0)]))
        for name, n, c, g, d, _ in rows
    ]
    reports.append(make_report(township("东园镇"), 2022, section3(new_requests=4, granted=9, outcome_total=4),
                               status="invalid", failed=("T3-2",)))
    load_batch(path, reports, None)
    monkeypatch.setenv("XXGK_WAREHOUSE", str(path))
    monkeypatch.delenv("XXGK_COUNTY", raising=False)
    return path


def test_notebook_runs_and_renders_chinese_labels(sample_warehouse: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "missing from font" not in text and "Glyph" not in text, text
    # the warehouse is printed relative to the notebook's folder, wherever the checkout lives
    printed = [line for line in text.splitlines() if line.endswith("xxgk.duckdb")]
    assert [(NOTEBOOK.parent / line).resolve() for line in printed] == [sample_warehouse.resolve()]
    assert "宁夏回族自治区中卫市沙坡头区 2023" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
    tables = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("滨河镇" in t and "县内收件排名" in t for t in tables)
    assert any("T3-2" in t for t in tables)  # the invalid report is listed, not silently dropped


def test_committed_notebook_has_a_year_parameter_and_its_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    parameters = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1 and "year = None" in parameters[0].source
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2  # charts visible on GitHub


def test_notebook_year_parameter_picks_the_year(sample_warehouse: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    parameters.source += "\nyear = 2022"
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    text = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if o.output_type == "stream")
    assert "宁夏回族自治区中卫市沙坡头区 2022" in text
