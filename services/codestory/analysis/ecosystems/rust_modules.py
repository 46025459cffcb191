"""Cargo's module tree: a crate's modules are files under its `src/` (`a/b.rs` or
`a/b/mod.rs` is `a::b`; `lib.rs` and `main.rs` are the crate root, each `src/bin/*` a crate
of its own); `mod x;` declares a child module, and `use` paths start from `crate::`,
`self::`, `super::`, a child module of the importing one, or (Rust 2015) the crate root."""

from __future__ import annotations

from pathlib import PurePosixPath

from codestory.analysis.ecosystems.base import ImportResolver
from codestory.analysis.syntax import FileSyntax, ImportRef


def rust_module_of(path: str) -> tuple[str | None, str]:
    """(crate source directory, module path) for a file under a crate's `src/`."""
    pure = PurePosixPath(path)
    parts = pure.parts
    if "src" not in parts:
        return None, ""
    index = len(parts) - 1 - parts[::-1].index("src")
    crate = "/".join(parts[: index + 1])
    rest = list(parts[index + 1 :])
    if not rest:
        return None, ""
    if rest[0] == "bin":
        return crate + "/bin", ""
    last = PurePosixPath(rest[-1]).stem
    modules = [*rest[:-1], last]
    if last in {"lib", "main"} and len(modules) == 1:
        modules = []
    elif last == "mod":
        modules = modules[:-1]
    return crate, "::".join(modules)


class RustModules(ImportResolver):
    def __init__(self, syntaxes: dict[str, FileSyntax], languages: frozenset[str]) -> None:
        self.modules: dict[tuple[str, str], str] = {}  # (crate dir, a::b) -> file
        # Crates whose files write `crate::` in their paths use Rust 2018's rules; the others
        # read as Rust 2015, where a `use` path starts at the crate's root.
        self.rooted: set[str] = set()
        for path, syntax in syntaxes.items():
            if syntax.language in languages:
                crate, module = rust_module_of(path)
                if crate is not None:
                    self.modules[(crate, module)] = path
                    if any(ref.target.startswith("crate::") for ref in syntax.imports):
                        self.rooted.add(crate)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        crate, module = rust_module_of(importer)
        if crate is None:
            return []
        own = module.split("::") if module else []
        if ref.kind == "mod":
            # `mod x;` inside a.rs declares a::x, whatever file layout holds it.
            return self._lookup(crate, [*own, ref.target])
        parts = ref.target.split("::")
        if parts[0] == "crate":
            path = parts[1:]
        elif parts[0] == "self":
            path = [*own, *parts[1:]]
        elif parts[0] == "super":
            depth = 0
            while depth < len(parts) and parts[depth] == "super":
                depth += 1
            path = [*own[: max(len(own) - depth, 0)], *parts[depth:]]
        elif own and (crate, "::".join([*own, parts[0]])) in self.modules:
            path = [*own, *parts]  # a child module of this one
        elif crate not in self.rooted and (crate, parts[0]) in self.modules:
            # Rust 2015: `use config::Config` in src/cmd/cat.rs starts at the crate's root.
            path = parts
        else:
            path = []
        return self._lookup(crate, path)

    def _lookup(self, crate: str, path: list[str]) -> list[str]:
        for end in range(len(path), 0, -1):
            found = self.modules.get((crate, "::".join(path[:end])))
            if found:
                return [found]
        return []
