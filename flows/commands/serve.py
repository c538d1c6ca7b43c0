"""`xxgk serve`: run the flow nightly with Prefect's serve (a cron schedule in a fixed timezone).

Serve keeps one process polling the Prefect API for scheduled runs and runs each in a
subprocess; for production on a work pool, see `prefect.yaml`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.commands.run import add_source_arguments, usage_error
from flows.settings import RunSettings, prefect_environment

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"  # cron times mean Beijing time; China has no DST
DEFAULT_NAME = "nightly"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the flow on a cron schedule (default nightly at 02:00 Beijing time) with Prefect serve",
        description="Serve the xxgk-run flow as a Prefect deployment on a cron schedule and run each scheduled "
        "run as it comes due; Ctrl-C stops serving and pauses the schedule. Uses the Prefect server at "
        "PREFECT_API_URL (a temporary local one when unset).",
    )
    add_source_arguments(parser)
    parser.add_argument("--cron", default=DEFAULT_CRON, help=f"cron schedule (default {DEFAULT_CRON!r})")
    parser.add_argument("--timezone", default=DEFAULT_TIMEZONE,
                        help=f"IANA timezone the cron times are in (default {DEFAULT_TIMEZONE})")
    parser.add_argument("--name", default=DEFAULT_NAME, help=f"deployment name (default {DEFAULT_NAME})")
    parser.set_defaults(handler=serve)


def schedule_error(args: argparse.Namespace) -> str | None:
    """Why the schedule cannot work, or None; checked before serving starts."""
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"--timezone {args.timezone!r} is not an IANA timezone such as {DEFAULT_TIMEZONE}"
    from prefect.schedules import Cron

    try:
        Cron(args.cron, timezone=args.timezone)
    except ValueError as error:
        return f"--cron {args.cron!r} is not a valid cron schedule ({error})"
    return None


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
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    from flows.pipeline import xxgk_run

    deployment = xxgk_run.to_deployment(
        name=args.name,
        schedule=Cron(args.cron, timezone=args.timezone),
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
    from prefect import serve as serve_deployments

    serve_deployments(nightly_deployment(args))
    return 0
