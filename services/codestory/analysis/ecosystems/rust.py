"""Cargo crates: programs are `src/main.rs`, `src/bin/*` and `[[bin]]` targets."""

from __future__ import annotations

import re
from fnmatch import fnmatch

from codestory.analysis.ecosystems.base import (
    Binding,
    Ecosystem,
    ImportScope,
    Indexes,
    Project,
    SuiteCommand,
    SuiteEvidence,
)
from codestory.analysis.ecosystems.rust_modules import RustModules, rust_module_of
from codestory.analysis.entry_point import EntryPoint, declared_executable, folder_of
from codestory.analysis.file_kind import FileKind
from codestory.analysis.manifests import Manifest
from codestory.analysis.role_types import Route
from codestory.analysis.syntax import FileSyntax, ImportRef

# actix-web's and Rocket's `#[get("/x")]`.
# `cfg(test)` alone marks a file whose tests a macro writes (no `#[test]` the parser sees).
_TEST_ATTRIBUTE = re.compile(r"^(?:(?:test|tokio::test|rstest|quickcheck)\b|cfg\(test\))")
_ROUTE = re.compile(r'^(get|post|put|delete|patch)\(\s*"([^"]*)"')


# The primitive types and the standard prelude's names, in scope in every Rust file.
_PRIMITIVES = "bool char str u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64"
_PRELUDE = (
    "Option Some None Result Ok Err Vec String Box ToString ToOwned Clone Copy Send Sync "
    "Sized Unpin Drop Fn FnMut FnOnce Iterator IntoIterator DoubleEndedIterator "
    "ExactSizeIterator Extend Default Eq PartialEq Ord PartialOrd AsRef AsMut Into From "
    "TryFrom TryInto FromIterator"
)

# Methods the standard library gives every string, collection, Option, Result, path and
# iterator: `x.is_empty()` in a file says nothing of the project's own `is_empty`.
_STD_METHODS = (
    "is_empty is_some is_none is_ok is_err as_ref as_mut as_str as_bytes as_slice as_path "
    "to_string to_owned to_vec to_str to_string_lossy to_path_buf to_lowercase to_uppercase "
    "into_iter iter_mut into_inner unwrap_or unwrap_or_else unwrap_or_default map_err "
    "and_then or_else ok_or ok_or_else push_str get_mut contains_key starts_with ends_with "
    "for_each filter_map flat_map sort_by sort_by_key read_to_string write_all write_str "
    "file_name file_stem is_dir is_file is_symlink with_capacity from_str split_whitespace "
    "trim_start trim_end extend_from_slice"
)


_PATH_STARTS = ("crate::", "self::", "super::")


