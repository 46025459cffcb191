"""The environment variables a source file reads, by each language's usual calls: what a
user sets to configure the program. Pure: a path and its text in, names out."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_NAME = r"['\"]([A-Z][A-Z0-9_]{1,63})['\"]"
_READS = {
    (".py",): [
        rf"\bos\.environ(?:\.get)?\s*[\[(]\s*{_NAME}",
        rf"\b(?:os\.)?getenv\s*\(\s*{_NAME}",
        rf"\benviron(?:\.get)?\s*[\[(]\s*{_NAME}",
    ],
    (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"): [
        r"\bprocess\.env\.([A-Z][A-Z0-9_]{1,63})\b",
        rf"\bprocess\.env\s*\[\s*{_NAME}",
    ],
    (".go",): [rf"\bos\.(?:Getenv|LookupEnv)\s*\(\s*{_NAME}"],
    # `env!` and `option_env!` read the build's environment, not the user's.
    (".rs",): [rf"\benv::var(?:_os)?\s*\(\s*{_NAME}"],
    (".java", ".kt"): [rf"\bSystem\.getenv\s*\(\s*{_NAME}"],
    (".c", ".h", ".cc", ".cpp", ".hpp", ".cxx"): [rf"\b(?:secure_)?getenv\s*\(\s*{_NAME}"],
}
_PATTERNS = {
    suffixes: re.compile("|".join(f"(?:{p})" for p in patterns))
    for suffixes, patterns in _READS.items()
}
MAX_TEXT = 1_000_000  # characters of one file read: the rest is not looked at


def may_read_environment(path: str) -> bool:
    """Whether `path` is written in a language whose environment reads are known here."""
    return any(PurePosixPath(path).suffix in suffixes for suffixes in _PATTERNS)


def environment_reads(path: str, text: str) -> set[str]:
    """The variables `text` reads from the environment, as its language reads them."""
    suffix = PurePosixPath(path).suffix
    for suffixes, pattern in _PATTERNS.items():
        if suffix in suffixes:
            return {
                name
                for match in pattern.finditer(text[:MAX_TEXT])
                for name in match.groups()
                if name
            }
    return set()


def environment_changes(
    files: list[tuple[str, str | None, str | None]],
) -> tuple[list[str], list[str]]:
    """Variables newly read and no longer read, from changed files as (path, old text, new
    text), a text None where the file did not exist: compared over all of them, so a read
    that moved between files is neither."""
    before: set[str] = set()
    after: set[str] = set()
    for path, old, new in files:
        before |= environment_reads(path, old or "")
        after |= environment_reads(path, new or "")
    return sorted(after - before), sorted(before - after)
