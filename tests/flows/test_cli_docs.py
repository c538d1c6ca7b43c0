"""Every CLI command is documented in the README (sqlite-utils' rule), and --help stays cheap."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from flows.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def command_names() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_every_command_has_a_readme_section() -> None:
    readme = README.read_text(encoding="utf-8")
    undocumented = [name for name in command_names() if f"### `xxgk {name}" not in readme]
    assert undocumented == []


def test_help_and_extract_do_not_import_prefect_or_great_expectations() -> None:
    probe = (
        "import sys; from flows.cli import build_parser; build_parser(); "
        "import flows.commands.extract, extractors.extract; "
        "print(sorted(m for m in ('prefect', 'great_expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
