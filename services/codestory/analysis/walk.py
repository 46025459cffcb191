"""Walk a checkout into a list of files, within limits, skipping what is not the project's."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from codestory.analysis.languages import language_of

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "env",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        "dist",
        "build",
        "target",
        ".idea",
        ".vscode",
        ".codestory",
        ".eggs",
        "site-packages",
        ".next",
        ".gradle",
        "bower_components",
        ".terraform",
    }
)
SNIFF_BYTES = 8192
HEAD_CHARS = 4096  # what classification looks at: licence headers, generator banners
MAX_TEXT_BYTES = 2 * 1024 * 1024  # larger files are counted but not read
# Folders nested deeper are left out, each counted as unreadable: Python 3.11's os.walk
# recurses once per level, and a crafted tree 1,200 deep failed the story as a bug.
MAX_FOLDER_DEPTH = 100
READ_CHUNK = 1 << 16


class AnalysisError(Exception):
    """The repository cannot be told about; the message says why, for a person."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


class AnalysisStoppedError(Exception):
    """The caller asked the analysis to stop (the story was cancelled or paused)."""


@dataclass(frozen=True)
class SourceFile:
    """What the walk learns of a file without keeping it: the text is read again, from
    disk, by whatever needs all of it (the parser, a manifest reader), so memory holds
    only a head per file however large the repository."""

    path: str  # relative, with forward slashes
    size: int
    language: str | None
    is_binary: bool
    readable: bool  # text, and small enough to be read (binary or very large: not)
    lines: int = 0  # as editors count them; 0 when not readable
    head: str = ""  # the first HEAD_CHARS characters of a readable file
    # Git's blob id of a readable file, when the walk is asked for them: the syntax cache's
    # key, found while the file is read for its lines rather than by reading it again.
    blob: str | None = None


def read_text(root: Path, file: SourceFile) -> str:
    """The whole text of a readable file (empty if it cannot be read any more)."""
    if not file.readable:
        return ""
    try:
        with (root / file.path).open("rb") as handle:
            return handle.read(MAX_TEXT_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _count_lines(handle: BinaryIO, first: bytes, seen: Callable[[bytes], object]) -> int:
    """Lines in what `handle` has left after `first`: a final newline starts no line.
    Each chunk read is handed to `seen` too."""
    newlines = first.count(b"\n")
    last = first[-1:]
    while chunk := handle.read(READ_CHUNK):
        seen(chunk)
        newlines += chunk.count(b"\n")
        last = chunk[-1:]
    if not last:
        return 0
    return newlines + (0 if last == b"\n" else 1)


def _looks_binary(head: bytes) -> bool:
    return b"\0" in head


def _blob_digest(size: int, first: bytes) -> Any:
    """Git's blob hash (as `syntax_cache.blob_id`), begun with a file's first bytes."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(b"blob %d\0" % size)
    digest.update(first)
    return digest


def _ignore(chunk: bytes) -> None:
    pass


def walk_repository(
    root: Path, *, max_files: int, max_bytes: int, blob_ids: bool = False
) -> tuple[list[SourceFile], int]:
    """Every regular file under `root`, and how many could not be read (left out); with
    `blob_ids`, each readable file's Git blob id.

    A file whose name is not UTF-8 or that cannot be opened is counted and left out: one
    odd file never fails a story.
    """
    files: list[SourceFile] = []
    unreadable = 0
    total = 0
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(
            d for d in subdirs if d not in SKIP_DIRS and not d.endswith(".egg-info")
        )
        folder = Path(directory).relative_to(root).as_posix()
        prefix = "" if folder == "." else f"{folder}/"
        if prefix.count("/") >= MAX_FOLDER_DEPTH:
            unreadable += len(subdirs)
            subdirs.clear()
        for name in sorted(names):
            full = os.path.join(directory, name)  # noqa: PTH118 - a str: see lstat below
            relative = prefix + name
            try:
                relative.encode("utf-8")
                # One lstat, not a Path's three stat calls: a large tree has many files.
                status = os.lstat(full)
            except (UnicodeEncodeError, OSError):
                unreadable += 1
                continue
            if not stat.S_ISREG(status.st_mode):
                continue  # links may point outside the checkout
            size = status.st_size
            total += size
            if len(files) >= max_files:
                raise AnalysisError(
                    f"the repository has more than {max_files} files, over this server's limit",
                    "repository_too_large",
                )
            if total > max_bytes:
                # Imported here, for the one message that needs it: the domain's models
                # (pydantic) would slow the start of every parse worker, which imports this.
                from codestory.core.domain import format_bytes

                raise AnalysisError(
                    f"the repository is larger than {format_bytes(max_bytes)}, "
                    "over this server's limit",
                    "repository_too_large",
                )
            try:
                with open(full, "rb") as handle:  # noqa: PTH123
                    first = handle.read(SNIFF_BYTES)
                    binary = _looks_binary(first)
                    readable = not binary and size <= MAX_TEXT_BYTES
                    digest = _blob_digest(size, first) if readable and blob_ids else None
                    seen = digest.update if digest is not None else _ignore
                    lines = _count_lines(handle, first, seen) if readable else 0
                    read = handle.tell()
            except OSError:
                unreadable += 1
                continue
            head = first.decode("utf-8", errors="replace")[:HEAD_CHARS] if readable else ""
            # A file that changed size while read has no id: the cache reads it again.
            blob = digest.hexdigest() if digest is not None and read == size else None
            files.append(
                SourceFile(
                    relative, size, language_of(relative), binary, readable, lines, head, blob
                )
            )
    return files, unreadable
