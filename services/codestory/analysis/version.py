"""The analyser's version: a digest of its own source.

Cached facts are keyed by it, so a release whose analysis changed in any way never serves
facts an older analyser stored, and no one has to remember to bump a number.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path


def source_digest(folder: Path) -> str:
    """Twelve hex digits over the names and contents of the Python files in the folder and
    the folders below it (the ecosystem models change what the analysis finds too)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        name = path.relative_to(folder).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def analyser_version() -> str:
    return source_digest(Path(__file__).parent)
