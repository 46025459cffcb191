"""Repository paths as POSIX strings: the folder a file is in, and `..` and `.` resolved.
Shared by the repository-wide resolver and the ecosystems' own import conventions."""

from __future__ import annotations

import functools
from pathlib import PurePosixPath

# Each file's name and parts are asked for by a dozen steps (its language, its kind, is it
# a manifest, a changelog, a build file...): made once per path rather than as a new
# PurePosixPath each time, which cost more than the steps themselves.
_KEPT = 1 << 16


def plain(path: str) -> bool:
    """A path as the walk writes them (`a/b/c.py`): no anchor, no empty or `.` part, no
    trailing slash. String operations on it give what PurePosixPath gives, several times
    faster: a fresh analysis asks for thousands of paths' names and folders once each."""
    return bool(path) and not (
        path[0] == "/"
        or path[-1] == "/"
        or "//" in path
        or path == "."
        or path.startswith("./")
        or path.endswith("/.")
        or "/./" in path
    )


@functools.lru_cache(maxsize=_KEPT)
def file_name(path: str) -> str:
    return path.rpartition("/")[2] if plain(path) else PurePosixPath(path).name


def suffix(name: str) -> str:
    """A file name's last suffix, as PurePosixPath's (`.gz`; none for `.bashrc` or `a.`)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def stem(name: str) -> str:
    """A file name without its last suffix, as PurePosixPath's."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


@functools.lru_cache(maxsize=_KEPT)
def path_parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("/")) if plain(path) else PurePosixPath(path).parts


def normalise(path: str) -> str:
    parts: list[str] = []
    for part in path_parts(path):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in {".", ""} and part.strip("/"):  # `/` and `//` are anchors, not names
            parts.append(part)
    return "/".join(parts)


@functools.lru_cache(maxsize=_KEPT)  # asked per call in Go's shared package scope
def parent_dir(path: str) -> str:
    if plain(path):
        return path.rpartition("/")[0]
    parent = str(PurePosixPath(path).parent)
    return "" if parent == "." else parent
