"""Go modules: a program is a `package main` with a `main` function; files kept out of
every build (`//go:build ignore`) are generators run by hand, not programs."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import (
    Binding,
    Ecosystem,
    ImportScope,
    Project,
    SuiteCommand,
    SuiteEvidence,
)
from codestory.analysis.ecosystems.go_imports import GoImports
from codestory.analysis.file_kind import FileKind
from codestory.analysis.manifests import Manifest
from codestory.analysis.role_types import HTTP_METHODS, Route, path_calls
from codestory.analysis.syntax import FileSyntax, ImportRef

# net/http's `HandleFunc("/x", h)` and the routers' `GET`/`Get` (gin, echo, chi).
_ROUTE_CALLS = frozenset(
    {"HandleFunc", "Handle", "GET", "POST", "PUT", "DELETE", "PATCH"}
    | {"Get", "Post", "Put", "Delete", "Patch"}
)
_METHODS = frozenset(m.upper() for m in HTTP_METHODS)
_TESTING = "Go's testing package"


class Go(Ecosystem):
    name = "go"
    languages = frozenset({"Go"})
    manifest_ecosystems = frozenset({"Go"})
    imports_folders = True
    test_file_names = r".+_test\.go"  # what `go test` compiles

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> GoImports:
        """Go: a package is a folder; an import path under the module path names a folder."""
        return GoImports(syntaxes, self.languages)

    def bind_import(
        self, importer: str, ref: ImportRef, scope: ImportScope, bound: dict[str, Binding]
    ) -> None:
        """Go: an import binds its path's last element to the package, and the package
        clause too, which need not be the folder's name (`fzf.Run` from
        `github.com/junegunn/fzf/src`)."""
        for target in scope.imported_files(importer, ref)[:1]:
            bound[ref.target.rsplit("/", 1)[-1]] = (target, None)
            declared = scope.syntaxes[target].package if target in scope.syntaxes else None
            if declared and declared != "main":
                bound.setdefault(declared, (target, None))

    def package_scope(self, syntax: FileSyntax) -> bool:
        """Go: a package is a folder whose files share one scope, so a bare name, or
        `pkg.Name` through an imported package, may be defined in any of its files."""
        return True

    def routes(self, path: str, syntax: FileSyntax) -> list[Route]:
        """Go: a route is a handler registered for a URL path, `mux.HandleFunc("/x", h)`
        (any method) or `r.GET("/x", h)`."""
        return [
            Route(
                call.name.upper() if call.name.upper() in _METHODS else "ANY",
                call.literal,
                None,
                path,
                call.line,
            )
            for call in path_calls(syntax)
            if call.literal and call.name in _ROUTE_CALLS
        ]

    def test_frameworks(self, evidence: SuiteEvidence) -> list[str]:
        """Go: tests are `*_test.go` files written with the standard testing package."""
        tests = evidence.syntaxes.values()
        return [_TESTING] if any(s.language in self.languages for s in tests) else []

    def test_commands(
        self, manifests: list[Manifest], frameworks: list[str], paths: set[str]
    ) -> list[SuiteCommand]:
        """Go: `go test ./...` runs every package's tests."""
        if self.own(manifests) or _TESTING in frameworks:
            return [SuiteCommand("go test ./...")]
        return []

    def main_is_way_in(self, path: str, project: Project) -> bool:
        # The go tool ignores folders named testdata or starting with `_` or `.`.
        folders = path.split("/")[:-1]
        if any(f.startswith(("_", ".")) or f == "testdata" for f in folders):
            return False
        syntax = project.syntaxes.get(path)
        constraints = syntax.attributes if syntax else []
        return not any(
            c.split()[:2] == ["go:build", "ignore"] or c == "+build ignore" for c in constraints
        )

    def test_only_dependencies(self, project: Project, dependencies: list[str]) -> set[str]:
        # go.mod lists the modules tests import beside those the code imports (testify).
        own: set[str] = set()
        tests: set[str] = set()
        for path, syntax in project.syntaxes.items():
            if syntax.language != "Go":
                continue
            used = {d for d in dependencies for ref in syntax.imports if _within(ref.target, d)}
            testing = project.kinds.get(path) is FileKind.TEST  # classify: `*_test.go`
            (tests if testing else own).update(used)
        return tests - own


def _within(target: str, module: str) -> bool:
    return target == module or target.startswith(module + "/")


GO = Go()
