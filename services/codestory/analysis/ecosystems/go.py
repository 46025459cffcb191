"""Go modules: a program is a `package main` with a `main` function; files kept out of
every build (`//go:build ignore`) are generators run by hand, not programs."""

from __future__ import annotations

import re

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
from codestory.analysis.paths import parent_dir
from codestory.analysis.role_types import HTTP_METHODS, Role, Route, path_calls
from codestory.analysis.syntax import Definition, FileSyntax, ImportRef

# net/http's `HandleFunc("/x", h)` and the routers' `GET`/`Get` (gin, echo, chi).
_ROUTE_CALLS = frozenset(
    {"HandleFunc", "Handle", "GET", "POST", "PUT", "DELETE", "PATCH"}
    | {"Get", "Post", "Put", "Delete", "Patch"}
)
_METHODS = frozenset(m.upper() for m in HTTP_METHODS)
_TESTING = "Go's testing package"
# How Go writes a function literal: the name a handler written in place is told by.
FUNCTION_LITERAL = "func"


# Go's predeclared identifiers: types, constants and functions every file sees.
_PREDECLARED = (
    "any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 "
    "int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr true false iota nil "
    "append cap clear close complex copy delete imag len make max min new panic print "
    "println real recover"
)


_COBRA_EXECUTE = frozenset({"Execute", "ExecuteC", "ExecuteContext", "ExecuteContextC"})


