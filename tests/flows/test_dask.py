"""`dask="local"`: crawl and extraction on a 2-worker LocalCluster give the sequential run's warehouse."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from flows.pipeline import xxgk_run
from tests.crawl.conftest import fast_settings
from tests.crawl.site import FixtureSite
from tests.flows.report_site import TABLES, contents, query, rendered_site, sources_toml

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_dask_run_builds_the_same_warehouse_as_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_DASK_WORKERS", "2")
    rendered = rendered_site(tmp_path)
    # Both runs must see the same site: no timeouts (workers booting load the machine), so the
    # "slow" page answers at once and the read timeout is generous.
    settings = replace(fast_settings(), read_timeout_seconds=10.0)
    with FixtureSite(rendered.content, slow_seconds=0) as site:
        sources = sources_toml(tmp_path / "sources.toml", ("agency-a", site.url("/a/xxgknb/index.html")),
                               ("agency-b", site.url("/b/ndbg/index.html")))
        warehouses = {}
        for mode in ("threads", "dask"):
            data = tmp_path / mode
            summary = xxgk_run(sources_file=str(sources), warehouse=str(data / "xxgk.duckdb"), data_dir=str(data),
                               dask="local" if mode == "dask" else None, crawl_settings=settings)
            assert summary.loaded == len(rendered.answers), mode
            warehouses[mode] = data / "xxgk.duckdb"

    threads, dask = contents(warehouses["threads"]), contents(warehouses["dask"])
    assert all(threads[table] for table in ("reports", "cells", "check_results")), "nothing to compare"
    for table in TABLES:
        assert dask[table] == threads[table], f"{table} differs between the Dask and the threaded run"
    archived = [query(w, "SELECT count(*) FROM documents WHERE archive_path IS NOT NULL") for w in warehouses.values()]
    assert archived == [[(len(rendered.answers),)]] * 2
