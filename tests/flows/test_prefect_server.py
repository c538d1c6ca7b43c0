"""The local Prefect server's settings: where its state lives, whose settings win, when none is started."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.prefect_server import SERVER_FILE, LocalServerSettings, prefect_api, serving_server


def test_the_database_lives_in_the_data_folder_unless_the_user_chose_one(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    settings = LocalServerSettings.for_data_dir(tmp_path / "data", ui=True, scheduler=True)
    monkeypatch.delenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    monkeypatch.setenv("PREFECT_API_URL", "http://elsewhere:4200/api")

    env = settings.environment(4321)

    database = tmp_path.resolve() / "data" / "prefect" / "prefect.db"
    assert env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] == f"sqlite+aiosqlite:///{database}"
    assert (env["PREFECT_SERVER_API_HOST"], env["PREFECT_SERVER_API_PORT"]) == ("127.0.0.1", "4321")
    assert env["PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED"] == "true" and "PREFECT_API_URL" not in env
    assert "flow_runs" in env["PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED"]  # old runs are deleted

    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://db/prefect")
    assert "PREFECT_SERVER_DATABASE_CONNECTION_URL" not in settings.environment(4321)


@pytest.mark.parametrize("port", [0, 70000])
def test_a_port_out_of_range_is_refused(tmp_path: Path, port: int) -> None:
    with pytest.raises(ValueError, match="not between 1 and 65535"):
        LocalServerSettings(home=tmp_path, port=port)


def test_with_an_api_url_no_server_is_started(prefect_server: None, tmp_path: Path) -> None:
    settings = LocalServerSettings.for_data_dir(tmp_path, ui=False, scheduler=False)
    with prefect_api(settings, reuse_serving=True) as server:
        assert server is None
    assert not settings.home.exists()


def test_a_server_file_left_by_a_dead_serve_is_not_reused(tmp_path: Path) -> None:
    (tmp_path / SERVER_FILE).write_text(json.dumps({"pid": 2**22 + 1, "api_url": "http://127.0.0.1:9/api"}))
    assert serving_server(tmp_path) is None
