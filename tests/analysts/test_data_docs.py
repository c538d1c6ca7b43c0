"""Data Docs of a `make run`: each failing result names its report and evidence; nothing remote."""

from __future__ import annotations

from expectations.data_docs import external_assets, latest_validation_page
from tests.analysts.conftest import SampleRun


def test_data_docs_name_reports_show_evidence_and_load_nothing_remote(sample_run: SampleRun) -> None:
    site = sample_run.data / "docs"
    assert external_assets(site) == []
    page = latest_validation_page(site)
    assert page is not None and "__none__" not in str(page) and "xxgk-batch-of-5-reports" in str(page)
    html = page.read_text(encoding="utf-8")
    assert "Data asset: None" not in html and "Data asset: reports" in html
    evidence = html[html.index('id="xxgk-evidence"'):]
    assert "淮安市洪泽区 2023" in evidence and "hongze-2023-printed-error.html" in evidence
    assert "carried_forward.total 999" in evidence
