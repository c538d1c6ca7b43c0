"""A report file on disk as the pipeline sees it: a lossless, printable name and an identity.

Names: files unzipped from Chinese archives often carry GBK bytes that are not UTF-8; Python
hands them over as surrogate-escaped str, which no encoder (Great Expectations' JSON, DuckDB)
accepts. `source_name` keeps every byte (undecodable ones as `\\xNN`) in a printable string.

Identity: a file's sha256 decides whether the warehouse has seen it. A file that cannot be read
still needs an identity of its own, or every such file would share one and only the first would
ever be recorded; it gets a hash of its path, size and modification time instead.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20

# The reason an error report gives when reading ran out of memory; the extraction pool recognises it
# and names its own memory limit instead (a MemoryError is the limit's doing, not the file's form).
OUT_OF_MEMORY = "reading it ran out of memory"


def source_name(path: Path | str) -> str:
    """The path as text any encoder accepts: bytes that are not UTF-8 become `\\xNN` (lossless)."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate that no file system produced: keep it visible
        raw = str(path).encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def readable_name(path: Path | str) -> str:
    """The path for people: a non-UTF-8 name read as GB18030 when that decodes, else `source_name`."""
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            pass
    return source_name(path)


def name_note(path: Path | str) -> str:
    """` (name read as GB18030: …)` for a non-UTF-8 name, else "": what error messages append."""
    readable = readable_name(path)
    return "" if readable == source_name(path) else f" (name read as GB18030: {readable})"


@dataclass(frozen=True)
class FileIdentity:
    """What the warehouse keys a file by; `problem` says why its bytes could not be used."""

    sha256: str
    problem: str | None = None


def stand_in_identity(path: Path | str, stat: os.stat_result | None) -> str:
    """The identity of a file whose bytes cannot be hashed: its name, size and mtime (or only its name)."""
    parts = [source_name(path)] + ([str(stat.st_size), str(stat.st_mtime_ns)] if stat else ["missing"])
    return hashlib.sha256("\0".join(["unreadable", *parts]).encode()).hexdigest()


def unreadable_reason(exc: OSError) -> str:
    """Why reading failed, in words: gone since it was listed, or refused (permissions, I/O)."""
    if isinstance(exc, FileNotFoundError):
        return "the file vanished before it could be read"
    return f"cannot read the file ({exc.strerror or exc})"


def size_problem(size: int, max_bytes: int) -> str | None:
    """The reason a file's size rules out reading it (empty, or too big), or None.

    Empty files get a stand-in identity too: all of them hash alike, so by content only the first
    empty file would ever be recorded.
    """
    if size == 0:
        return "the file is empty"
    if size <= max_bytes:
        return None
    return f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit"


def identify_file(path: Path | str, max_bytes: int) -> FileIdentity:
    """sha256 of the bytes, read in chunks (never the whole file in memory); a stand-in when unreadable."""
    try:
        stat = os.stat(path)
    except OSError as exc:
        return FileIdentity(stand_in_identity(path, None), unreadable_reason(exc))
    problem = size_problem(stat.st_size, max_bytes)
    if problem:
        return FileIdentity(stand_in_identity(path, stat), problem)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        return FileIdentity(stand_in_identity(path, stat), unreadable_reason(exc))
    return FileIdentity(digest.hexdigest())
