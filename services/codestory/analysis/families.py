"""Families of files: a large folder whose files share a name's first or last word.

C and Go projects name a kind of part by a prefix (`cmd-new-session.c`, `operator_add.go`);
Java, Kotlin and C# name a kind of class by a suffix (`AnyMatcher.java`, `ThrowsAnswer.java`).
Either way the name tells a reader what the files are before they open one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

from pydantic import BaseModel

# A folder this large has families worth telling; a family is at least this many files.
FAMILY_FOLDER_FILES = 20
FAMILY_FILES = 5
FAMILIES_PER_FOLDER = 3
FOLDERS_TOLD = 2
EXAMPLES = 2

# Languages whose files are named after the one type they hold: families by suffix.
_CLASS_PER_FILE = frozenset({"Java", "Kotlin", "C#", "Scala", "Swift"})
_CAMEL_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+")


# Go builds a file named `*_GOOS.go` (or `*_GOOS_GOARCH.go`) only for that system.
GO_SYSTEMS = {
    "aix": "AIX",
    "android": "Android",
    "darwin": "macOS",
    "dragonfly": "DragonFly BSD",
    "freebsd": "FreeBSD",
    "hurd": "GNU Hurd",
    "illumos": "illumos",
    "ios": "iOS",
    "linux": "Linux",
    "netbsd": "NetBSD",
    "openbsd": "OpenBSD",
    "plan9": "Plan 9",
    "solaris": "Solaris",
    "windows": "Windows",
    "zos": "z/OS",
}
_GO_ARCHES = (
    "386|amd64|arm|arm64|loong64|mips|mips64|mips64le|mipsle|ppc64|ppc64le|riscv64|s390x|wasm"
)
_GO_SYSTEM = re.compile(rf"_({'|'.join(GO_SYSTEMS)})(?:_(?:{_GO_ARCHES}))?$")


class FileFamily(BaseModel):
    folder: str  # "" for the top level
    pattern: str  # `cmd-*.c`, `*Matcher.java`, `*_linux.go`
    files: int
    examples: list[str]  # file names, the shortest first
    system: str | None = None  # Go's: the system the family is built for, in words


def _key(name: str, language: str) -> tuple[str, str] | None:
    """The family a file name belongs to, as its glob, and the word that names it."""
    path = PurePosixPath(name)
    stem, suffix = path.stem, path.suffix
    if language == "Go":
        system = _GO_SYSTEM.search(stem)
        if system is not None:
            # `*_linux*.go`: with the files built for one machine on it too (`_linux_arm64`).
            return f"*_{system.group(1)}*{suffix}", system.group(1)
    if language in _CLASS_PER_FILE:
        words = _CAMEL_WORDS.findall(stem)
        if len(words) >= 2 and words[-1][0].isupper():
            return f"*{words[-1]}{suffix}", words[-1]
        return None
    head = re.match(r"([A-Za-z][A-Za-z0-9]*)[-_]\w", stem)
    if head is None:
        return None
    return f"{head.group(1)}{stem[len(head.group(1))]}*{suffix}", head.group(1)


def file_families(sources: dict[str, str]) -> list[FileFamily]:
    """The families of the largest folders of source files. `sources` maps each source
    file's path to its language."""
    folders: dict[str, list[str]] = defaultdict(list)
    for path in sources:
        folders[path.rpartition("/")[0]].append(path)
    large = sorted(
        (f for f, paths in folders.items() if len(paths) >= FAMILY_FOLDER_FILES),
        key=lambda f: (-len(folders[f]), f),
    )
    found: list[FileFamily] = []
    told = 0
    for folder in large:
        groups: dict[str, list[str]] = defaultdict(list)
        words: dict[str, str] = {}
        for path in folders[folder]:
            key = _key(path.rpartition("/")[2], sources[path])
            if key is not None:
                groups[key[0]].append(path.rpartition("/")[2])
                words[key[0]] = key[1]
        families = sorted(
            ((pattern, names) for pattern, names in groups.items() if len(names) >= FAMILY_FILES),
            key=lambda item: (-len(item[1]), item[0]),
        )[:FAMILIES_PER_FOLDER]
        if not families:
            continue
        found += [
            FileFamily(
                folder=folder,
                pattern=pattern,
                files=len(names),
                examples=sorted(names, key=lambda n: (len(n), n))[:EXAMPLES],
                system=GO_SYSTEMS.get(words[pattern]) if pattern.startswith("*_") else None,
            )
            for pattern, names in families
        ]
        told += 1
        if told >= FOLDERS_TOLD:
            break
    return found
