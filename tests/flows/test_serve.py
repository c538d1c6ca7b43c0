"""`xxgk serve`: the nightly deployment's schedule, and a served process that really runs the flow.

Nobody waits for 02:00: the served process registers its deployment with the session's Prefect
server, the test reads the schedule back from the API and asks for one run now, which the
served process picks up and runs to completion.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.cli import build_parser, main
from flows.commands.serve import DEFAULT_CRON, DEFAULT_TIMEZONE, nightly_deployment
from tests.flows.report_site import query

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEPLOYMENT = "xxgk-run/nightly-test"
REGISTER_SECONDS = 120  # the served process imports Prefect on a busy 2-core machine


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


@pytest.fixture
def served(prefect_server: None, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    from prefect.settings import PREFECT_API_URL

    source = tmp_path / "reports"
    source.mkdir()
    shutil.copy(EXAMPLES / "dongyuan-2023.html", source)
    warehouse = tmp_path / "xxgk.duckdb"
    env = os.environ | {"PREFECT_API_URL": str(PREFECT_API_URL.value()), "PREFECT_RUNNER_POLL_FREQUENCY": "1",
                        "CI": "true"}
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", "--source", str(source), "--warehouse", str(warehouse),
         "--data", str(tmp_path / "data"), "--name", DEPLOYMENT.split("/")[1]],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process, warehouse
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_served_deployment_has_the_schedule_and_runs_the_flow(served: tuple[subprocess.Popen[bytes], Path]) -> None:
    from prefect import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    process, warehouse = served
    deployment = None
    deadline = time.monotonic() + REGISTER_SECONDS
    with get_client(sync_client=True) as client:
        while deployment is None and time.monotonic() < deadline and process.poll() is None:
            try:
                deployment = client.read_deployment_by_name(DEPLOYMENT)
            except Exception:  # not registered yet
                time.sleep(0.5)
    assert deployment is not None, f"serve did not register {DEPLOYMENT} (exit status {process.poll()})"
    (schedule,) = deployment.schedules
    assert cron_and_timezone(schedule.schedule) == (DEFAULT_CRON, DEFAULT_TIMEZONE)

    run = run_deployment(DEPLOYMENT, timeout=240, poll_interval=1)

    assert isinstance(run, FlowRun)
    assert run.state is not None and run.state.is_completed(), run.state
    assert query(warehouse, "SELECT agency, status FROM reports") == [("沙坡头区东园镇", "ok")]


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
