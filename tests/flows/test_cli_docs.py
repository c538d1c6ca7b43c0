"""Every CLI command is documented (sqlite-utils' rule), and --help stays cheap.

A command counts as documented when a markdown heading names it (`### `xxgk NAME ...``) in the
README or in one of the docs/*.md pages the README links to.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from flows.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def command_names() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def documentation_pages() -> list[Path]:
    """The README and every docs/*.md page it links to."""
    readme = README.read_text(encoding="utf-8")
    linked = {ROOT / "docs" / name for name in re.findall(r"\]\(docs/([\w.-]+\.md)", readme)}
    return [README, *sorted(p for p in linked if p.exists())]


def documented_commands() -> set[str]:
    heading = re.compile(r"^#+ .*`xxgk ([a-z][\w-]*)", re.M)
    return {name for page in documentation_pages() for name in heading.findall(page.read_text(encoding="utf-8"))}


def test_every_command_has_a_documented_section() -> None:
    assert sorted(set(command_names()) - documented_commands()) == []


def test_help_and_extract_do_not_import_prefect_or_great_expectations() -> None:
    probe = (
        "import sys; from flows.cli import build_parser; build_parser(); "
        "import flows.commands.extract, extractors.extract; "
        "print(sorted(m for m in ('prefect', 'great_expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
