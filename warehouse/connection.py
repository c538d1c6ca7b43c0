"""Who may open the warehouse file, and how, so that readers and the loader never block each other.

DuckDB allows one writer OR many readers per file. The loader therefore never writes the
published file in place: it copies it to a private working file, writes there, checkpoints, and
atomically renames the copy over the published path (copy-on-write snapshots). Readers open the
published path read-only; a reader that is open during a load keeps reading the snapshot it
opened (POSIX keeps the old inode alive) and sees the new data when it reconnects. Writers queue
on an advisory lock file, so two loads never race.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Files are written in the storage format of DuckDB 1.0 so every 1.x reader (the PyPI CLI lags
# the library) can open them; a newer library must not silently produce a file they cannot read.
STORAGE_COMPATIBILITY = "v1.0.0"


class WarehouseError(RuntimeError):
    """A warehouse file could not be opened or written; the message names the file and why."""


class NoWarehouse(WarehouseError):
    """The path holds no warehouse (missing, or not a DuckDB file): a usage error, exit status 2."""


_DUCKDB_MAGIC = (8, b"DUCK")  # DuckDB's file header: 8-byte checksum, then the magic bytes


def _check_is_duckdb(path: Path) -> None:
    if not path.exists():
        raise NoWarehouse(f"{path}: no warehouse file here (run `xxgk run` to create one).")
    offset, magic = _DUCKDB_MAGIC
    with open(path, "rb") as handle:
        handle.seek(offset)
        if handle.read(len(magic)) != magic:
            raise NoWarehouse(f"{path}: not a DuckDB file (give the .duckdb file `xxgk run` wrote).")


@dataclass(frozen=True)
class ReaderSettings:
    """How long a reader waits when a foreign process holds the file read-write."""

    attempts: int = 20
    wait_seconds: float = 0.25

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.wait_seconds < 0:
            raise ValueError(f"reader settings need attempts >= 1 and wait_seconds >= 0, got {self}")


def open_readonly(path: Path | str, settings: ReaderSettings = ReaderSettings()) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse; retries while a foreign writer holds it.

    Close it when done (or use it as a context manager): DuckDB caches one database instance per
    path and process, so a connection left open keeps later connects on the old snapshot.
    """
    path = Path(path)
    _check_is_duckdb(path)
    for attempt in range(settings.attempts):
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as exc:  # lock held by a read-write process outside xxgk
            if attempt + 1 == settings.attempts:
                raise WarehouseError(
                    f"{path}: could not open read-only because another process holds it ({exc})."
                ) from exc
            time.sleep(settings.wait_seconds)
    raise AssertionError("unreachable")


def open_sealed(path: Path | str, writable_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot touch any other file: for SQL a user types (`xxgk query`).

    External access is off (no ATTACH, COPY TO, EXPORT DATABASE, read_csv of other files, INSTALL
    or LOAD) and the configuration is locked so the SQL cannot switch it back on. `writable_dir`
    is the one folder COPY may write into (`xxgk export --out`).
    """
    con = open_readonly(path)
    try:
        if writable_dir is not None:
            folder = str(writable_dir.resolve()).replace("'", "''")
            con.execute(f"SET allowed_directories = ['{folder}/']")
        for setting in ("autoinstall_known_extensions", "autoload_known_extensions", "enable_external_access"):
            con.execute(f"SET {setting} = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def is_refused_access(exc: BaseException) -> bool:
    """Did DuckDB refuse the statement because the sealed connection may not touch other files?"""
    return isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in str(exc)


SEALED_HINT = ("xxgk query is read-only and sealed: it cannot attach, copy to or export other files, nor "
               "install extensions; use `xxgk export --out DIR` to write files")


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Serialise writers of one warehouse across processes (advisory lock on a sibling file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def snapshot_writer(path: Path | str) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[bool]]]:
    """A read-write connection to a private copy of the warehouse, published atomically on success.

    Yields (connection, publish): set `publish[0] = False` to discard the copy (nothing changed).
    Any exception discards the copy, so the published file never holds a half-written batch.
    """
    path = Path(path)
    with writer_lock(path):
        remove_stale_copies(path)
        work = path.with_name(f"{path.name}.writing-{os.getpid()}")
        _remove_database_files(work)
        if path.exists():
            shutil.copyfile(path, work)
        con = duckdb.connect(str(work), config={"storage_compatibility_version": STORAGE_COMPATIBILITY})
        con.execute("SET enable_progress_bar = false")
        publish = [True]
        try:
            yield con, publish
            if publish[0]:
                con.execute("CHECKPOINT")
            con.close()
            if publish[0]:
                os.replace(work, path)
                _fsync_directory(path.parent)
        finally:
            con.close()
            _remove_database_files(work)


def remove_stale_copies(path: Path) -> list[Path]:
    """Delete `.writing-PID` copies (and their WAL) left by writers that were killed; call under the lock."""
    pattern = re.compile(re.escape(path.name) + r"\.writing-(\d+)(\.wal)?")
    removed: list[Path] = []
    for leftover in path.parent.glob(f"{path.name}.writing-*"):
        match = pattern.fullmatch(leftover.name)
        if match and not _process_alive(int(match.group(1))):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def _remove_database_files(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable: a crash right after a load must not bring back the old file."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
