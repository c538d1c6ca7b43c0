"""What the read-only commands share: the terminal's width and one way to report an unopenable warehouse."""

from __future__ import annotations

import shutil
import sys

NARROW_COLUMNS = 120  # below this a wide table becomes unreadable: commands switch to blocks


def terminal_width(default: int = 120) -> int:
    """Columns of the terminal (`$COLUMNS` wins); `default` when output is not a terminal."""
    return shutil.get_terminal_size((default, 24)).columns


def warehouse_error(command: str, exc: Exception) -> int:
    """Print why the warehouse could not be read; 2 when there is none (a usage error), else 1."""
    from warehouse.connection import NoWarehouse

    print(f"xxgk {command}: {exc}".splitlines()[0], file=sys.stderr)
    return 2 if isinstance(exc, NoWarehouse) else 1
