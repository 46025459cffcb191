"""Repository paths split as strings say what PurePosixPath says of them."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from codestory.analysis.ecosystems.python_imports import python_module_name
from codestory.analysis.paths import file_name, normalise, parent_dir, path_parts, stem, suffix

PATHS = [
    "a.py", "src/pkg/mod.py", "pkg/__init__.py", "a/b/c.tar.gz", ".bashrc", "dir/.env",
    "weird.", "a/b/", "/abs/x.py", "a//b.py", "./a/b.py", "a/./b.py", "a/..", "a/../b.py",
    ".", "", "Makefile", "x/y.pyi", "n/.py", "a..b", "deep/er/still/file.min.js",
]  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_names_folders_and_parts_are_pure_posix_paths(path: str) -> None:
    pure = PurePosixPath(path)
    assert file_name(path) == pure.name
    assert path_parts(path) == pure.parts
    assert parent_dir(path) == ("" if str(pure.parent) == "." else str(pure.parent))
    assert suffix(pure.name) == pure.suffix
    assert stem(pure.name) == pure.stem
    parts: list[str] = []
    for part in pure.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in {".", ""} and part.strip("/"):
            parts.append(part)
    assert normalise(path) == "/".join(parts)


@pytest.mark.parametrize(
    ("path", "roots", "module"),
    [
        ("src/pkg/mod.py", ["src", ""], "pkg.mod"),
        ("pkg/__init__.py", [""], "pkg"),
        ("pkg/sub/types.pyi", [""], "pkg.sub.types"),
        ("a/b/c.tar.py", [""], None),  # `c.tar` is no identifier
        ("a//b.py", [""], "a.b"),
        ("./a/b.py", [""], "a.b"),
        ("lib/not-a-package/x.py", ["lib", ""], None),
    ],
)
def test_python_module_names(path: str, roots: list[str], module: str | None) -> None:
    assert python_module_name(path, roots) == module
