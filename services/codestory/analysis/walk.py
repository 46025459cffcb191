"""Walk a checkout into a list of files, within limits, skipping what is not the project's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from codestory.analysis.languages import language_of
from codestory.domain import format_bytes

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
MAX_TEXT_BYTES = 2 * 1024 * 1024  # larger files are counted but not read


class AnalysisError(Exception):
    """The repository cannot be told about; the message says why, for a person."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


class AnalysisStoppedError(Exception):
    """The caller asked the analysis to stop (the story was cancelled or paused)."""


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative, with forward slashes
    size: int
    language: str | None
    is_binary: bool
    text: str | None  # None for binary or very large files


def _looks_binary(head: bytes) -> bool:
    return b"\0" in head


def walk_repository(root: Path, *, max_files: int, max_bytes: int) -> tuple[list[SourceFile], int]:
    """Every regular file under `root`, and how many could not be read (left out).

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
        for name in sorted(names):
            full = Path(directory) / name
            try:
                full.relative_to(root).as_posix().encode("utf-8")
                if full.is_symlink() or not full.is_file():
                    continue  # links may point outside the checkout
                size = full.stat().st_size
            except (UnicodeEncodeError, OSError):
                unreadable += 1
                continue
            total += size
            if len(files) >= max_files:
                raise AnalysisError(
                    f"the repository has more than {max_files} files, over this server's limit",
                    "repository_too_large",
                )
            if total > max_bytes:
                raise AnalysisError(
                    f"the repository is larger than {format_bytes(max_bytes)}, "
                    "over this server's limit",
                    "repository_too_large",
                )
            relative = full.relative_to(root).as_posix()
            try:
                with full.open("rb") as handle:
                    head = handle.read(SNIFF_BYTES)
                    binary = _looks_binary(head)
                    text: str | None = None
                    if not binary and size <= MAX_TEXT_BYTES:
                        rest = handle.read(MAX_TEXT_BYTES + 1 - len(head))
                        text = (head + rest).decode("utf-8", errors="replace")
            except OSError:
                unreadable += 1
                continue
            files.append(SourceFile(relative, size, language_of(relative), binary, text))
    return files, unreadable