class Rust(Ecosystem):
    name = "rust"
    builtin_names = frozenset(f"{_PRIMITIVES} {_PRELUDE} {_STD_METHODS}".split())
    languages = frozenset({"Rust"})
    manifest_ecosystems = frozenset({"Rust"})
    test_file_names = r".+_test\.rs"
    # The cargo-xtask convention: a workspace crate `xtask`, run through a `cargo xtask`
    # alias, automates the project's builds and releases.
    tooling_folders = frozenset({"xtask"})

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> RustModules:
        """Rust: a module is a file under the crate's `src/` named by its path; `mod x;`
        declares a child, `use` starts from `crate::`, `self::`, `super::` or a child."""
        return RustModules(syntaxes, self.languages)

    def separate_namespaces(self, path: str, other: str) -> bool:
        """Rust: each crate of a Cargo workspace is a namespace of its own (every crate may
        define its `Error`); a name is reached across crates only by its crate's path."""
        return rust_module_of(path)[0] != rust_module_of(other)[0]

    def bind_import(
        self, importer: str, ref: ImportRef, scope: ImportScope, bound: dict[str, Binding]
    ) -> None:
        """Rust: `use a::b::c` binds the last segment, c: the item if the module it names
        defines one, else the module `c` itself."""
        if ref.kind != "import":
            return
        for target in scope.imported_files(importer, ref)[:1]:
            last = ref.target.rsplit("::", 1)[-1]
            bound[last] = (target, last if scope.defines(target, last) else None)

    def makes_itself(self) -> bool:
        """Rust: `Config::new()`, `Cli::parse()` (clap's derive) and their kin return `Self`
        by convention; `let config = Config::new()` is read the same way."""
        return True

    def path_module(self, importer: str, qualifier: str, scope: ImportScope) -> str | None:
        """Rust: a path in an expression starts at the module it is written in (in 2015 and
        2018 alike; only `use` paths began at the crate root), or at `crate::`, `self::`,
        `super::`: `cmd::cat::run(argv)` in main.rs calls src/cmd/cat.rs's `run`. Only a
        file that is the whole path counts: a type or enum on the way is not a module."""
        if not re.fullmatch(r"\w+(?:::\w+)*", qualifier):
            return None
        target = qualifier if qualifier.startswith(_PATH_STARTS) else f"self::{qualifier}"
        for found in scope.imported_files(importer, ImportRef(target=target))[:1]:
            crate, module = rust_module_of(found)
            if crate is not None and module.rsplit("::", 1)[-1] == qualifier.rsplit("::", 1)[-1]:
                return found
        return None

    def manifest_programs(
        self, manifest: Manifest, project: Project, imports: Indexes, told: list[EntryPoint]
    ) -> list[EntryPoint]:
        """Rust: Cargo builds each `[[bin]]` target (`src/bin/<name>.rs` when it names no
        path), `src/main.rs` as the package's binary, and every `src/bin/<name>.rs` and
        `src/bin/<name>/main.rs`, in the top crate and in each workspace member (a virtual
        workspace's `crates/cli` builds its program). A crate kept among the tests
        (`tests/`, a `test_x` crate that CI runs to check the library) builds the tests'
        programs, not the project's."""
        if self._kept_back(manifest, project):
            return []
        points = self._crate_programs(manifest, project, told)
        if "/" not in manifest.path:  # the workspace's members build the project's programs too
            for member in self._members(project):
                if not self._kept_back(member, project):
                    points += self._crate_programs(member, project, [*told, *points])
        known = {p.path for p in told}
        points = [p for p in points if p.path is None or p.path not in known]
        return [p for p in points if p.path is None or project.kinds.get(p.path) is FileKind.SOURCE]

    def _kept_back(self, manifest: Manifest, project: Project) -> bool:
        """Whether a crate below the top is one its authors never release (`publish =
        false`) beside a top package they do: its binaries are their own playground or
        harness, not the project's programs. An unreleased top package (an application)
        keeps its members' programs."""
        if "/" not in manifest.path or not manifest.unpublished:
            return False
        top = [m for m in self.manifests(project, root=True) if m.name]
        return bool(top) and not any(m.unpublished for m in top)

    def main_is_way_in(self, path: str, project: Project) -> bool:
        """Rust: a `main` inside a crate kept back from release (see `_kept_back`) is no
        way into the project."""
        crates = [m for m in self.manifests(project) if self._kept_back(m, project)]
        return not any(path.startswith(folder_of(m.path)) for m in crates)

    def _members(self, project: Project) -> list[Manifest]:
        """The member crates' manifests below the top folder's first level (those at it are
        read as the top folder's own)."""
        members = set(self.workspace_members(project))
        return [
            m
            for m in self.manifests(project)
            if m.path.count("/") > 1 and folder_of(m.path).rstrip("/") in members
        ]

    def _crate_programs(
        self, manifest: Manifest, project: Project, told: list[EntryPoint]
    ) -> list[EntryPoint]:
        base, syntaxes = folder_of(manifest.path), project.syntaxes
        points = [
            declared_executable(
                base=base,
                name=name,
                target=target,
                paths=project.paths,
                syntaxes=syntaxes,
                default=f"{base}src/bin/{name}.rs",
            )
            for name, target in manifest.executables.items()
        ]
        main_rs = f"{base}src/main.rs"
        if main_rs in syntaxes and not any(p.path == main_rs for p in [*told, *points]):
            points.append(
                EntryPoint(
                    kind="executable",
                    name=manifest.name or "main",
                    target=main_rs,
                    path=main_rs,
                    symbol="main",
                )
            )
        known = {p.path for p in [*told, *points]}
        for path in sorted(syntaxes):
            rest = path.removeprefix(f"{base}src/bin/")
            if rest == path or path in known or not syntaxes[path].has_main:
                continue
            if "/" not in rest or rest.endswith("/main.rs"):
                binary = rest.removesuffix("/main.rs").removesuffix(".rs")
                points.append(
                    EntryPoint(
                        kind="executable", name=binary, target=path, path=path, symbol="main"
                    )
                )
        return points

    def workspace_members(self, project: Project) -> list[str]:
        """Rust: `[workspace] members` names crate folders, or globs of them (`crates/*`);
        each member has its own Cargo.toml."""
        patterns = [p.rstrip("/") for m in self.manifests(project, root=True) for p in m.members]
        crates = sorted(folder_of(m.path).rstrip("/") for m in self.manifests(project))
        return [c for c in crates if c and any(fnmatch(c, p) for p in patterns)]

    def has_inline_tests(self, syntax: FileSyntax) -> bool:
        """Rust: a source file carries its own tests in `#[cfg(test)]` or `#[test]` items."""
        return any(_TEST_ATTRIBUTE.match(a) for a in syntax.attributes)

    def test_frameworks(self, evidence: SuiteEvidence) -> list[str]:
        """Rust: tests in `tests/` or inline are run by Cargo's built-in harness."""
        tested = any(s.language in self.languages for s in evidence.syntaxes.values())
        inline = any(evidence.inline[language] for language in self.languages)
        return ["Rust's built-in test harness"] if tested or inline else []

    def test_commands(
        self, manifests: list[Manifest], frameworks: list[str], paths: set[str]
    ) -> list[SuiteCommand]:
        """Rust: `cargo test` runs a crate's tests. In a workspace whose root is a package
        too, it runs the root package's alone; `cargo test --workspace` runs every member's
        (a virtual workspace's `cargo test` runs them all already)."""
        own = self.own(manifests)
        if not own:
            return []
        with_members = any(m.members and m.name for m in own)
        return [SuiteCommand("cargo test")] + (
            [SuiteCommand("cargo test --workspace")] if with_members else []
        )

    def routes(self, path: str, syntax: FileSyntax) -> list[Route]:
        """Rust: a route is an attribute naming a method and a URL path, `#[get("/x")]`."""
        routes: list[Route] = []
        for definition in syntax.definitions:
            for attribute in definition.decorators:
                if match := _ROUTE.match(attribute):
                    method, url = match.group(1).upper(), match.group(2)
                    routes.append(Route(method, url, definition.name, path, definition.line))
        return routes


RUST = Rust()
