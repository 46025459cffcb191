"""Go's packages: a package is a folder of `.go` files (its `_test.go` files aside), and an
import path under the module path that go.mod declares names the folder below the module."""

from __future__ import annotations

from collections import defaultdict

from codestory.analysis.ecosystems.base import ImportResolver
from codestory.analysis.paths import parent_dir
from codestory.analysis.syntax import FileSyntax, ImportRef


class GoImports(ImportResolver):
    def __init__(self, syntaxes: dict[str, FileSyntax], languages: frozenset[str]) -> None:
        self.module = ""  # go.mod's module path, once known
        self.packages: dict[str, list[str]] = defaultdict(list)  # folder -> its files
        for path, syntax in syntaxes.items():
            if syntax.language in languages and not path.endswith("_test.go"):
                self.packages[parent_dir(path)].append(path)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        target = ref.target
        if not self.module or not (target == self.module or target.startswith(self.module + "/")):
            return []
        directory = target[len(self.module) :].strip("/")
        return sorted(self.packages.get(directory, []))
