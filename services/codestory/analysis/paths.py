"""Repository paths as POSIX strings: the folder a file is in, and `..` and `.` resolved.
Shared by the repository-wide resolver and the ecosystems' own import conventions."""

from __future__ import annotations

import functools
from pathlib import PurePosixPath

# Each file's name and parts are asked for by a dozen steps (its language, its kind, is it
# a manifest, a changelog, a build file...): made once per path rather than as a new
# PurePosixPath each time, which cost more than the steps themselves.
_KEPT = 1 << 16


@functools.lru_cache(maxsize=_KEPT)
def file_name(path: str) -> str:
    return PurePosixPath(path).name


@functools.lru_cache(maxsize=_KEPT)
def path_parts(path: str) -> tuple[str, ...]:
    return PurePosixPath(path).parts


def normalise(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in {".", ""} and part.strip("/"):  # `/` and `//` are anchors, not names
            parts.append(part)
    return "/".join(parts)


@functools.lru_cache(maxsize=_KEPT)  # asked per call in Go's shared package scope
def parent_dir(path: str) -> str:
    parent = str(PurePosixPath(path).parent)
    return "" if parent == "." else parent
