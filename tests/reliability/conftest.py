"""The battery runs the installed `xxgk` command in child processes against the session's Prefect API."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def cli_env(prefect_server: None) -> dict[str, str]:
    """Environment for a child `xxgk`: the session's temporary Prefect API, quiet logs."""
    from prefect.settings import PREFECT_API_URL

    return {"PREFECT_API_URL": str(PREFECT_API_URL.value()), "PREFECT_LOGGING_LEVEL": "WARNING"}
