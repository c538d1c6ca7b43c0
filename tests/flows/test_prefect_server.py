"""The local Prefect server's settings: where its state lives, whose settings win, when none is started."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.prefect_server import SERVER_FILE, LocalServerSettings, prefect_api, serving_server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


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


def test_a_run_on_its_own_server_logs_everything_and_leaves_no_server_behind(tmp_path: Path) -> None:
    """The operator's plain `xxgk run`: a local server for the run, its logs sent before it stops."""
    folder, data = tmp_path / "reports", tmp_path / "data"
    folder.mkdir()
    shutil.copy(EXAMPLES / "hongze-2023-printed-error.html", folder)
    (folder / "empty.pdf").write_bytes(b"")  # quarantined: the flow logs a warning at its very end
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_URL")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")

    done = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--source", str(folder), "--data", str(data),
                           "--warehouse", str(data / "xxgk.duckdb")], env=env, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)

    assert done.returncode == 0, done.stderr
    assert "Error logging to API" not in done.stderr + done.stdout
    assert (data / "prefect" / "prefect.db").is_file()
    leftovers = subprocess.run(["pgrep", "-f", str(data / "prefect")], capture_output=True, text=True).stdout
    assert leftovers == ""
