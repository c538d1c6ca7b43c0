"""Run configuration from the environment (XXGK_WAREHOUSE, XXGK_DATA) with sensible defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Prefect's temporary local server can take 20–30 s to start on a loaded 2-core machine, and
# its default 20 s timeout failed there (measured while building xxgk); nothing here may phone home.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}


def prefect_environment() -> None:
    """Set Prefect's defaults before Prefect is imported; values the user set win."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def default_data_dir() -> Path:
    return Path(os.environ.get("XXGK_DATA", "data"))


def default_warehouse() -> Path:
    return Path(os.environ.get("XXGK_WAREHOUSE", str(default_data_dir() / "xxgk.duckdb")))


@dataclass(frozen=True)
class RunSettings:
    """Where a run writes: the warehouse file and the data folder (raw archive, Data Docs)."""

    warehouse: Path
    data_dir: Path

    def __post_init__(self) -> None:
        if self.warehouse.suffix.lower() not in (".duckdb", ".db"):
            raise ValueError(f"{self.warehouse}: the warehouse must be a .duckdb file")

    @classmethod
    def from_env(cls, warehouse: str | None = None, data_dir: str | None = None) -> RunSettings:
        data = Path(data_dir) if data_dir else default_data_dir()
        return cls(warehouse=Path(warehouse) if warehouse else default_warehouse(), data_dir=data)
