"""`xxgk serve`: run the flow nightly with Prefect's serve (a cron schedule in a fixed timezone).

Serve keeps one process polling the Prefect API for scheduled runs and runs each in a
subprocess. Without PREFECT_API_URL it starts a local Prefect server first (flows/prefect_server.py):
Prefect's temporary server has no scheduler, so a schedule served against it never fires.
For production on a work pool, see `prefect.yaml`.
"""

from __future__ import annotations

import argparse
import signal
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.commands.run import add_source_arguments, usage_error
from flows.settings import RunSettings, prefect_environment

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment
    from prefect.schedules import Schedule

DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"  # cron times mean Beijing time; China has no DST
DEFAULT_NAME = "nightly"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the flow on a cron schedule (default nightly at 02:00 Beijing time) with Prefect serve",
        description="Serve the xxgk-run flow as a Prefect deployment on a schedule and run each scheduled "
        "run as it comes due, one at a time; Ctrl-C or SIGTERM stops serving and pauses the schedule. Uses the "
        "Prefect server at PREFECT_API_URL; when unset, starts a local Prefect server (database in "
        "DATA/prefect/, UI on 127.0.0.1) and stops it on exit. Each run's outcome is its flow run's state: "
        "Completed, or Failed when a source failed (docs/nightly.md).",
        epilog="exit status: 0 stopped by Ctrl-C or SIGTERM, 1 the local Prefect server did not start, "
        "2 usage error (or this data folder is already being served)",
    )
    add_source_arguments(parser)
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--cron", default=DEFAULT_CRON, help=f"cron schedule (default {DEFAULT_CRON!r})")
    when.add_argument("--interval", metavar="SECONDS", type=_positive_seconds, default=None,
                      help="run every SECONDS from now instead of on a cron schedule")
    parser.add_argument("--timezone", default=DEFAULT_TIMEZONE,
                        help=f"IANA timezone the cron times are in (default {DEFAULT_TIMEZONE})")
    parser.add_argument("--name", default=DEFAULT_NAME, help=f"deployment name (default {DEFAULT_NAME})")
    parser.add_argument("--ui-port", metavar="PORT", type=int, default=None,
                        help="port of the local Prefect server and its UI (default: a free port); "
                        "ignored with PREFECT_API_URL")
    parser.set_defaults(handler=serve)


def schedule_error(args: argparse.Namespace) -> str | None:
    """Why the schedule cannot work, or None; checked before serving starts."""
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"--timezone {args.timezone!r} is not an IANA timezone such as {DEFAULT_TIMEZONE}"
    if args.ui_port is not None and not 1 <= args.ui_port <= 65535:
        return f"--ui-port {args.ui_port} is not a port number (1–65535)"
    try:
        schedule_of(args)
    except ValueError as error:
        return f"--cron {args.cron!r} is not a valid cron schedule ({error})"
    return None


def schedule_of(args: argparse.Namespace) -> Schedule:
    """The cron schedule in its timezone, or every --interval seconds counted from now."""
    from prefect.schedules import Cron, Interval

    if args.interval is not None:
        return Interval(args.interval, anchor_date=datetime.now(ZoneInfo(args.timezone)), timezone=args.timezone)
    return Cron(args.cron, timezone=args.timezone)


def _positive_seconds(text: str) -> float:
    seconds = float(text)
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return seconds


def flow_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The flow's parameters with every path made absolute: runs start in a subprocess, maybe elsewhere."""
    settings = RunSettings.from_env(warehouse=args.warehouse, data_dir=args.data)
    source = args.source
    if source is not None and not source.startswith(("http://", "https://")):
        source = str(Path(source).resolve())
    return {
        "source": source,
        "sources_file": str(Path(args.sources).resolve()) if args.sources else None,
        "warehouse": str(settings.warehouse.resolve()),
        "data_dir": str(settings.data_dir.resolve()),
        "dask": args.dask,
    }


def nightly_deployment(args: argparse.Namespace) -> RunnerDeployment:
    """The deployment `xxgk serve` serves: xxgk-run with these inputs on the cron schedule."""
    from prefect.deployments.runner import RunnerDeployment
    from prefect.types.entrypoint import EntrypointType

    from flows.pipeline import xxgk_run

    deployment = xxgk_run.to_deployment(
        name=args.name,
        schedule=schedule_of(args),
        parameters=flow_parameters(args),
        description="xxgk: crawl or read sources, extract, validate, load the warehouse.",
        tags=["xxgk"],
        entrypoint_type=EntrypointType.MODULE_PATH,  # importable wherever xxgk is installed
    )
    assert isinstance(deployment, RunnerDeployment)  # called outside an event loop: not a coroutine
    return deployment


def serve(args: argparse.Namespace) -> int:
    prefect_environment()
    problem = usage_error(args) or schedule_error(args)
    if problem:
        print(f"xxgk serve: {problem}")
        return 2
    from flows.prefect_server import (
        LocalServerSettings,
        ServerStartError,
        configured_api_url,
        prefect_api,
        serving_server,
    )

    data_dir = RunSettings.from_env(warehouse=args.warehouse, data_dir=args.data).data_dir
    settings = LocalServerSettings.for_data_dir(data_dir, args.ui_port, ui=True, scheduler=True)
    already = None if configured_api_url() else serving_server(settings.home)
    if already:
        print(f"xxgk serve: {data_dir} is already served by the Prefect server at {already}; stop that serve first")
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # until Prefect's runner takes SIGTERM over
    try:
        with prefect_api(settings, reuse_serving=False) as server:
            if server is not None:
                print(f"Prefect UI: {server.url}  (database {settings.database}, server log {server.log})",
                      flush=True)
            from prefect import serve as serve_deployments

            serve_deployments(nightly_deployment(args), limit=1)
    except ServerStartError as error:
        print(f"xxgk serve: {error}")
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
