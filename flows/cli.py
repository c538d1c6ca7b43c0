"""The `xxgk` command line: thin argument parsing; every command lives in flows/commands/.

Each module there exposes `register(subparsers)`. Modules import Prefect, Great Expectations
and DuckDB inside their handlers only, so `xxgk --help` and `xxgk extract` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from importlib import metadata

import flows.commands

EXIT_READER_GONE = 141  # 128 + SIGPIPE: what a C tool's shell status is when `| head` stops reading


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xxgk",
        description="Government information-disclosure annual reports (政府信息公开工作年度报告) → DuckDB.",
    )
    parser.add_argument("--version", action="version", version=f"xxgk {metadata.version('xxgk')}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(flows.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"flows.commands.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except BrokenPipeError:
        # `xxgk query … | head` and a quit `less` close the pipe early: stop quietly, no traceback,
        # and keep Python from failing again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_READER_GONE
    return status


if __name__ == "__main__":
    sys.exit(main())
