"""Java's packages: a class is named by its file's declared package and the file's stem
(`org.example.Foo` is `Foo.java` in package `org.example`), wherever the source root is;
a static import names a member of the class."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import ImportResolver
from codestory.analysis.paths import file_name, stem
from codestory.analysis.syntax import FileSyntax, ImportRef


class JavaImports(ImportResolver):
    def __init__(self, syntaxes: dict[str, FileSyntax], languages: frozenset[str]) -> None:
        self.classes: dict[str, str] = {}  # qualified class name -> file
        for path, syntax in syntaxes.items():
            if syntax.language in languages and syntax.package:
                self.classes[f"{syntax.package}.{stem(file_name(path))}"] = path

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        name = ref.target
        for _ in range(2):  # static imports name a member of the class
            if name in self.classes:
                return [self.classes[name]]
            name = name.rpartition(".")[0]
        return []
