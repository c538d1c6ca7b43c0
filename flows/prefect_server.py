"""A local Prefect server for xxgk: started when PREFECT_API_URL is unset, kept under DATA/prefect/, never orphaned.

Prefect's own temporary server runs no scheduler (a served cron schedule never fires), keeps its
database in ~/.prefect/prefect.db and outlives a killed parent. This one is a real
`prefect server start` on 127.0.0.1 with its database in DATA/prefect/prefect.db (old runs are
vacuumed), in its own process group so one signal stops all of it, and with a parent-death
signal so it also ends when xxgk is killed with SIGKILL.

`python -m flows.prefect_server PARENT_PID COMMAND…` is the small launcher that arms that signal
and then becomes the server (exec), so no code runs between fork and exec in the parent.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
SERVER_FILE = "server.json"  # written while a scheduling server serves this data folder
LOG_FILE = "server.log"
DATABASE_FILE = "prefect.db"
# Either name sets the database; when the user set one, their database wins over DATA/prefect/.
DATABASE_URL_VARIABLES = ("PREFECT_SERVER_DATABASE_CONNECTION_URL", "PREFECT_API_DATABASE_CONNECTION_URL")
# Flow runs (and their logs, artifacts) older than the retention period (Prefect's default 90
# days, PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD) are deleted: the database stays bounded.
VACUUM = {"PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED": "events,flow_runs"}
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ServerStartError(RuntimeError):
    """The local Prefect server did not become healthy; the message says why and where its log is."""


@dataclass(frozen=True)
class LocalServerSettings:
    """How xxgk starts its local Prefect server."""

    home: Path  # DATA/prefect: database, server log, Prefect's home for the server
    port: int | None = None  # None: a free port
    ui: bool = True
    scheduler: bool = True
    startup_timeout_seconds: float = 180.0  # 8–9 s on a quiet machine, far more on a loaded 2-core one
    stop_timeout_seconds: float = 20.0

    def __post_init__(self) -> None:
        if self.port is not None and not 1 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is not between 1 and 65535")
        if self.startup_timeout_seconds <= 0 or self.stop_timeout_seconds <= 0:
            raise ValueError("the server's start and stop timeouts must be positive")

    @classmethod
    def for_data_dir(cls, data_dir: Path, port: int | None = None, *, ui: bool, scheduler: bool
                     ) -> LocalServerSettings:
        return cls(home=(data_dir / "prefect").resolve(), port=port, ui=ui, scheduler=scheduler)

    @property
    def database(self) -> Path:
        return self.home / DATABASE_FILE

    def environment(self, port: int) -> dict[str, str]:
        """The server's environment: the user's, minus any API URL, plus where and how to serve."""
        env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
        env.setdefault("PREFECT_HOME", str(self.home))
        if not any(env.get(name) for name in DATABASE_URL_VARIABLES):
            env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = f"sqlite+aiosqlite:///{self.database}"
        for name, value in VACUUM.items():
            env.setdefault(name, value)
        return env | {
            "PREFECT_SERVER_API_HOST": LOOPBACK,
            "PREFECT_SERVER_API_PORT": str(port),
            "PREFECT_SERVER_UI_ENABLED": str(self.ui).lower(),
            "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": str(self.scheduler).lower(),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }


@dataclass
class LocalServer:
    """A running `prefect server start` this process owns."""

    process: subprocess.Popen[bytes]
    port: int
    settings: LocalServerSettings

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    @property
    def log(self) -> Path:
        return self.settings.home / LOG_FILE

    def stop(self) -> None:
        """SIGTERM to the server's process group, SIGKILL if it lingers; nothing is left behind."""
        if self.settings.scheduler:
            (self.settings.home / SERVER_FILE).unlink(missing_ok=True)
        if self.process.poll() is not None:
            return
        _signal_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=self.settings.stop_timeout_seconds)
        except subprocess.TimeoutExpired:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait()


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment, a Prefect profile or a test harness; None when unset."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def serving_server(home: Path) -> str | None:
    """The API URL of a healthy scheduling server (an `xxgk serve`) for this data folder, or None."""
    try:
        record = json.loads((home / SERVER_FILE).read_text(encoding="utf-8"))
        os.kill(int(record["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    url = str(record.get("api_url", ""))
    return url if _healthy(url) else None


def start_server(settings: LocalServerSettings) -> LocalServer:
    """Start the server and wait until /api/health answers; raises ServerStartError if it does not."""
    settings.home.mkdir(parents=True, exist_ok=True)
    port = settings.port or free_port()
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", LOOPBACK, "--port", str(port)]
    with (settings.home / LOG_FILE).open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "flows.prefect_server", str(os.getpid()), *command],
                                   env=settings.environment(port), stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = LocalServer(process, port, settings)
    try:
        _wait_until_healthy(server)
    except BaseException:
        server.stop()
        raise
    if settings.scheduler:
        record = {"pid": process.pid, "api_url": server.api_url, "ui_url": server.url}
        (settings.home / SERVER_FILE).write_text(json.dumps(record), encoding="utf-8")
    return server


@contextmanager
def prefect_api(settings: LocalServerSettings, *, reuse_serving: bool) -> Iterator[LocalServer | None]:
    """Flows in this block report to PREFECT_API_URL when set, else to a local server (yielded).

    With `reuse_serving`, a running `xxgk serve` server for the same data folder is used instead
    of a second server on the same SQLite file.
    """
    if configured_api_url():
        yield None
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    serving = serving_server(settings.home) if reuse_serving else None
    if serving:
        with temporary_settings(updates={PREFECT_API_URL: serving}):
            yield None
        return
    server = start_server(settings)
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            try:
                yield server
            finally:
                _send_queued_logs()
    finally:
        server.stop()


def _send_queued_logs() -> None:
    """Flow logs queue in a background worker: send them while the server is still up, or
    Prefect reports "Error logging to API" at exit, after the server has stopped."""
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(server: LocalServer) -> None:
    deadline = time.monotonic() + server.settings.startup_timeout_seconds
    while time.monotonic() < deadline:
        status = server.process.poll()
        if status is not None:
            raise ServerStartError(f"the Prefect server exited with status {status} before it was ready; "
                                   f"its log: {server.log}\n{_tail(server.log)}")
        if _healthy(server.api_url):
            return
        time.sleep(0.25)
    raise ServerStartError(f"the Prefect server at {server.url} was not ready after "
                           f"{server.settings.startup_timeout_seconds:.0f} s; its log: {server.log}")


def _healthy(api_url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{api_url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _signal_group(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pid, signum)  # the launcher started a new session: its group id is its pid


def _die_with_parent(parent_pid: int) -> None:
    """Linux: ask the kernel for SIGTERM when the parent dies; if it already has, leave now."""
    if sys.platform == "linux":
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        sys.exit(0)


if __name__ == "__main__":
    _die_with_parent(int(sys.argv[1]))
    os.execv(sys.argv[2], sys.argv[2:])  # the death signal survives exec
