"""What every ecosystem model answers, with neutral answers for languages without one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol, TypeVar

from codestory.analysis.entry_point import EntryPoint
from codestory.analysis.file_kind import FileKind
from codestory.analysis.manifests import Manifest
from codestory.analysis.role_types import Role, Route
from codestory.analysis.syntax import Definition, FileSyntax, ImportRef
from codestory.analysis.walk import SourceFile


@dataclass(frozen=True)
class Project:
    """The read-only view of a checkout that models judge from."""

    paths: frozenset[str]
    manifests: tuple[Manifest, ...]
    syntaxes: dict[str, FileSyntax] = field(hash=False)
    kinds: dict[str, FileKind] = field(hash=False)
    # Build files and version headers models read (see `wanted_texts`), by path.
    texts: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Application:
    """Evidence that a project is run as an application rather than imported or typed."""

    ways_in: tuple[str, ...]  # the files where it starts
    evidence: str  # what says so, in words: "`next start` in package.json's scripts"


@dataclass(frozen=True)
class HostedStart:
    """A class the build registers for a host program to run (Java's annotation processor,
    run by the compiler): where the host enters it."""

    path: str  # the file that declares the class
    type_name: str
    method: str  # the method the host calls
    host: str  # who runs it, in words: "the Java compiler"
    role: str  # what the class is to its host: "an annotation processor"
    registry: str  # where the build registers it: a file, or the annotation that does


@dataclass(frozen=True)
class SuiteEvidence:
    """What the manifests and the test files show, for each model to name the frameworks
    its tests are written with."""

    declared: frozenset[str]  # every manifest's dependencies, lower-cased
    scripts: str  # every manifest's scripts, joined
    imported: Counter[str]  # the first part of each name the test files import
    includes: frozenset[str]  # each name the test files import, whole
    syntaxes: dict[str, FileSyntax] = field(hash=False)  # the test files
    inline: Counter[str] = field(hash=False)  # source files with their own tests, by language


class CommandStage(Enum):
    """Where a way of running the tests stands among the project's others."""

    SCRIPT = "script"  # a script the project declares, run before the ecosystems' runners
    RUNNER = "runner"  # the ecosystem's own test runner
    ENVIRONMENTS = "environments"  # a runner of test environments, after the Makefile's target


@dataclass(frozen=True)
class SuiteCommand:
    command: str
    stage: CommandStage = CommandStage.RUNNER
    # Already the authors' wrapper (a Python runner, an npm script): a Makefile target does
    # not come before it.
    replaces_make: bool = False


class ImportResolver:
    """Which files of the repository one import names, by one ecosystem's convention,
    indexed once per checkout. The neutral one names none."""

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        return []


# A local name's meaning: (the file it comes from, the name in that file, or None when the
# local name stands for that module or package as a whole).
Binding = tuple[str, str | None]

_R = TypeVar("_R", bound=ImportResolver)


class Indexes(Protocol):
    """The checkout's indexes of each ecosystem's imports."""

    def index(self, kind: type[_R]) -> _R:
        """The index of one ecosystem's imports (Python's module names), by its type."""
        ...


class ImportScope(Indexes, Protocol):
    """What the call graph knows of a checkout, for a model to bind an import's names."""

    @property
    def syntaxes(self) -> dict[str, FileSyntax]: ...

    def imported_files(self, importer: str, ref: ImportRef) -> list[str]:
        """The repository files `ref` names, the importer itself aside."""
        ...

    def defines(self, path: str, name: str) -> bool:
        """Whether `path` defines `name` at its top level."""
        ...


