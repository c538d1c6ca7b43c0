"""`xxgk serve`: the nightly deployment's schedule, and a served process whose schedule really fires.

Nobody waits for 02:00: `xxgk serve --interval 20` runs in an operator's environment (no
PREFECT_API_URL), starts its own Prefect server, and the test waits until the server's scheduler
has created a run that the served process ran to Completed and that loaded the warehouse; then
SIGTERM stops serve and its server with it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from flows.cli import build_parser, main
from flows.commands.serve import DEFAULT_CRON, DEFAULT_TIMEZONE, nightly_deployment
from tests.flows.report_site import query

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEPLOYMENT = "xxgk-run/nightly-test"
INTERVAL_SECONDS = 20  # the first scheduled run is due 20 s after serve starts
START_SECONDS = 180  # serve imports Prefect and starts a server on a busy 2-core machine
RUN_SECONDS = 300  # from serve's start to a completed scheduled run
STOP_SECONDS = 60


def cron_and_timezone(schedule: object) -> tuple[str, str | None]:
    from prefect.client.schemas.schedules import CronSchedule

    assert isinstance(schedule, CronSchedule), schedule
    return schedule.cron, schedule.timezone


def test_default_schedule_is_2am_beijing_time_with_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").mkdir()
    args = build_parser().parse_args(["serve", "--source", "reports", "--warehouse", "w/x.duckdb", "--data", "d"])
    deployment = nightly_deployment(args)
    (schedule,) = deployment.schedules or []
    assert cron_and_timezone(schedule.schedule) == (DEFAULT_CRON, DEFAULT_TIMEZONE)
    assert deployment.parameters == {"source": str(tmp_path / "reports"), "sources_file": None,
                                     "warehouse": str(tmp_path / "w" / "x.duckdb"), "data_dir": str(tmp_path / "d"),
                                     "dask": None}
    assert deployment.entrypoint == "flows.pipeline.xxgk_run"


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--cron", "every night", "not a valid cron"),
    ("--timezone", "Beijing", "not an IANA timezone"),
])
def test_a_bad_schedule_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str,
                                         value: str, message: str) -> None:
    assert main(["serve", "--source", str(tmp_path), option, value]) == 2
    assert message in capsys.readouterr().out


def clean_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of an operator's shell: no API URL (not the test harness's), a private home."""
    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    return env | {"PREFECT_HOME": str(tmp_path / "prefect-home"), "CI": "true",
                  "PREFECT_RUNNER_POLL_FREQUENCY": "1"}  # pick a due run up within a second


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    log: Path
    data: Path
    warehouse: Path

    def ui_url(self) -> str:
        """The UI address serve prints once its server is healthy."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            found = re.search(r"Prefect UI: (http://127\.0\.0\.1:\d+)", self.log.read_text(errors="replace"))
            if found:
                return found.group(1)
            time.sleep(0.5)
        pytest.fail(f"serve printed no UI address (exit status {self.process.poll()}):\n{self.log.read_text()}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    source = tmp_path / "reports"
    source.mkdir()
    shutil.copy(EXAMPLES / "dongyuan-2023.html", source)
    data, warehouse, log_path = tmp_path / "data", tmp_path / "xxgk.duckdb", tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--source", str(source), "--warehouse", str(warehouse),
             "--data", str(data), "--name", DEPLOYMENT.split("/")[1], "--interval", str(INTERVAL_SECONDS),
             "--timezone", "UTC"],
            env=clean_environment(tmp_path), stdout=log, stderr=subprocess.STDOUT)
    served = Served(process, log_path, data, warehouse)
    try:
        yield served
    finally:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait()


def completed_scheduled_run(api: httpx.Client, deadline: float) -> dict[str, Any]:
    """The first flow run the scheduler created that ran to Completed, waiting for it."""
    while time.monotonic() < deadline:
        runs = api.post("/flow_runs/filter", json={
            "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}},
            "deployments": {"name": {"any_": [DEPLOYMENT.split("/")[1]]}}}).json()
        if runs:
            return dict(runs[0])
        time.sleep(1)
    pytest.fail("no scheduled flow run completed in time")


def test_the_schedule_fires_on_a_local_server_that_serve_starts_and_stops(served: Served) -> None:
    started = time.monotonic()
    ui = served.ui_url()
    server_pid = json.loads((served.data / "prefect" / "server.json").read_text())["pid"]
    with httpx.Client(base_url=f"{ui}/api", timeout=10) as api:
        run = completed_scheduled_run(api, started + RUN_SECONDS)
        deployment = api.get(f"/deployments/{run['deployment_id']}").json()
        artifacts = api.post("/artifacts/filter", json={"artifacts": {"key": {"any_": ["xxgk-run"]}}}).json()
        page = httpx.get(ui, timeout=10)

    assert run["auto_scheduled"] and run["created_by"]["type"] == "SCHEDULE", run
    assert deployment["name"] == DEPLOYMENT.split("/")[1]
    assert deployment["schedules"][0]["schedule"]["interval"] == INTERVAL_SECONDS
    assert query(served.warehouse, "SELECT agency, status FROM reports") == [("沙坡头区东园镇", "ok")]
    assert artifacts and artifacts[0]["data"].startswith("# xxgk run\n\nThe source was read")
    assert page.status_code == 200 and "<html" in page.text
    assert (served.data / "prefect" / "prefect.db").is_file()

    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=STOP_SECONDS) == 0
    assert not process_alive(server_pid), "the Prefect server outlived serve"
    assert not (served.data / "prefect" / "server.json").exists()


def test_the_server_dies_with_serve_even_when_serve_is_killed(served: Served) -> None:
    served.ui_url()
    server_pid = json.loads((served.data / "prefect" / "server.json").read_text())["pid"]
    assert process_alive(server_pid)

    served.process.kill()  # SIGKILL: serve runs no cleanup at all
    served.process.wait()

    deadline = time.monotonic() + STOP_SECONDS
    while process_alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not process_alive(server_pid), "the Prefect server outlived a killed serve"


def test_run_without_an_api_url_keeps_prefect_state_in_the_data_folder(tmp_path: Path) -> None:
    source, data = tmp_path / "reports", tmp_path / "data"
    source.mkdir()
    shutil.copy(EXAMPLES / "dongyuan-2023.html", source)
    env = clean_environment(tmp_path)

    done = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--source", str(source), "--data", str(data),
                           "--warehouse", str(data / "xxgk.duckdb")],
                          env=env, capture_output=True, text=True, timeout=START_SECONDS + RUN_SECONDS)

    assert done.returncode == 0, done.stdout + done.stderr
    assert query(data / "xxgk.duckdb", "SELECT agency FROM reports") == [("沙坡头区东园镇",)]
    database = data / "prefect" / "prefect.db"
    assert database.is_file() and not list(Path(env["PREFECT_HOME"]).glob("*.db"))
    assert not processes_using(str(database)), "the run's Prefect server outlived the run"


def process_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting for a parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def processes_using(fragment: str) -> list[int]:
    """Live processes whose environment mentions `fragment` (the local server's database URL does)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if fragment.encode() in environ.read_bytes() and process_alive(int(environ.parent.name)):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def test_prefect_yaml_deploys_the_flow_on_the_serve_schedule() -> None:
    import inspect

    import yaml

    from flows.pipeline import xxgk_run

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "prefect.yaml").read_text(encoding="utf-8"))
    (deployment,) = config["deployments"]
    path, function = deployment["entrypoint"].split(":")
    assert (Path(__file__).resolve().parents[2] / path).is_file() and function == xxgk_run.fn.__name__
    assert set(deployment["parameters"]) <= set(inspect.signature(xxgk_run.fn).parameters)
    (schedule,) = deployment["schedules"]
    assert (schedule["cron"], schedule["timezone"]) == (DEFAULT_CRON, DEFAULT_TIMEZONE)
