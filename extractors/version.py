"""The extractor's own version: stored with every report so an improved extractor knows what to re-read.

Bump EXTRACTOR_VERSION whenever a change can alter any extracted value, status or provenance;
`xxgk run --reextract` re-reads every archived document read by an older version.
"""

from __future__ import annotations

import re

EXTRACTOR_VERSION = "0.2.0"


def version_key(version: str | None) -> tuple[int, ...]:
    """A comparable key; an unknown or unparsable version sorts before every real one."""
    if not version or not re.fullmatch(r"\d+(\.\d+)*", version):
        return (-1,)
    return tuple(int(part) for part in version.split("."))


def is_older(version: str | None, than: str = EXTRACTOR_VERSION) -> bool:
    """Whether a report read by `version` predates the extractor `than`."""
    return version_key(version) < version_key(than)
