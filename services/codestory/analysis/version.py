"""The analyser's version: a digest of its own source.

Cached facts are keyed by it, so a release whose analysis changed in any way never serves
facts an older analyser stored, and no one has to remember to bump a number.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path


def source_digest(folder: Path) -> str:
    """Twelve hex digits over the names and contents of the folder's Python files."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def analyser_version() -> str:
    return source_digest(Path(__file__).parent)