class Go(Ecosystem):
    name = "go"
    builtin_names = frozenset(_PREDECLARED.split())
    languages = frozenset({"Go"})
    manifest_ecosystems = frozenset({"Go"})
    imports_folders = True
    test_file_names = r".+_test\.go"  # what `go test` compiles
    # The go tool skips folders whose names start with `_` (or `.`): their files are no
    # package of the module (`_examples` aside, told as examples, they are its tooling).
    unbuilt_folders = r"_.+"
    source_suffix = ".go"

    def project_name(self, declared: str) -> str:
        """Go: a module path ends in its major version from v2 on (`example.com/cli/v3`,
        semantic import versioning); the project is the segment before it."""
        parts = declared.split("/")
        if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
            parts.pop()
        return parts[-1]

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

    def method_home(self, path: str) -> str:
        """Go: a method is declared in its receiver type's package, which is its folder; a
        type of the same name in another package (each backend's `Fs`) has its own."""
        return parent_dir(path)

    def qualified_types_imported(self, syntax: FileSyntax) -> bool:
        """Go: `context.Context` is package context's, wherever the file imports it from."""
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

    def commands(self, path: str, syntax: FileSyntax) -> list[Role]:
        """Go: cobra and urfave/cli declare each command as a `Command` struct literal, its
        name the first word of `Use` or its `Name`, its handler the function in `Run`,
        `RunE` or `Action` (`func` when written in place)."""
        return [
            Role("command", handler or FUNCTION_LITERAL, path, line, name)
            for name, handler, line, _ in syntax.commands
        ]

    def most_used_first(self, project: Project, dependencies: list[str]) -> list[str]:
        """Go: a module's packages are imported by their full path (`github.com/a/b` or a
        package under it), so the modules more source files import come first; go.mod
        lists them alphabetically, which says nothing of what the code is built on."""
        imported = [
            {ref.target for ref in syntax.imports}
            for path, syntax in project.syntaxes.items()
            if syntax.language == "Go" and project.kinds.get(path) is FileKind.SOURCE
        ]

        def users(module: str) -> int:
            inside = module + "/"
            return sum(any(t == module or t.startswith(inside) for t in refs) for refs in imported)

        return sorted(dependencies, key=lambda module: -users(module))

    def runs_root_command(self, call_name: str) -> bool:
        # cobra: `rootCmd.Execute()` parses the arguments and runs the root's `Run`/`RunE`
        # (or the subcommand named).
        return call_name in _COBRA_EXECUTE

    def command_literal(self, role: Role, syntax: FileSyntax) -> Definition | None:
        """Go: a `Run: func(cmd, args) {...}` handler is the literal itself; its calls are
        those its enclosing function (or the package's var block) makes within its lines."""
        span = next(
            (
                (line, end)
                for name, handler, line, end in syntax.commands
                if handler is None and name == role.detail and line == role.line
            ),
            None,
        )
        if span is None:
            return None
        line, end = span
        owner = next(
            (d for d in syntax.definitions if d.calls and d.line <= line and end <= d.end_line),
            None,
        )
        calls = owner.calls if owner is not None else syntax.module_calls
        return Definition(
            FUNCTION_LITERAL,
            "function",
            line,
            end,
            calls=[c for c in calls if line <= c.line <= end],
            types=owner.types if owner is not None else syntax.module_types,
        )

    def test_frameworks(self, evidence: SuiteEvidence) -> list[str]:
        """Go: tests are `*_test.go` files written with the standard testing package."""
        tests = evidence.syntaxes.values()
        return [_TESTING] if any(s.language in self.languages for s in tests) else []

    def test_commands(
        self, manifests: list[Manifest], frameworks: list[str], paths: set[str]
    ) -> list[SuiteCommand]:
        """Go: `go test ./...` runs every package's tests, in the module a go.mod declares
        (the go tool has worked in modules only since Go 1.16)."""
        if self.own(manifests):
            return [SuiteCommand("go test ./...")]
        return []

    def root_is_package(self, project: Project) -> bool:
        """Go: the package beside a top-level go.mod is the one the module path names, what
        `import "example.com/router"` brings in; folders below are its subpackages. A `package
        main` there is a program, often a thin one over the packages below."""
        return bool(self.manifests(project, root=True)) and any(
            "/" not in p
            and s.language in self.languages
            and s.package not in {None, "main"}
            and project.kinds.get(p) is FileKind.SOURCE
            for p, s in project.syntaxes.items()
        )

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

    def program_name(self, path: str, project: Project) -> str | None:
        """Go: `go build` names a program for its package's folder, so a module's
        `cmd/<name>/main.go` builds `<name>`; a main package beside go.mod builds the
        module's name (`example.com/tool/v2` builds `tool`)."""
        folder = parent_dir(path)
        # The nearest go.mod above the file is its module's.
        for manifest in sorted(self.manifests(project), key=lambda m: -m.path.count("/")):
            base = parent_dir(manifest.path)
            if folder == base:
                return self.project_name(manifest.name) if manifest.name else None
            if base and not folder.startswith(f"{base}/"):
                continue
            parts = folder.removeprefix(f"{base}/" if base else "").split("/")
            return parts[1] if len(parts) == 2 and parts[0] == "cmd" else None
        return None

    def release_behind(self, version: str, project: Project) -> bool:
        """Go: from v2 on a module's path ends in its major version (`example.com/cli/v3`,
        semantic import versioning), so a changelog whose latest release has a lower major
        version (2.2.0) stopped being kept before the code it sits beside."""
        major = re.match(r"v?(\d+)\.", version)
        declared = [
            int(m.group(1))
            for manifest in self.manifests(project, root=True)
            if manifest.name and (m := re.search(r"/v(\d+)$", manifest.name))
        ]
        return bool(major and declared and int(major.group(1)) < declared[0])

    def wanted_texts(self, paths: frozenset[str], kinds: dict[str, FileKind]) -> set[str]:
        """Go: the module's non-test files beside its own code (examples, tools), whose
        imports are the module's requirements too; the code's own files are parsed."""
        return {
            p
            for p in paths
            if p.endswith(".go") and not _is_test(p) and kinds.get(p) is not FileKind.SOURCE
        }

    def test_only_dependencies(self, project: Project, dependencies: list[str]) -> set[str]:
        """Go: go.mod lists every module the module's packages import, their tests' too
        (`go mod tidy`); a requirement no non-test file imports is there for the tests. Files
        the go tool skips (`testdata`, `_x`, `.x`) and a nested module's are not this one's,
        and a `//go:build tools` file pins the developers' tools (`stringer`), no code."""
        required = {d for m in self.manifests(project, root=True) for d in m.dependencies}
        if not required:
            return set()
        nested = {parent_dir(m.path) for m in self.manifests(project) if "/" in m.path}
        imported: set[str] = set()
        for path in project.paths:
            if not path.endswith(".go") or _is_test(path) or _outside_module(path, nested):
                continue
            syntax = project.syntaxes.get(path)
            if syntax is not None and not _pins_tools(syntax.attributes):
                imported.update(ref.target for ref in syntax.imports)
            elif syntax is None and path in project.texts:
                text = project.texts[path]
                if not _pins_tools(re.findall(r"^//\s*([+]?\S.*)$", text[:500], re.M)):
                    imported.update(_imports(text))
        return {
            d for d in dependencies if d in required and not any(_within(i, d) for i in imported)
        }


def _pins_tools(constraints: list[str]) -> bool:
    """A file built only with the `tools` tag: the tools' import paths, pinned in go.mod."""
    return any(c.split()[:2] in (["go:build", "tools"], ["+build", "tools"]) for c in constraints)


def _is_test(path: str) -> bool:
    return path.endswith("_test.go")


def _outside_module(path: str, nested: set[str]) -> bool:
    """Whether the go tool leaves the file out of the top module's packages."""
    folders = path.split("/")[:-1]
    ignored = any(f.startswith(("_", ".")) or f == "testdata" for f in folders)
    return ignored or any(path.startswith(n + "/") for n in nested)


_IMPORT_BLOCK = re.compile(r"^import\s*\(([^)]*)\)", re.MULTILINE)
_IMPORT_LINE = re.compile(r'^import\s+(?:[\w.]+\s+)?"([^"]+)"', re.MULTILINE)


def _imports(text: str) -> set[str]:
    """The import paths of a Go file, read without parsing it."""
    found = set(_IMPORT_LINE.findall(text))
    for block in _IMPORT_BLOCK.findall(text):
        found.update(re.findall(r'"([^"]+)"', block))
    return found


def _within(target: str, module: str) -> bool:
    return target == module or target.startswith(module + "/")


GO = Go()
