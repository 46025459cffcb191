"""Repository paths as POSIX strings: the folder a file is in, and `..` and `.` resolved.
Shared by the repository-wide resolver and the ecosystems' own import conventions."""

from __future__ import annotations

from pathlib import PurePosixPath


def normalise(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in {".", ""} and part.strip("/"):  # `/` and `//` are anchors, not names
            parts.append(part)
    return "/".join(parts)


def parent_dir(path: str) -> str:
    parent = str(PurePosixPath(path).parent)
    return "" if parent == "." else parent
