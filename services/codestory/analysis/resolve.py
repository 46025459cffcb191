"""Resolve each file's imports to files of the same repository, in every common layout.

Each ecosystem says how its imports name files (see `Ecosystem.import_resolver`): Python
packages under any root with relative imports, Node's relative specifiers, Go packages
under the module path, Rust's module tree, Java packages, C and C++ includes. This module
builds each once per checkout and asks the one of the importing file's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from codestory.analysis.ecosystems import ECOSYSTEMS, Ecosystem, of_language
from codestory.analysis.ecosystems.base import ImportResolver
from codestory.analysis.ecosystems.go_imports import GoImports
from codestory.analysis.ecosystems.java_imports import JavaImports
from codestory.analysis.ecosystems.python_imports import PythonImports
from codestory.analysis.paths import normalise, parent_dir
from codestory.analysis.syntax import FileSyntax, ImportRef

__all__ = ["Resolver", "normalise", "parent_dir"]

_R = TypeVar("_R", bound=ImportResolver)


class Resolver:
    """Built once per repository; `resolve(path, ref)` gives the repository files imported."""

    def __init__(self, syntaxes: dict[str, FileSyntax], all_paths: Iterable[str]) -> None:
        self.paths = set(all_paths)
        self.syntaxes = syntaxes
        self._by_model: dict[Ecosystem, ImportResolver] = {
            model: model.import_resolver(syntaxes, self.paths) for model in ECOSYSTEMS
        }
        # The call graph binds names by the finer rules of some ecosystems (a Python name
        # imported from a module, a Go package's shared scope, a Java package's classes): it
        # reads their indexes through the properties below.
        self._python = self.index(PythonImports)
        self._go = self.index(GoImports)
        self._java = self.index(JavaImports)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        model = of_language(self.syntaxes[importer].language)
        resolver = self._by_model.get(model)
        found = resolver.resolve(importer, ref) if resolver is not None else []
        return [f for f in found if f != importer]

    def index(self, kind: type[_R]) -> _R:
        """The checkout's index of one ecosystem's imports, by its type."""
        return next(r for r in self._by_model.values() if isinstance(r, kind))

    @property
    def py_modules(self) -> dict[str, str]:
        return self._python.modules

    def python_module_of(self, path: str) -> str | None:
        return self._python.module_of(path)

    def python_targets(self, importer: str, ref: ImportRef) -> list[tuple[str, str | None]]:
        """(file, name imported from it or None) for each repository module `ref` reaches."""
        return self._python.targets(importer, ref)

    @property
    def go_packages(self) -> dict[str, list[str]]:
        return self._go.packages

    def set_go_module(self, module: str | None) -> None:
        self._go.module = module or ""

    @property
    def java_classes(self) -> dict[str, str]:
        return self._java.classes
