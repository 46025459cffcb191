"""A way into the program, as its packaging or its code declares it."""

from __future__ import annotations

from pathlib import PurePosixPath

from pydantic import BaseModel

from codestory.analysis.paths import normalise
from codestory.analysis.syntax import Definition, FileSyntax


class EntryPoint(BaseModel):
    kind: str  # console script, executable, main module, Docker command, library main
    name: str
    target: str  # as declared
    path: str | None = None
    symbol: str | None = None


def main_symbol(path: str, syntaxes: dict[str, FileSyntax]) -> str | None:
    return "main" if own_definition(path, "main", syntaxes) is not None else None


def own_definition(path: str, name: str, syntaxes: dict[str, FileSyntax]) -> Definition | None:
    """A file's top-level definition of `name`, else the one in the type the file is named
    for: where a program starts in languages whose `main` lives in a class (Java's
    `public static void main` in the file's public class)."""
    definitions = syntaxes[path].definitions
    stem = PurePosixPath(path).stem
    return next((d for d in definitions if d.name == name and d.parent is None), None) or next(
        (d for d in definitions if d.name == name and d.parent == stem), None
    )


_OUTPUT_FOLDERS = frozenset({"build", "dist", "distribution", "lib", "out"})
# Where the sources of a build output sit: `src/`, `source/` (beside `distribution/`),
# or the top (TypeScript's `rootDir: "."`).
_SOURCE_FOLDERS = ("src/", "source/", "")


def source_of_build(built: str, paths: frozenset[str] | set[str]) -> str | None:
    """The source file a build output (`dist/cli.js`) is made from: `src/cli.ts`, or with
    the sources at the top (TypeScript's `rootDir: "."`), `build/lib/x.js` from `lib/x.ts`.
    The output folder may sit in a package's folder (`packages/a/dist/cli.js`)."""
    parts = built.split("/")
    for index, head in enumerate(parts[:-1]):
        if head not in _OUTPUT_FOLDERS:
            continue
        prefix = "".join(f"{p}/" for p in parts[:index])
        stem = "/".join(parts[index + 1 :]).rsplit(".", 1)[0]
        for folder in _SOURCE_FOLDERS:
            for suffix in (".ts", ".tsx", ".js", ".mjs"):
                if f"{prefix}{folder}{stem}{suffix}" in paths:
                    return f"{prefix}{folder}{stem}{suffix}"
    return None


def declared_executable(
    *,
    base: str,
    name: str,
    target: str,
    paths: frozenset[str],
    syntaxes: dict[str, FileSyntax],
    default: str | None = None,
) -> EntryPoint:
    """An executable a manifest in the folder `base` names, built from `target` (a file, or
    a build output whose source is looked for), else from `default`."""
    file = normalise(base + target) if target else None
    if file and file not in paths:  # a build output: look for its source
        file = source_of_build(file, paths)
    if default is not None and not target:
        file = normalise(default)
    file = file if file in paths else None
    return EntryPoint(
        kind="executable",
        name=name,
        target=target or name,
        path=file,
        symbol=main_symbol(file, syntaxes) if file in syntaxes else None,
    )


def folder_of(manifest_path: str) -> str:
    """The folder a manifest speaks for, as a prefix of its files' paths ("" at the top)."""
    base = str(PurePosixPath(manifest_path).parent)
    return "" if base == "." else base + "/"