class Ecosystem:
    """The neutral model: every main function is a way in, nothing marks an application."""

    name = "generic"
    languages: frozenset[str] = frozenset()
    manifest_ecosystems: frozenset[str] = frozenset()
    imports_folders = False  # an import names a folder (a package), not a file
    # A program's file runs its top-level statements when started (a Node `bin` script):
    # with no main function, its program is what those statements call. Where no file runs
    # as a script, a top-level call is a parse that went astray.
    runs_top_level = False
    # How a test file is named (a regular expression for the whole name), where the
    # ecosystem's tools find tests by name: `test_*.py`, `*_test.go`.
    test_file_names: str | None = None
    # Names the language gives every file without an import (Rust's primitive types and
    # prelude, Go's predeclared identifiers): a file that says one may not mean the
    # project's own definition of that name.
    builtin_names: frozenset[str] = frozenset()
    # Whether a parameter's name follows its type (`Config config`, `char *name`) rather
    # than leading it (`config: Config`, `name string`).
    parameter_name_last: bool = False
    # Top-level folders that by the ecosystem's convention hold the project's build
    # automation, not its code (Cargo's `xtask`, run as `cargo xtask`).
    tooling_folders: frozenset[str] = frozenset()
    # Where its build never compiles this ecosystem's files: a regular expression for a
    # folder's name (Go's `_js`, `_scripts`), and the suffix of the files it applies to.
    unbuilt_folders: str | None = None
    source_suffix: str | None = None
    # Folders below the top that hold tests by a build's layout (Maven's `src/test`).
    test_roots: frozenset[str] = frozenset()
    # Folders a build keeps production code in (Maven's `src/main`): a file there is never a
    # test by its name alone (JUnit's own `RepeatedTest.java`).
    source_roots: frozenset[str] = frozenset()
    # Source folders, below `src/<set>/`, where a package name starts (`src/main/java`):
    # the folders under them are the package's name, not what the files are for.
    package_roots: frozenset[str] = frozenset()

    def manifests(self, project: Project, *, root: bool = False) -> list[Manifest]:
        """The project's manifests of this ecosystem (at the top of the tree, with `root`)."""
        return [
            m
            for m in project.manifests
            if m.ecosystem in self.manifest_ecosystems and not (root and "/" in m.path)
        ]

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> ImportResolver:
        """How this ecosystem's imports name the repository's files."""
        return ImportResolver()

    def project_name(self, declared: str) -> str:
        """The project's name in a manifest's declared name: its last path segment."""
        return declared.rsplit("/", 1)[-1]

    def bind_import(
        self, importer: str, ref: ImportRef, scope: ImportScope, bound: dict[str, Binding]
    ) -> None:
        """The local names an import of `importer` binds, added to `bound` in the order the
        language's scoping gives them (a later import of a name hides an earlier one)."""

    def package_scope(self, syntax: FileSyntax) -> bool:
        """Whether the files of a folder share one scope, so a bare name (or `pkg.name`
        through an imported package) may be defined in any file of the folder."""
        return False

    def separate_namespaces(self, path: str, other: str) -> bool:
        """Whether two files' top-level names live apart, so a bare name in a third file
        cannot be told to mean either's."""
        return False

    def method_home(self, path: str) -> str:
        """Where the methods of a type defined in `path` may be written, as a key shared by
        every file that may hold them: "" where any file of the project may."""
        return ""

    def class_scope(self, syntax: FileSyntax) -> bool:
        """Whether a bare call inside a class may name a method of that class."""
        return False

    def handed_member(self, caller: Definition, member: Definition) -> bool:
        """Whether a bare name handed on inside `caller` (`Apply(FullMatchN, ...)`) may be
        `member`, a method of the caller's own class."""
        return False

    def path_module(self, importer: str, qualifier: str, scope: ImportScope) -> str | None:
        """The file of the module a call's qualifier names as a path from where it is
        written (Rust's `cmd::cat::run(argv)`), where no import binds it."""
        return None

    def qualified_types_imported(self, syntax: FileSyntax) -> bool:
        """Whether a type written `pkg.Name` always names another package's type through
        the file's import of `pkg` (the language nests no types), so one whose qualifier
        the file binds to none of the project's packages (`io.Writer`) is not the project's,
        whatever the project calls its own types."""
        return False

    def package_mates(self, syntax: FileSyntax) -> bool:
        """Whether the types of one declared package see each other without an import."""
        return False

    def makes_itself(self) -> bool:
        """Whether a type's associated function called on the type's path (`Cli::parse()`)
        is taken to make that type, as the language's constructors are written."""
        return False

    def global_functions(self, syntax: FileSyntax) -> bool:
        """Whether a file's functions are global across files, so a function name only one
        file defines is the one a bare call elsewhere reaches."""
        return False

    def routes(self, path: str, syntax: FileSyntax) -> list[Route]:
        """The HTTP routes a file declares, by its web frameworks' conventions."""
        return []

    def decorator_role(self, path: str, definition: Definition) -> Role | None:
        """The command or task a definition's decorators declare it to be."""
        return None

    def commands(self, path: str, syntax: FileSyntax) -> list[Role]:
        """The commands a file declares in tables rather than by decorators; a role's name
        is its handler as written."""
        return []

    def runs_root_command(self, call_name: str) -> bool:
        """Whether a `main`'s call of this name runs its command table's root command, so
        the run goes on in that command's handler."""
        return False

    def command_literal(self, role: Role, syntax: FileSyntax) -> Definition | None:
        """A command's handler written in place as an anonymous function, as a definition
        of its own whose calls are the function's."""
        return None

    def read_as(self, files: list[SourceFile]) -> list[SourceFile]:
        """The checkout's files, with the language this ecosystem's conventions give a file
        whose suffix several of its languages share."""
        return files

    def manifest_programs(
        self,
        manifest: Manifest,
        project: Project,
        imports: Indexes,
        told: list[EntryPoint],
    ) -> list[EntryPoint]:
        """The ways in one of this ecosystem's manifests declares (its folder's programs and
        package entry), after those already `told`."""
        return []

    def main_is_way_in(self, path: str, project: Project) -> bool:
        """Whether a file whose code has a main function or guard starts the program."""
        return True

    def program_name(self, path: str, project: Project) -> str | None:
        """The name of the program a file with a main function builds, where the build's
        conventions give one without declaring it."""
        return None

    def application(self, project: Project) -> Application | None:
        """An application's ways in, by the conventions of its frameworks."""
        return None

    def builds_declare_programs(self, project: Project) -> bool | None:
        """Whether the build names the programs it makes (None: this ecosystem's builds do
        not say), so a main it does not name is a utility's rather than the project's."""
        return None

    def needs_an_extra(self, syntax: FileSyntax, required: list[str], optional: list[str]) -> bool:
        """Whether the file a declared program starts in imports a package only an optional
        feature brings in, so the program runs only where that feature is installed: the
        project is then what its required code is, and the program one it also ships."""
        return False

    def named_mains(self, project: Project) -> set[str]:
        """Files the build names as its program's start (a jar's `Main-Class`): of several
        mains, these are the program's, the others its utilities'."""
        return set()

    def workspace_members(self, project: Project) -> list[str]:
        """The folders of the packages the top-level build joins into one workspace."""
        return []

    def hosted_starts(self, project: Project) -> list[HostedStart]:
        """Classes the build registers for a host program to run: a way in for a project
        no user calls directly (a compiler plug-in)."""
        return []

    def root_is_package(self, project: Project) -> bool:
        """Whether the code at the top of the tree is the package the project is named for,
        the one its users import first, however much more code sits in folders."""
        return False

    def generated_folders(self, paths: set[str]) -> set[str]:
        """Folders whose files a build tool writes from the project's own sources."""
        return set()

    def build_files(self, paths: set[str]) -> set[str]:
        """The build descriptions whose texts `scripts_run_by_build` reads."""
        return set()

    def scripts_run_by_build(self, builds: dict[str, str], paths: set[str]) -> set[str]:
        """Scripts the build runs while it configures or builds (given the texts of
        `build_files`): build tooling whatever their language, never a way in."""
        return set()

    def renames_a_type(self, definition: Definition) -> bool:
        """Whether a definition only gives another type a new name: the idea is the type
        it names, not the alias."""
        return False

    def superseded(self, project: Project) -> set[str]:
        """Top-level manifests another build of the same project has replaced: what they
        declare is no longer the project's."""
        return set()

    def declares_only(self, path: str) -> bool:
        """Whether a file only declares the types of code written elsewhere, so the ideas
        it names live in that code."""
        return False

    def has_inline_tests(self, syntax: FileSyntax) -> bool:
        """Whether a source file carries its own tests."""
        return False

    def test_frameworks(self, evidence: SuiteEvidence) -> list[str]:
        """The frameworks the tests are written with."""
        return []

    def test_commands(
        self, manifests: list[Manifest], frameworks: list[str], paths: set[str]
    ) -> list[SuiteCommand]:
        """The commands that run the tests, from the top-level `manifests`, the frameworks
        found and the checkout's paths."""
        return []

    def own(self, manifests: list[Manifest]) -> list[Manifest]:
        """The manifests of this ecosystem among `manifests`."""
        return [m for m in manifests if m.ecosystem in self.manifest_ecosystems]

    def working_environments(self, manifests: list[Manifest]) -> list[Manifest]:
        """The top-level `manifests`, with those that only pin the environment the authors
        work in read as development."""
        return manifests

    def most_used_first(self, project: Project, dependencies: list[str]) -> list[str]:
        """The run-time dependencies in the order they are worth naming: those more of the
        code imports first, where the ecosystem's imports name them plainly."""
        return dependencies

    def tools_first(self, manifests: list[Manifest], dev: list[str]) -> list[str]:
        """The development packages in the order they are worth naming: those whose tools
        the project's own scripts run before the rest, where the ecosystem's manifests say."""
        return dev

    def test_only_dependencies(self, project: Project, dependencies: list[str]) -> set[str]:
        """Declared dependencies that only the tests use, where the manifest cannot say."""
        return set()

    def version_kept(self, manifest: Manifest) -> bool:
        """Whether the version a manifest of this ecosystem declares is the one released,
        rather than a stand-in a release tool replaces when it publishes."""
        return True

    def declared_version(self, project: Project) -> str | None:
        """A version the build or the code declares where no package manifest does."""
        return None

    def release_behind(self, version: str, project: Project) -> bool:
        """Whether a changelog's latest release is older than the code its build declares,
        by this ecosystem's versioning conventions: a changelog no longer kept."""
        return False

    def wanted_texts(self, paths: frozenset[str], kinds: dict[str, FileKind]) -> set[str]:
        """The files, besides manifests, whose text this model reads."""
        return set()
