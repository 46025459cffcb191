"""How the parts of a project lean on each other: its source folders and the imports
between them, the shape a reader sees in an architecture diagram (a command layer on top,
a core in the middle, helpers underneath).

Folders are taken at the shallowest depth that splits the code into several parts, so a
`src/<package>/` layout is read by its subpackages, not as one folder.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from pydantic import BaseModel

MIN_PARTS = 3  # fewer parts than this is one piece of code, not an architecture
MAX_DEPTH = 8  # Java packages sit deep: src/main/java/org/x/y
PARTS_TOLD = 6


class Part(BaseModel):
    folder: str
    files: int
    lines: int
    uses: list[str]  # other parts it imports from, most used first
    used_by: list[str]  # other parts that import from it, most frequent first
    # What the folder's package says of itself (`package_doc`), where its authors wrote it.
    doc: str | None = None


# Where each ecosystem writes what a package is for: Python's `__init__.py` docstring, Go's
# `doc.go` package comment, Rust's `mod.rs` (or the crate root's) `//!` lines, Java's
# `package-info.java` Javadoc.
PACKAGE_DOC_FILES = ("__init__.py", "doc.go", "mod.rs", "lib.rs", "package-info.java")


def package_doc(folder: str, module_docs: Mapping[str, str | None]) -> str | None:
    """The doc comment of `folder`'s package, from the file its ecosystem writes it in."""
    prefix = f"{folder}/" if folder != "." else ""
    return next(
        (doc for name in PACKAGE_DOC_FILES if (doc := module_docs.get(prefix + name))), None
    )


def _group(path: str, depth: int) -> str:
    folder = path.rpartition("/")[0]  # string work: this runs for every file at each depth
    return "/".join(folder.split("/")[:depth]) if folder else "."


def _depth(paths: list[str]) -> int | None:
    """The shallowest depth that splits `paths` into several folders with code."""
    for depth in range(1, MAX_DEPTH + 1):
        groups = {_group(p, depth) for p in paths}
        if len(groups - {"."}) >= MIN_PARTS:
            return depth
    return None


def parts(sources: list[str], lines: dict[str, int], importers: dict[str, set[str]]) -> list[Part]:
    """The largest parts of the code with the parts each uses and is used by; empty when
    the code is not split into several folders."""
    depth = _depth(sources)
    if depth is None:
        return []
    group = {p: _group(p, depth) for p in sources}
    files: Counter[str] = Counter(group.values())
    size: Counter[str] = Counter()
    for path in sources:
        size[group[path]] += lines.get(path, 0)
    uses: dict[str, Counter[str]] = {g: Counter() for g in files}
    used_by: dict[str, Counter[str]] = {g: Counter() for g in files}
    for target, sources_of in importers.items():
        if target not in group:
            continue
        for importer in sources_of:
            if importer in group and group[importer] != group[target]:
                uses[group[importer]][group[target]] += 1
                used_by[group[target]][group[importer]] += 1
    chosen = [g for g in _ranked(size) if g != "."][:PARTS_TOLD]
    return [
        Part(
            folder=g,
            files=files[g],
            lines=size[g],
            uses=[u for u in _ranked(uses[g]) if u != "."],
            used_by=[u for u in _ranked(used_by[g]) if u != "."],
        )
        for g in chosen
    ]


def _ranked(counts: Counter[str]) -> list[str]:
    """Most first; ties by name, so a story never depends on the order sets come in."""
    return [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
