"""The raw archive: every report file kept by content hash, before anything reads it.

Sites delete old reports; a content-addressed copy (`<raw>/<sha256[:2]>/<sha256>.<ext>`) keeps
them, stores a file served at two URLs once, and lets extraction be re-run without the network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def raw_dir(data_dir: Path) -> Path:
    """The archive root inside the data folder."""
    return data_dir / "raw"


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def archive_path(archive_dir: Path, sha256: str, extension: str) -> Path:
    return archive_dir / sha256[:2] / f"{sha256}.{extension}"


def archive_bytes(archive_dir: Path, body: bytes, extension: str) -> tuple[Path, str]:
    """Store `body` (once) and return its archive path and sha256.

    Written to a temporary file and renamed, so a reader never sees half a file.
    """
    digest = sha256_hex(body)
    path = archive_path(archive_dir, digest, extension)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{digest[:8]}", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(tmp, path)
    return path, digest


def archive_file(archive_dir: Path, source: Path, sha256: str) -> Path:
    """Copy a local report file into the archive (once), as a download would be stored."""
    path = archive_path(archive_dir, sha256, source.suffix.lstrip(".").lower() or "bin")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{sha256[:8]}", suffix=".tmp")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, path)
    return path
