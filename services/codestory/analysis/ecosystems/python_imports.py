"""Python's import system: a module is a `.py` (or `.pyi`) file named by its dotted path
below a root folder (the top level, `src/`, `services/`: wherever top-level packages sit),
a package is a folder with `__init__.py`, and `from . import x` counts up from the
importing module's own package."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from codestory.analysis.ecosystems.base import ImportResolver
from codestory.analysis.paths import parent_dir, plain, stem
from codestory.analysis.syntax import FileSyntax, ImportRef


def python_roots(paths: Iterable[str]) -> list[str]:
    """Directories that hold top-level Python packages or modules, deepest first."""
    paths = list(paths)
    package_dirs = {parent_dir(p) for p in paths if p.endswith("/__init__.py")}
    roots: set[str] = {""}
    for directory in package_dirs:
        parent = parent_dir(directory)
        if parent not in package_dirs:
            roots.add(parent)
    for path in paths:  # src/ layouts with single-module projects
        if path.startswith("src/") and path.count("/") == 1:
            roots.add("src")
    return sorted(roots, key=len, reverse=True)


def python_module_name(path: str, roots: list[str]) -> str | None:
    pure = None if plain(path) else PurePosixPath(path)
    for root in roots:
        if root and not path.startswith(root + "/"):
            continue
        if pure is None:  # the walk's own paths: split as strings, several times faster
            parts = (path[len(root) + 1 :] if root else path).split("/")
            parts[-1] = stem(parts[-1])
        else:
            relative = pure.relative_to(root) if root else pure
            parts = list(relative.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        if parts and all(p.isidentifier() for p in parts):
            return ".".join(parts)
    return None


class PythonImports(ImportResolver):
    def __init__(self, syntaxes: dict[str, FileSyntax]) -> None:
        python = [p for p in syntaxes if p.endswith((".py", ".pyi"))]
        self.roots = python_roots(python)
        self.modules: dict[str, str] = {}  # dotted name -> file; a `.py` before its stub
        for path in sorted(python, key=lambda p: p.endswith(".pyi")):
            name = python_module_name(path, self.roots)
            if name:
                self.modules.setdefault(name, path)

    def module_of(self, path: str) -> str | None:
        return python_module_name(path, self.roots)

    def targets(self, importer: str, ref: ImportRef) -> list[tuple[str, str | None]]:
        """(file, name imported from it or None) for each repository module `ref` reaches."""
        module = ref.target
        if ref.level:
            own = self.module_of(importer) or ""
            package = own.split(".") if own else []
            if not importer.endswith("__init__.py") and package:
                package = package[:-1]
            if ref.level > 1:
                package = package[: len(package) - (ref.level - 1)]
            module = ".".join([*package, ref.target] if ref.target else package)
        found: list[tuple[str, str | None]] = []
        if ref.names:
            for name in ref.names:
                submodule = self.modules.get(f"{module}.{name}" if module else name)
                if submodule:
                    found.append((submodule, None))
                elif module in self.modules:
                    found.append((self.modules[module], name))
            return found
        parts = module.split(".")
        for end in range(len(parts), 0, -1):  # `import a.b.c` reaches the deepest module known
            path = self.modules.get(".".join(parts[:end]))
            if path:
                return [(path, None)]
        return []

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        return list(dict.fromkeys(path for path, _ in self.targets(importer, ref)))
