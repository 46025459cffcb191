"""Turn a checkout into RepoFacts: everything the narrative may say, and nothing more."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Mapping
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, Field

from codestory.analysis import ecosystems
from codestory.analysis.call_chain import inner_call
from codestory.analysis.callgraph import (
    BRANCH_STEPS,
    SHORT_BRANCH_STEPS,
    CallGraph,
    FileUses,
    Symbol,
    branch,
    declared_only,
    follow,
    reach,
)
from codestory.analysis.changelog import Release, is_changelog, latest_release
from codestory.analysis.classify import (
    PACKAGING_HOLDINGS,
    TOOLING_DIRS,
    FileKind,
    classify,
    classify_path,
    holdings,
    vendored_copies,
)
from codestory.analysis.collector import collector_paused
from codestory.analysis.dependencies import Dependencies, select_dependencies
from codestory.analysis.ecosystems.c_cpp import configured_makefile
from codestory.analysis.entry_point import EntryPoint, main_symbol, own_definition
from codestory.analysis.families import FileFamily, file_families
from codestory.analysis.history import HistoryFacts, parse_git_log
from codestory.analysis.languages import is_code, language_of
from codestory.analysis.layers import Part, package_doc, parts
from codestory.analysis.make_recipes import make_recipe
from codestory.analysis.manifests import (
    Manifest,
    automake_tests,
    inherit_managed_scopes,
    is_manifest,
    make_targets,
    parse_manifest,
)
from codestory.analysis.parallel import PARALLEL_MIN_FILES, parse_many, prestart
from codestory.analysis.paths import file_name, normalise, parent_dir
from codestory.analysis.project_kind import ProjectKind, project_kind
from codestory.analysis.readme import (
    ReadmeSummary,
    maintenance_notice,
    pointed_document,
    summarise_readme,
    with_pointed_document,
)
from codestory.analysis.readme_commands import first_shown
from codestory.analysis.resolve import Resolver
from codestory.analysis.roles import Role, Route, find_roles, find_routes
from codestory.analysis.stated_types import unqualified
from codestory.analysis.surface import tree_surface
from codestory.analysis.syntax import Call, Definition, FileSyntax
from codestory.analysis.syntax_cache import DEFAULT_MAX_BYTES, SyntaxCache
from codestory.analysis.task_runners import test_command as runner_test_command
from codestory.analysis.testsuite import TestSuite, describe_tests
from codestory.analysis.usage_example import LOOPED, example_blocks, read_examples
from codestory.analysis.version import analyser_version
from codestory.analysis.walk import AnalysisError, SourceFile, read_text, walk_repository
from codestory.core.identifiers import split_identifier

ANALYSER_VERSION = analyser_version()
# Tests, examples and docs are read for three things: the frameworks they import, a test
# worth opening, and which of the project's names they use (a small weight in ranking the
# key ideas). Past this many, an even sample across the suite answers all three alike, and
# a large suite no longer costs more than the code it tests.
MAX_PARSED_SUPPORT_FILES = 100
# Method names that do a type's work, in the order a reader would look for them.
# Kinds whose way in is their API, whatever small programs they ship beside it.
LIBRARY_KINDS = frozenset({"library", "framework"})
CALLABLE = frozenset({"function", "method"})
MINOR_LANGUAGE = 0.1  # of the source files: a language the project barely uses
_PRINTER_STEMS = frozenset({"version", "usage", "help", "about", "license", "banner"})
ENTRY_VERBS = (
    "execute",
    "run",
    "serve",
    "listen",
    "start",
    "handle",
    "main",
    "process",
    "call",
    "parse",
)
CI_MARKERS = {
    ".github/workflows/": "GitHub Actions",
    ".gitlab-ci.yml": "GitLab CI",
    ".circleci/": "CircleCI",
    "Jenkinsfile": "Jenkins",
    "azure-pipelines.yml": "Azure Pipelines",
    ".travis.yml": "Travis CI",
    "appveyor.yml": "AppVeyor",
    ".cirrus.yml": "Cirrus CI",
    ".ci/": "a CI script in .ci",
}
_README = re.compile(r"^readme(\.(md|markdown|rst|txt))?$", re.IGNORECASE)
_ENTRY_NAMES = ("__main__", "main", "cli", "app", "server", "index", "run", "manage")
_DOCKER_COMMAND = re.compile(r"^[^\S\n]*(?:ENTRYPOINT|CMD)\s+(.+)$", re.MULTILINE | re.IGNORECASE)
MIN_KEY_MODULE_LINES = 15
# A path from a way in to where the work is done: up to this many calls after the start.
PATH_HOPS = 7
_SHELL_TESTS = (".fish", ".ksh", ".csh", ".tcsh", ".ztst")
MAX_PATHS = 3  # the most paths a tour tells (a deep dive, or a large project)
KEY_TYPE_PATHS = 2  # paths from a library's key types when no example shows it in use
# Kinds of definition that name a concept of the design rather than a step of it.
IDEA_KINDS = frozenset(
    {"class", "struct", "interface", "trait", "enum", "type", "union", "annotation"}
)
# Folders whose names say they hold helpers for the rest of the code.
HELPER_FOLDERS = frozenset({"util", "utils", "helpers", "helper", "misc", "compat", "common"})
# A version as projects write them; `attr: pkg.__version__` or `${revision}` is a pointer.
_VERSION_LIKE = re.compile(r"^v?\d+(?:\.\w+)*(?:[-+~][\w.+-]*)?$")
# Calls by which a program's main file waits for connections: it is a server.
SERVING_CALLS = frozenset(
    {"listen", "ListenAndServe", "ListenAndServeTLS", "serve_forever", "event_base_loop"}
)


class LanguageShare(BaseModel):
    name: str
    files: int
    lines: int
    percent: float


class Readme(BaseModel):
    path: str
    title: str | None = None
    summary: str | None = None
    notice: str | None = None  # its top says the project is no longer maintained


class Area(BaseModel):
    """A top-level folder and what it holds, judged by the files inside."""

    path: str
    files: int
    kind: FileKind
    language: str | None = None
    doc: str | None = None  # the package's own description, when it has one
    holds: str | None = None  # for a folder with no code: what is in it, in words


class ModuleFact(BaseModel):
    path: str
    language: str
    lines: int
    kind: FileKind
    doc: str | None = None
    definitions: list[str] = Field(default_factory=list)  # public top-level names
    importers: int = 0  # other source files that import it (its package, where imports name
    # a folder)
    package: str | None = None  # the folder imported as one package (Go); "." the root
    # Its first public definitions with a summary of their own: what the module is for, in
    # the authors' words, when the module has no comment of its own.
    lead: str | None = None
    lead_doc: str | None = None


class MemberFact(BaseModel):
    """A method of a key type, as the story names it."""

    name: str
    path: str
    line: int
    doc: str | None = None


class SymbolFact(BaseModel):
    name: str  # qualified: Class.method
    kind: str
    path: str
    line: int
    doc: str | None = None
    signature: str | None = None
    used_by: int = 0  # other source files that call or import it
    used_outside: int = 0  # tests and examples that use it: a sign of public API
    named_by: int = 0  # other source files that name it, followed by the resolver or not
    members: int = 0  # methods and fields defined for it: the substance of a type
    methods: list[MemberFact] = Field(default_factory=list)  # its most used, for a type
    heirs: list[str] = Field(default_factory=list)  # the project's types that extend it
    # Other source files that declare a parameter, local or field of this type: a type the
    # code works on everywhere (C's `lua_State *L`, `conn *c`) even where its name is a word.
    typed_by: int = 0
    # The project's own types its fields are declared with: what the type is made of.
    holds: list[str] = Field(default_factory=list)


class ControlStep(BaseModel):
    path: str
    name: str
    line: int
    lines: int = 0  # the length of its body
    doc: str | None = None
    signature: str | None = None
    # The first step of a path taken from the README's usage example: the call as shown.
    via: str | None = None
    # Reached by being handed on (a callback, a handler), not by a call from the step before.
    handed: bool = False
    # The first step of a path that starts at a command's handler: the command's name.
    command: str | None = None
    # The first step of a path that leaves a path told before from this step, by another call.
    branch: bool = False
    # A factory whose result the package hands out: that value's name (`ky`).
    made: str | None = None
    # The first step of a path a script's top-level code starts (no main function): the
    # script's path.
    script: str | None = None
    # The first step of a path a host program enters (the compiler's annotation processor):
    # "host|role|class|registry", as the ecosystem model found them.
    hosted: str | None = None


class RoleFacts(BaseModel):
    routes: list[Route] = Field(default_factory=list)
    commands: list[Role] = Field(default_factory=list)
    tasks: list[Role] = Field(default_factory=list)
    models: list[Role] = Field(default_factory=list)
    configs: list[Role] = Field(default_factory=list)


class RepoFacts(BaseModel):
    name: str
    analyser_version: str = ANALYSER_VERSION
    kind: str = "library"  # library, framework, cli, application or service
    kind_evidence: str = ""
    description: str | None = None
    readme: Readme | None = None
    version: str | None = None
    release: Release | None = None
    history: HistoryFacts | None = None
    total_files: int
    code_files: int
    code_lines: int
    languages: list[LanguageShare]
    kinds: dict[str, int]  # files of each FileKind among code files
    areas: list[Area]
    root_files: list[str]
    # The top-level code is the package the project is named for (a Go module's root).
    root_package: bool = False
    # The folders of the packages the top-level build joins in a workspace, largest first.
    workspace: list[str] = Field(default_factory=list)
    manifests: list[Manifest]
    dependencies: list[str]
    dev_dependencies: list[str]
    optional_dependencies: list[str] = Field(default_factory=list)
    peer_dependencies: list[str] = Field(default_factory=list)
    platform_dependencies: list[str] = Field(default_factory=list)  # some platforms only
    build_dependencies: list[str] = Field(default_factory=list)  # a build script's
    optional_by_default: list[str] = Field(default_factory=list)  # on unless opted out
    # The manifest the dependencies come from when the top one declares none (a build of
    # several modules speaks through the module that holds most of the code).
    dependencies_from: str | None = None
    # The share of calls to names the project defines that the call graph followed for
    # certain: how far a path told from it can be trusted.
    resolution: float = 1.0
    # The largest source folders and the imports between them.
    parts: list[Part] = Field(default_factory=list)
    # Files of a large folder that share a name's first or last word (`cmd-*.c`).
    families: list[FileFamily] = Field(default_factory=list)
    entry_points: list[EntryPoint]
    control_paths: list[list[ControlStep]]
    # A library's way in: what its package hands out (`module.exports`, `export default`).
    library_entry: ControlStep | None = None
    key_modules: list[ModuleFact]
    key_symbols: list[SymbolFact]
    roles: RoleFacts
    tests: TestSuite
    ci: list[str]
    make_targets: list[str]
    docker_command: str | None = None
    skipped_files: int = 0
    modules: dict[str, ModuleFact] = Field(default_factory=dict, repr=False)
    symbol_names: list[str] = Field(default_factory=list, repr=False)

    @property
    def is_library(self) -> bool:
        return not any(e.kind != "library main" for e in self.entry_points)

    def known_paths(self) -> set[str]:
        return set(self.modules) | {m.path for m in self.manifests} | set(self.root_files)


def evenly(items: list[SourceFile], limit: int) -> list[SourceFile]:
    """At most `limit` of `items`, spread evenly so every part of a large suite is seen."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def parse_jobs(
    root: Path, code: list[SourceFile], kinds: dict[str, FileKind]
) -> list[tuple[str, str, Path]]:
    """The files worth parsing: every source file, and an even sample of the rest (never
    vendored, generated or minified code)."""
    own = [f for f in code if kinds[f.path] is FileKind.SOURCE]
    support = evenly(support_files(code, kinds), MAX_PARSED_SUPPORT_FILES)
    return [(f.path, f.language or "", root / f.path) for f in [*own, *support]]


def support_files(code: list[SourceFile], kinds: dict[str, FileKind]) -> list[SourceFile]:
    """The tests, examples and docs worth parsing (never vendored, generated or minified
    code), by path."""
    skipped = {FileKind.SOURCE, FileKind.VENDORED, FileKind.GENERATED, FileKind.MINIFIED}
    return sorted((f for f in code if kinds[f.path] not in skipped), key=lambda f: f.path)


def _parts(code: Code, importers: dict[str, set[str]]) -> list[Part]:
    """The source's folders and how they lean on each other, each with what its package says
    of itself."""
    docs = {p: code.syntaxes[p].module_doc for p in code.source_paths}
    return [
        part.model_copy(update={"doc": package_doc(part.folder, docs)})
        for part in parts(code.source_paths, code.line_counts, importers)
    ]


def _languages(files: list[SourceFile], kinds: dict[str, FileKind]) -> list[LanguageShare]:
    counts: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    kept = [
        f
        for f in files
        if is_code(f.language)
        and f.readable
        and f.language
        and kinds.get(f.path) not in {FileKind.VENDORED, FileKind.GENERATED, FileKind.MINIFIED}
    ]
    # What the project is written in is what its own code is written in: a C library's
    # Python test scripts or a tool's shell examples do not make it a Python project.
    own = [f for f in kept if kinds.get(f.path) is FileKind.SOURCE]
    kept = own or kept
    # A `.h` header is C++'s where the project's sources are C++ (`.cc`, `.cpp`), not C.
    sources = Counter(f.language for f in kept if not f.path.endswith(".h"))
    headers_are = "C++" if sources["C++"] > sources["C"] else "C"
    for f in kept:
        language = headers_are if f.path.endswith(".h") else str(f.language)
        counts[language] += 1
        lines[language] += f.lines
    total = sum(lines.values()) or 1
    return [
        LanguageShare(name=n, files=counts[n], lines=c, percent=round(100 * c / total, 1))
        for n, c in lines.most_common()
    ]


LEFT_OUT = frozenset({FileKind.VENDORED, FileKind.GENERATED, FileKind.MINIFIED})
BUILD_DESCRIPTIONS = frozenset({"CMake", "Makefile"})
SPLIT_SOURCE_SETS = {"main", "test", "testFixtures", "integrationTest", "jmh"}


def _areas(
    files: list[SourceFile],
    kinds: dict[str, FileKind],
    syntaxes: dict[str, FileSyntax],
    unbuilt: frozenset[str] = frozenset(),
) -> tuple[list[Area], list[str]]:
    members: dict[str, list[SourceFile]] = defaultdict(list)
    root_files: list[str] = []
    module_docs = {p: s.module_doc for p, s in syntaxes.items()}
    for f in files:
        head, _, rest = f.path.partition("/")
        (members[head].append(f) if rest else root_files.append(f.path))
    # Maven's and Gradle's `src/main` and `src/test` are two areas, not one `src`.
    for head in list(members):
        seconds = {f.path.split("/")[1] for f in members[head] if f.path.count("/") >= 2}
        if {"main", "test"} <= seconds:
            for f in members.pop(head):
                second = f.path.split("/")[1] if f.path.count("/") >= 2 else ""
                members[f"{head}/{second}" if second in SPLIT_SOURCE_SETS else head].append(f)
            remainder = members.pop(head, [])
            # Site, changes, assembly: not parts to tour, unless code sits there, and then
            # the one folder that holds it is the part (Maven's `src/site`), not all of `src`.
            code_files = [f for f in remainder if is_code(f.language)]
            holders = {f.path.split("/")[1] for f in code_files}
            if len(holders) == 1 and all(f.path.count("/") >= 2 for f in code_files):
                folder = f"{head}/{holders.pop()}"
                members[folder] = [f for f in remainder if f.path.startswith(folder + "/")]
            elif holders:
                members[head] = remainder
    areas = []
    for name, inside in members.items():
        code = [f for f in inside if is_code(f.language) and f.path in kinds]
        # A folder's build description (its `CMakeLists.txt`, `Makefile`) builds what is
        # there: it says neither what the folder holds nor its language, unless it is all
        # there is (a header-only library's `include/` is C++, an example's folder examples).
        code = [f for f in code if f.language not in BUILD_DESCRIPTIONS] or code
        kind_counts = Counter(kinds[f.path] for f in code)
        own = Counter({k: n for k, n in kind_counts.items() if k not in LEFT_OUT})
        # A folder of the project's own tests that also holds a copied framework (cJSON's
        # tests/unity) is a test folder: the copy is left out, not the folder's role.
        kind_counts = own or kind_counts
        holds = None
        if name.lower() == "testdata" or "fixture" in name.lower():
            # Go's `testdata`, a folder of fixtures: what the tests read, whatever its files.
            kind, holds = FileKind.DATA, "inputs for the tests"
        elif code:
            kind = kind_counts.most_common(1)[0][0]
            # A module whose tests outnumber its code is still where that code lives, and
            # so is a folder built as a module of its own (its own pom.xml, package.json).
            own_build = any(f.path.count("/") == 1 and is_manifest(f.path) for f in inside)
            if kind_counts[FileKind.SOURCE] and (
                kind_counts[FileKind.SOURCE] * 4 >= len(code) or own_build
            ):
                kind = FileKind.SOURCE
        elif name.lower() in {"doc", "docs"}:
            kind = FileKind.DOCS
        elif name.lower() in TOOLING_DIRS:
            # `packaging/` with a systemd unit holds no tool: it says what it holds.
            described = holdings([f.path for f in inside])
            kind = FileKind.DATA if described == PACKAGING_HOLDINGS else FileKind.TOOLING
            holds = described if kind is FileKind.DATA else None
        elif name.lower() in _TEMPLATE_DIRS:
            # Template engines' folder (Jinja's, Askama's, Go's, Express's views): what is
            # in it is filled in by the code, whatever its files' suffixes say.
            kind, holds = FileKind.DATA, "the templates it renders"
        else:  # no code at all: say what is there rather than guess at a role
            kind, holds = FileKind.DATA, holdings([f.path for f in inside])
        if inside and all(_COMPLETIONS.search(f"/{f.path}") for f in inside):
            # A command-line tool's shell completions (`contrib/completion/_fd`,
            # `completions/x.fish`): what the shell reads, not the project's tooling.
            kind, holds = FileKind.DATA, "shell completion scripts"
        languages = Counter(f.language for f in code if f.language)
        if kind is FileKind.SOURCE and set(languages) <= {
            "Shell",
            "Makefile",
            "Dockerfile",
            "PowerShell",
            "Starlark",
        }:
            kind = FileKind.TOOLING  # scripts around the project, not the project
        elif kind is FileKind.SOURCE and languages and set(languages) <= unbuilt:
            # Code no build of the project makes (C and Python kept beside a Cargo crate
            # to compare against): the authors' helpers, said in its languages.
            kind = FileKind.TOOLING
            named = sorted(languages)
            said = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
            holds = f"code in {said} that its build does not make"
        doc = package_doc(name, module_docs)
        areas.append(
            Area(
                path=name,
                files=len(inside),
                kind=kind,
                language=languages.most_common(1)[0][0] if languages else None,
                doc=doc,
                holds=holds,
            )
        )
    areas.sort(key=lambda a: (-a.files, a.path))
    return areas, sorted(root_files)


def _ci(paths: list[str]) -> list[str]:
    return [
        label
        for marker, label in CI_MARKERS.items()
        if any(p == marker or p.startswith(marker) for p in paths)
    ]


def _root_first(manifests: list[Manifest]) -> list[Manifest]:
    return sorted(manifests, key=lambda m: (m.path.count("/"), m.kind == "Helm chart", m.path))


def _unbuilt_languages(
    manifests: list[Manifest], syntaxes: dict[str, FileSyntax], kinds: dict[str, FileKind]
) -> set[str]:
    """Where the project's main language has its build (a Cargo crate, a Go module), the
    other languages of its code that no build of their own makes: a C or Python program
    kept to compare against is the authors' helper, not a way in nor a module to know."""
    built = {of.name for m in manifests if (of := ecosystems.of_manifest(m)).manifest_ecosystems}
    spoken = Counter(s.language for p, s in syntaxes.items() if kinds.get(p) is FileKind.SOURCE)
    if not spoken or ecosystems.of_language(spoken.most_common(1)[0][0]).name not in built:
        return set()
    return {lang for lang in spoken if ecosystems.of_language(lang).name not in built}


def _entry_points(
    project: ecosystems.Project,
    resolver: Resolver,
    graph: CallGraph,
    docker_command: str | None,
    unbuilt: frozenset[str] = frozenset(),
) -> list[EntryPoint]:
    """The project's ways in; none in a language no build of the project makes
    (`_unbuilt_languages`)."""
    manifests, syntaxes, kinds = list(project.manifests), project.syntaxes, project.kinds
    points: list[EntryPoint] = []
    for model in ecosystems.ECOSYSTEMS:
        application = model.application(project)
        if application is not None:
            points += [
                EntryPoint(kind="application", name=application.evidence, target=p, path=p)
                for p in application.ways_in
            ]
    for manifest in _root_first(manifests):
        if manifest.path.count("/") > 1:
            continue
        model = ecosystems.of_manifest(manifest)
        points += model.manifest_programs(manifest, project, resolver, points)
    mains = [
        p
        for p, s in syntaxes.items()
        if s.has_main
        and kinds.get(p) is FileKind.SOURCE
        and ecosystems.of_language(s.language).main_is_way_in(p, project)
    ]
    source = {p for p, k in kinds.items() if k is FileKind.SOURCE}
    # A script in a language the project barely uses (a C++ library's Python plotting or
    # generating scripts) is the authors' helper, not a way into the project.
    spoken = Counter(syntaxes[p].language for p in source if p in syntaxes)
    minor = {lang for lang, n in spoken.items() if n < MINOR_LANGUAGE * sum(spoken.values())}
    if any(syntaxes[p].language not in minor for p in mains):
        mains = [p for p in mains if syntaxes[p].language not in minor]
    mains = [p for p in mains if syntaxes[p].language not in unbuilt]

    def reached(path: str) -> int:
        main = next(
            (d for d in syntaxes[path].definitions if d.name == "main" and d.kind != "class"),
            None,
        )
        return reach(graph, Symbol(path, main), allowed=source) if main else 0

    # The main that does the program's work comes first: of several, the one that reaches
    # most of the project's code (JUnit's runner, not the class that prints its version).
    reaches = {p: reached(p) for p in mains}
    # Then a main in a file of substance over one in a small helper.
    sizes = {p: max((d.end_line for d in syntaxes[p].definitions), default=0) for p in mains}
    # First of all, the mains the build names as its program's.
    named = {p for model in ecosystems.ECOSYSTEMS for p in model.named_mains(project)}
    mains.sort(
        key=lambda p: (
            p not in named,
            -min(reaches[p], 10) // 5,
            PurePosixPath(p).stem not in _ENTRY_NAMES,
            -min(sizes[p], 1000) // 100,
            p.count("/"),
            p,
        )
    )
    if named:  # the build names its programs' mains: the others are utilities' and demos'
        mains = [p for p in mains if p in named]
    if any(reaches[p] >= 3 for p in mains):
        # A main that calls nothing of the project's own (JUnit's Version prints a version)
        # is a utility beside the program, not a way into it.
        mains = [p for p in mains if reaches[p] > 0]
    # A main in a file named for what it prints (`Version`, `Usage`, `Help`) is a utility
    # beside the program, whatever the language.
    printers = [p for p in mains if PurePosixPath(p).stem.lower() in _PRINTER_STEMS]
    if len(printers) < len(mains):
        mains = [p for p in mains if p not in printers]
    declared = {p.path for p in points}
    if any(p.kind in {"console script", "executable", "application"} for p in points):
        # The packaging names the programs; other mains are helpers, demos and scripts.
        mains = []
    for path in mains[:5]:
        program = ecosystems.of_language(syntaxes[path].language).program_name(path, project)
        if path not in declared:
            points.append(
                EntryPoint(
                    kind="executable" if program else "main module",
                    name=program or path,
                    target=path,
                    path=path,
                    symbol=main_symbol(path, syntaxes),
                )
            )
    if docker_command:
        points.append(
            EntryPoint(kind="Docker command", name="the container", target=docker_command)
        )
    if not any(p.kind != "library main" for p in points):
        index = next((p for p in ("index.js", "index.ts", "src/index.ts") if p in syntaxes), None)
        if index and not points:
            points.append(EntryPoint(kind="library main", name=index, target=index, path=index))
    return points


def _one_per_package(modules: list[ModuleFact]) -> list[ModuleFact]:
    """Where a folder is imported as one package, its files share one importer count: the
    package is told once, through its largest file."""
    best: dict[str, ModuleFact] = {}
    for module in modules:
        key = module.package or module.path
        if key not in best or module.lines > best[key].lines:
            best[key] = module
    kept = {id(m) for m in best.values()}
    return [m for m in modules if id(m) in kept]


TYPE_KINDS = frozenset({"class", "struct", "interface", "trait", "enum", "type"})


def _typed_by(
    source_paths: list[str], syntaxes: dict[str, FileSyntax], bound: Mapping[str, Container[str]]
) -> dict[str, set[str]]:
    """Type name -> the source files that declare a parameter, local or field of it."""
    typed: dict[str, set[str]] = defaultdict(set)
    for path in source_paths:
        syntax = syntaxes[path]
        stated = [t for d in syntax.definitions for _, t in d.types] + [
            t for _, t in syntax.module_types
        ]
        for value in stated:
            if value.startswith("()"):  # a constructor call names a function, not a type
                continue
            name = unqualified(value, bound.get(path, {}))
            if name is not None:
                typed[name].add(path)
    return typed


def _named_by(source_paths: list[str], syntaxes: dict[str, FileSyntax]) -> dict[str, set[str]]:
    """The source files that name each top-level definition, by word: a reference the
    resolver cannot follow (a type in a signature, a re-export, a macro) still counts."""
    defined = {d.name for p in source_paths for d in syntaxes[p].definitions if d.parent is None}
    named: dict[str, set[str]] = defaultdict(set)
    for path in source_paths:
        for word in syntaxes[path].words & defined:
            named[word].add(path)
    return named


def _names_apart(source_paths: list[str], syntaxes: dict[str, FileSyntax]) -> set[str]:
    """Top-level names defined in separate namespaces (each crate's `Error`): a file that
    says one, or types a value with it, is no evidence for either definition."""
    definers: dict[str, list[str]] = defaultdict(list)
    for path in source_paths:
        for d in syntaxes[path].definitions:
            if d.parent is None:
                definers[d.name].append(path)
    return {name for name, paths in definers.items() if _apart(paths, syntaxes)}


def _apart(paths: list[str], syntaxes: dict[str, FileSyntax]) -> bool:
    """Whether some of `paths` keep their names in namespaces apart from the others'."""
    first = paths[0]
    model = ecosystems.of_language(syntaxes[first].language)
    return any(model.separate_namespaces(first, p) for p in paths[1:])


# Languages whose methods are written inside their type's body, so in its file.
_MEMBERS_INSIDE = (".java", ".kt", ".cs", ".scala", ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx")


def _attach_methods(symbols: list[SymbolFact], limit: int = 3) -> None:
    """Each type among `symbols` (sorted, most central first) gets its most central public
    methods, so a story can say what the idea does, not only what it is."""
    by_owner: dict[tuple[str, str], list[MemberFact]] = defaultdict(list)
    for symbol in symbols:
        # A nested type (Java's `AutoValue.Builder`) is a member, but no method.
        if symbol.kind in IDEA_KINDS:
            continue
        owner, dot, member = symbol.name.rpartition(".")
        if not dot or member == owner.rpartition(".")[2]:
            continue
        told = by_owner[owner, _owner_home(symbol)]
        if len(told) < limit and all(m.name != member for m in told):
            told.append(MemberFact(name=member, path=symbol.path, line=symbol.line, doc=symbol.doc))
    for symbol in symbols:
        if symbol.kind in IDEA_KINDS:
            symbol.methods = by_owner.get((symbol.name, _owner_home(symbol)), [])


def _owner_home(symbol: SymbolFact) -> str:
    """Where a type's methods are written: its own file where the language puts them in its
    body (two `App` classes each keep their own), else where its ecosystem allows (Go: the
    type's package)."""
    if symbol.path.endswith(_MEMBERS_INSIDE):
        return symbol.path
    return ecosystems.of_language(language_of(symbol.path)).method_home(symbol.path)


def _distinctive(name: str, language: str | None) -> bool:
    """A name that is no ordinary word (`TableBuilder`, `url_for`, `jv`... not `write`) nor
    one the language gives every file (Rust's `u64`, `Result`), so finding it in a file
    means the file names the definition."""
    if name in ecosystems.of_language(language).builtin_names:
        return False
    return not name.isalpha() or not name.islower()


def _holds(
    definition: Definition,
    type_names: set[str],
    typed: dict[str, set[str]],
    bound: Container[str],
) -> list[str]:
    """The project's types among a type's stated field types (`router *Router`, `self.config
    = Config()`): three at most, those the code works with most widely first. `bound`: the
    names the file binds to the project's modules (`ctx context.Context` holds none)."""
    found: list[str] = []
    for _, stated in definition.types:
        written = unqualified(stated.removeprefix("()"), bound)
        if written is None:
            continue
        words = re.findall(r"[A-Za-z_]\w*", written)
        name = next((w for w in reversed(words) if w in type_names), None)
        if name and name != definition.name and name not in found:
            found.append(name)
    found.sort(key=lambda name: -len(typed.get(name, ())))
    return found[:3]


def _idea_weight(symbol: SymbolFact) -> float:
    """How central a definition is to the design. Types are the ideas a design is built
    from; helpers in utility folders serve it; a name used by many files, whether the
    resolver followed the use or only saw the name, holds it together."""
    users = max(symbol.used_by, symbol.named_by, symbol.typed_by)
    weight = users * 2 + symbol.used_outside + min(symbol.members, 30) / 3
    if symbol.kind in IDEA_KINDS:
        weight *= 1.5
    if _in_helper_folder(symbol.path):
        weight *= 0.5
    return weight


@functools.lru_cache(maxsize=1 << 16)  # asked for each definition, of a few hundred files
def _in_helper_folder(path: str) -> bool:
    return any(part in HELPER_FOLDERS for part in path.lower().split("/")[:-1])


# JSDoc's and Javadoc's `@deprecated`, Python's `.. deprecated::` and "Deprecated: use ...".
_DEPRECATED = re.compile(r"\W*(?:\.\.\s*)?@?deprecated\b", re.I)


def is_deprecated(doc: str | None) -> bool:
    """Whether a definition's doc opens by deprecating it: kept for old callers, the design
    has moved on from it."""
    return bool(doc and _DEPRECATED.match(doc))


# A manifest's description of itself ("Top SLF4J project pom.xml file", "Parent POM"): it
# says what the build file is, not what the project is.
_ABOUT_THE_BUILD = re.compile(
    r"\b(?:pom(?:\.xml)?|build (?:file|script)|parent (?:pom|project)|aggregator)\b", re.I
)


def _description(readme: ReadmeSummary | None, manifests: list[Manifest]) -> str | None:
    """What the project is, in its authors' words: a README paragraph that defines it
    ("Viper is a ..."), else the manifest's one-line description, else the README's first
    paragraph (which may be a notice or a motivation, so it comes last)."""
    declared = next(
        (
            m.description
            for m in manifests
            if m.description
            and len(m.description.split()) >= 3
            and not _ABOUT_THE_BUILD.search(m.description)
        ),
        None,
    )
    if readme and readme.summary and (readme.defines or declared is None):
        return readme.summary
    return declared or (readme.summary if readme else None)


# PEP 440's developmental releases (`8.5.0.dev1`) and Maven's snapshots; PEP 440's pre-
# releases (`2.0.0rc1`, `1.0b2`) and semver's (`1.0.0-alpha.3`, `6.0.0-rc.1`).
_DEVELOPMENT_VERSION = re.compile(r"\d[.-]?dev\d*$|-SNAPSHOT$", re.I)
_PRERELEASE = re.compile(r"\d(?:a|b|rc)\d+$|\d-(?:alpha|beta|rc|pre|next|canary|dev)\b", re.I)


def release_stage(version: str) -> str | None:
    """What a version says of itself when it is no release: "a development version" or
    "a prerelease"."""
    if _DEVELOPMENT_VERSION.search(version):
        return "a development version"
    return "a prerelease" if _PRERELEASE.search(version) else None


def same_version(one: str, other: str) -> bool:
    """1.23 and v1.23.0 are one version."""

    def parts(version: str) -> list[str]:
        numbers = version.strip().lstrip("vV").split(".")
        while len(numbers) > 1 and numbers[-1] == "0":
            numbers.pop()
        return numbers

    return parts(one) == parts(other)


def _kind(
    description: str | None,
    entry_points: list[EntryPoint],
    roles: RoleFacts,
    docker_command: str | None,
    project: ecosystems.Project,
    name: str | None = None,
    dependencies: Dependencies | None = None,
) -> ProjectKind:
    syntaxes = project.syntaxes

    def makes_a_program(entry: EntryPoint) -> bool:
        if entry.kind in {"library main", "application", "Docker command"}:
            return False
        if dependencies is not None and dependencies.optional and entry.path in syntaxes:
            model = ecosystems.of_language(syntaxes[entry.path].language)
            if model.needs_an_extra(
                syntaxes[entry.path], dependencies.runtime, dependencies.optional
            ):
                return False  # a command only an optional feature makes run
        if entry.kind != "main module" or entry.path not in syntaxes:
            return True
        model = ecosystems.of_language(syntaxes[entry.path].language)
        return model.builds_declare_programs(project) is not False

    programs = [
        f"`{e.name}`" if e.kind in {"console script", "executable"} else f"`{e.path or e.name}`"
        for e in entry_points
        if makes_a_program(e)
    ]
    application = next((e.name for e in entry_points if e.kind == "application"), None)
    serves = None
    started = [e.path for e in entry_points if e.path in syntaxes and makes_a_program(e)]
    listening = next(
        (
            (path, call.name)
            for path in started
            for _, call in syntaxes[path].owned_calls()
            if call.name in SERVING_CALLS and not call.passed
        ),
        None,
    )
    if roles.routes:
        serves = f"it answers {len(roles.routes)} HTTP routes"
    elif listening:
        serves = f"`{listening[0]}` calls `{listening[1]}` and waits for connections"
    elif docker_command and programs:
        serves = f"its container runs `{docker_command}`"
    return project_kind(
        description=description,
        programs=programs,
        application=application,
        serves=serves,
        name=name,
    )


def _workspace(project: ecosystems.Project, code: Code) -> list[str]:
    """The workspace's member folders, the one with most of the code first."""
    members = [f for model in ecosystems.ECOSYSTEMS for f in model.workspace_members(project)]

    def lines(folder: str) -> int:
        return sum(n for p, n in code.line_counts.items() if p.startswith(folder + "/"))

    return sorted(members, key=lambda f: (-lines(f), f))


_TEMPLATE_DIRS = frozenset({"templates", "template", "tmpl"})


def _project_name(declared: Manifest | None, readme: Readme | None, fallback: str) -> str:
    """The manifest's name, else a short README title, else the checkout's name."""
    if declared and declared.name:
        # A Maven aggregator is often named "Gson Parent": the project is Gson.
        name = ecosystems.of_manifest(declared).project_name(declared.name)
        return re.sub(r"[\s_-]+parent$", "", name, flags=re.IGNORECASE) or name
    title = readme.title if readme else None
    if title:  # a greeting names the project: "Welcome to mux!"
        title = re.sub(r"^welcome to\s+|\s*!+$", "", title, flags=re.IGNORECASE)
    if title and len(title) <= 30 and len(title.split()) <= 3:
        return title
    return fallback


def _dockerfile(root: Path, files: list[SourceFile]) -> str:
    dockerfile = next((f for f in files if f.path == "Dockerfile" and f.readable), None)
    return read_text(root, dockerfile) if dockerfile is not None else ""


def _docker_exposes(text: str) -> bool:
    """Whether the image opens a port (`EXPOSE 8080`): a container that runs a command-line
    tool serves nothing."""
    return bool(re.search(r"^[^\S\n]*EXPOSE\s+\S", text, re.MULTILINE | re.IGNORECASE))


def _docker_command(text: str) -> str | None:
    if not text:
        return None
    commands = _DOCKER_COMMAND.findall(text)
    stages = re.findall(r"^[^\S\n]*FROM\s", text, re.MULTILINE | re.IGNORECASE)
    if not commands or (len(stages) > 1 and " AS " in text.upper()):
        # Several build targets each run their own command; naming one would mislead.
        return None
    raw = commands[-1].strip()
    if raw.startswith("["):
        raw = " ".join(re.findall(r'"([^"]*)"', raw))
    return raw[:120] or None


def _symbol_for(
    point: EntryPoint, syntaxes: dict[str, FileSyntax], graph: CallGraph
) -> Symbol | None:
    if point.path is None or point.path not in syntaxes:
        return None
    # The named start, else the file's own `main` (a script's `(async function main(){})()`).
    found = own_definition(point.path, point.symbol or "main", syntaxes)
    if found is not None:
        return Symbol(point.path, found)
    exported = _default_export_of(point.path, syntaxes, graph)
    if exported is not None:
        return exported
    if point.kind == "library main":
        return None  # a library's index hands out its exports; its top-level calls set them up
    return _script_start(point.path, syntaxes, graph)


def _script_start(path: str, syntaxes: dict[str, FileSyntax], graph: CallGraph) -> Symbol | None:
    """A script with no main function (a Node package's `bin` file): its
    top-level calls are the path. The start is the first resolvable one that leads furthest
    into the project's code (a path's worth): reading the options (`args()`, which only
    prints its help) goes nowhere, so the call that sets the work going, further down the
    script, is where a run is followed. Where files run no top-level statements (C's
    top-level calls come of a parse gone astray), the first resolvable call, as found."""
    called = (c for c in syntaxes[path].module_calls if not c.passed)
    targets = [t for c in called if (t := graph.resolve_call(path, None, c)) is not None]
    if not targets or not _runs_top_level(path, syntaxes):
        return targets[0] if targets else None
    known = set(syntaxes)
    reach_of = {t.key: len(follow(graph, t, hops=BRANCH_STEPS, allowed=known)) for t in targets}
    return max(targets, key=lambda t: min(reach_of[t.key], BRANCH_STEPS + 1))


def _hosted_method(
    start: ecosystems.base.HostedStart, syntaxes: dict[str, FileSyntax], source_paths: list[str]
) -> Symbol | None:
    """The method a host calls on the class it runs: the class's own, else the one a
    project base class of it defines (`AutoValueProcessor` inherits `process`)."""
    owners = [(start.path, start.type_name)]
    own = next((d for d in syntaxes[start.path].definitions if d.name == start.type_name), None)
    for base in own.bases if own is not None else []:
        name = re.split(r"[<\s]", base.strip(), maxsplit=1)[0].rsplit(".", 1)[-1]
        owners += [
            (p, name)
            for p in source_paths
            if any(d.name == name and d.parent is None for d in syntaxes[p].definitions)
        ]
    for path, owner in owners:
        method = next(
            (d for d in syntaxes[path].definitions if d.parent == owner and d.name == start.method),
            None,
        )
        if method is not None:
            return Symbol(path, method)
    return None


def _runs_top_level(path: str, syntaxes: dict[str, FileSyntax]) -> bool:
    return ecosystems.of_language(syntaxes[path].language).runs_top_level


def _default_export_of(
    path: str, syntaxes: dict[str, FileSyntax], graph: CallGraph, hops: int = 2
) -> Symbol | None:
    """What a JavaScript module hands out: its `module.exports` function, or, for an
    `index.js` that only says `module.exports = require('./lib/x')`, what x hands out."""
    syntax = syntaxes[path]
    if syntax.default_export:
        own = graph.defined(path, syntax.default_export)
        return own if own is not None else _factory_of(path, syntax.default_export, graph)
    if hops and not syntax.definitions and len(syntax.imports) == 1:
        for target in graph.resolver.resolve(path, syntax.imports[0]):
            if target in syntaxes:
                return _default_export_of(target, syntaxes, graph, hops - 1)
    return None


def _library_entry(
    point: EntryPoint, handed: Symbol, syntaxes: dict[str, FileSyntax]
) -> ControlStep:
    """What a library's package hands out; a value its factory makes (`export default ky`,
    made by `createInstance`) is told by its own name, the factory as the step."""
    step = _steps([handed])[0]
    syntax = syntaxes[point.path] if point.path else None
    exported = syntax.default_export if syntax is not None else None
    made = dict(syntax.module_types).get(exported or "", "") if syntax is not None else ""
    if exported and made == f"(){handed.definition.name}":
        step = step.model_copy(update={"made": exported})
    return step


def _factory_of(path: str, name: str, graph: CallGraph) -> Symbol | None:
    """The project's function that makes a module-level value (`const ky =
    createInstance(); export default ky`): what the value's users set to work."""
    made = dict(graph.syntaxes[path].module_types).get(name, "")
    if not made.startswith("()") or "." in made:
        return None
    found = graph.resolve_call(path, None, Call(made[2:], None, None, 0))
    return found if found is not None and found.definition.kind in CALLABLE else None


_TYPE_KINDS = frozenset({"class", "struct", "interface", "trait"})


def _heirs(source_paths: list[str], syntaxes: dict[str, FileSyntax]) -> dict[str, list[str]]:
    """Type name -> the project's types that name it as a base (`class App(Scaffold)`,
    `extends`, `implements`, C++'s `: public`), for names only one type of the project has:
    a base two types share cannot be told apart by name."""
    # Every kind of type counts as an owner of its name: an annotation `Test` beside an
    # interface `Test` leaves `extends Test` ambiguous.
    owners = Counter(
        d.name for p in source_paths for d in syntaxes[p].definitions if d.kind in IDEA_KINDS
    )
    found: dict[str, set[str]] = defaultdict(set)
    for path in source_paths:
        for definition in syntaxes[path].definitions:
            if definition.kind not in _TYPE_KINDS or definition.name.startswith("_"):
                continue
            for base in definition.bases:
                short = re.split(r"[<\[(]", base)[0].strip()
                short = re.split(r"\.|::", short)[-1].split()[-1] if short.split() else ""
                if owners.get(short) == 1 and short != definition.name:
                    # A nested type named like others (each factory's `Adapter`) is told
                    # with its owner, so the listener can find the one meant.
                    shared = owners.get(definition.name, 0) > 1 and definition.parent
                    found[short].add(definition.qualified_name if shared else definition.name)
    return {name: sorted(names) for name, names in found.items()}


def _tour_paths(
    *,
    graph: CallGraph,
    entry_points: list[EntryPoint],
    kind: str,
    symbols: list[SymbolFact],
    syntaxes: dict[str, FileSyntax],
    source_paths: list[str],
    readme: tuple[str, str] | None,
    commands: list[Role] | None = None,
    hosted: list[ecosystems.base.HostedStart] | None = None,
) -> list[list[ControlStep]]:
    """The control paths the tour follows: from the README's example for a library, from
    each way in for a program, else from the central type's doing method or the top names."""
    source = set(source_paths)
    commands = commands or []
    control_paths: list[list[ControlStep]] = []
    walked: list[list[Symbol]] = []  # the same paths, as symbols, to branch from
    seen_starts: set[str] = set()

    def add(steps: list[Symbol]) -> None:
        walked.append(steps)
        control_paths.append(_steps(steps, graph))

    def walk(starts: list[Symbol]) -> None:
        for start in starts:
            if len(control_paths) >= MAX_PATHS or start.key in seen_starts:
                continue
            seen_starts.add(start.key)
            if start.definition.kind in _TYPE_KINDS and start.definition.name in graph.error_types:
                continue  # making an error reports a failure: no way in (its methods may be)
            steps = follow(graph, start, hops=PATH_HOPS, allowed=source)
            if len(steps) > 1 and not _sets_itself_up(steps):
                add(steps)

    entered = [(p, s) for p in entry_points if (s := _symbol_for(p, syntaxes, graph)) is not None]
    # Starts that a script's top-level code calls, by the script that calls them.
    scripts = {
        s.key: p.path
        for p, s in entered
        if p.path
        and p.kind != "library main"
        and _runs_top_level(p.path, syntaxes)
        and own_definition(p.path, p.symbol or "main", syntaxes) is None
        and _default_export_of(p.path, syntaxes, graph) is None
    }
    runnable = [p for p in entry_points if p.kind not in {"library main", "Docker command"}]
    if readme is not None and (not runnable or kind in LIBRARY_KINDS):
        # A library is entered the way its README first shows it being used.
        readme_path, readme_text = readme
        spoken = Counter(syntaxes[p].language for p in source_paths).most_common(1)
        blocks = example_blocks(readme_path, readme_text, spoken[0][0] if spoken else None)
        calls, held = read_examples(blocks)
        example = _example_start(calls, held, syntaxes, source_paths, graph, source)
        if example is not None:
            call, start = example
            walk([start])
            if control_paths:
                # `res.send` as written; `$('h2').addClass` as the method it calls.
                plain = call.qualifier and re.fullmatch(r"[\w$.]+", call.qualifier)
                shown = f"{call.qualifier}.{call.name}" if plain else call.name
                if call.literal == LOOPED and call.qualifier:
                    # Told as the loop the README writes, over the value it writes.
                    shown = f"for {call.qualifier.removesuffix('.into_iter()')}"
                control_paths[0][0] = control_paths[0][0].model_copy(update={"via": shown})
    # A program whose `main` dispatches to its commands goes first where its README's first
    # command goes (`tool up`), not to whichever handler runs the most code.
    typed = first_shown(readme[1], {p.name for p in runnable}, commands) if readme else None
    for _, entry in entered:
        start = _doing_method(entry, syntaxes)
        shown_start = _shown_handler(typed, start, syntaxes, graph) if typed else None
        if (
            shown_start is not None
            and start.key not in seen_starts
            and len(control_paths) < MAX_PATHS
            and shown_start.path in source
        ):
            seen_starts.add(start.key)
            onward = follow(
                graph, shown_start, hops=PATH_HOPS - 1, allowed=source, avoid=frozenset({start.key})
            )
            add([start, *onward])
            continue
        if _root_handler(start, commands, {p.name for p in runnable}, syntaxes, graph):
            # The run is the root command's, toured from its handler below; the calls
            # `main` makes itself set the stage (its logging, its config).
            seen_starts.add(start.key)
            continue
        before = len(control_paths)
        walk([start])
        if len(control_paths) > before and entry.key in scripts:
            first = control_paths[-1][0]
            control_paths[-1][0] = first.model_copy(update={"script": scripts[entry.key]})
    # A command-line tool's commands each have a handler: follow the first that leads on,
    # the program's own (root) command first, named like the program: what a run does.
    programs = {p.name for p in runnable}
    for role in sorted(commands, key=lambda r: (r.detail or r.name) not in programs):
        found = _command_start(role, syntaxes, graph)
        if found is None or len(control_paths) >= MAX_PATHS:
            continue
        before = len(control_paths)
        walk([found])
        if len(control_paths) > before:
            told = role.detail or role.name
            control_paths[-1][0] = control_paths[-1][0].model_copy(update={"command": told})
            break
    # A project its host runs (a compiler's annotation processors): entered where the host
    # calls it, before any guess at its public API.
    for start_of in hosted or []:
        if len(control_paths) >= KEY_TYPE_PATHS:
            break
        found = _hosted_method(start_of, syntaxes, source_paths)
        if found is None:
            continue
        before = len(control_paths)
        walk([found])
        if len(control_paths) > before:
            said = f"{start_of.host}|{start_of.role}|{start_of.type_name}|{start_of.registry}"
            control_paths[-1][0] = control_paths[-1][0].model_copy(update={"hosted": said})
    if not control_paths:  # a library, or entry points that dispatch dynamically: public API
        # A central type is entered through its doing method: cobra's Command via Execute.
        central = {(s.path, s.name) for s in symbols[:3] if s.kind in {"struct", "class"}}
        walk(
            [
                Symbol(p, d)
                for p in source_paths
                for d in syntaxes[p].definitions
                if (p, d.parent) in central and d.exported and d.name.lower() in ENTRY_VERBS
            ]
        )
    # A library shown by no example: the most used methods of its key types, the first that
    # leads four calls into the code (a factory's `getLogger` into its binding), else three.
    # Another key type's method that leads as far is a second way in (a bridge's `Logger`).
    if not control_paths:
        walked_types: set[str] = set()
        for need in (4, 3):
            for fact in (f for f in symbols[:5] if f.kind in _TYPE_KINDS):
                if fact.name in graph.error_types or f"{fact.path}::{fact.name}" in walked_types:
                    continue  # what goes wrong is told among the ideas, not walked
                at = {(d.line, d.name): d for d in syntaxes[fact.path].definitions}
                for member in fact.methods[:3]:
                    method = at.get((member.line, member.name))
                    if method is None or member.path != fact.path:
                        continue
                    if len(control_paths) >= KEY_TYPE_PATHS:
                        break
                    start = Symbol(fact.path, method)
                    steps = follow(graph, start, hops=PATH_HOPS, allowed=source)
                    on_paths = {s.key for path in walked for s in path}
                    if len(steps) >= need and not on_paths & {s.key for s in steps}:
                        add(steps)
                        walked_types.add(f"{fact.path}::{fact.name}")
                        break
    if not control_paths:
        top = {(s.path, s.name) for s in symbols[:5] if s.kind in {"function", "method", "class"}}
        walk(
            [
                Symbol(p, d)
                for p in source_paths
                for d in syntaxes[p].definitions
                if (p, d.qualified_name) in top
            ]
        )
    # Where the ways in gave fewer paths than a tour tells, the paths told so far branch:
    # the first step that also calls somewhere else is followed down that other call.
    # Branches of a call and the one it makes come last, for a story short of its floor.
    for least in (BRANCH_STEPS, SHORT_BRANCH_STEPS):
        for steps in walked:  # (a branch added is walked on too)
            while len(control_paths) < MAX_PATHS:
                walked_keys = {s.key for path in walked for s in path}
                forked = branch(
                    graph, steps, told=walked_keys, hops=PATH_HOPS - 1, allowed=source, least=least
                )
                if forked is None:
                    break
                add(forked)
                control_paths[-1][0] = control_paths[-1][0].model_copy(update={"branch": True})
    return control_paths


def _sets_itself_up(steps: list[Symbol]) -> bool:
    """A type whose constructor only calls the type's own methods (`VersionEdit() {
    Clear(); }`) is an object setting itself up, not a path through the core."""
    start = steps[0].definition
    own = [s for s in steps[1:] if s.definition.parent == start.name]
    return start.kind in {"class", "struct"} and len(own) == len(steps) - 1


# JavaScript's accessors: `get json()` and `set json(value)` are read and assigned as a
# property, so a README's `.json()` is some other function of that name.
_ACCESSOR = re.compile(r"(?:static\s+)?[gs]et\s+[\w$#]+\s*\(")


def _example_start(
    calls: list[Call],
    held: dict[str, str],
    syntaxes: dict[str, FileSyntax],
    source_paths: list[str],
    graph: CallGraph,
    source: set[str],
) -> tuple[Call, Symbol] | None:
    """The first call of the README's example that names one definition of the project for
    certain and leads into its code, other than making an object."""
    named: dict[str, list[Symbol]] = defaultdict(list)
    for path in source_paths:
        # The public methods of an exported type are API too, though JavaScript marks only
        # the class exported (`export class Command { parse() {} }`); `#parse` is private.
        exported_types = {
            d.name for d in syntaxes[path].definitions if d.exported and d.kind in _TYPE_KINDS
        }
        for definition in syntaxes[path].definitions:
            accessor = _ACCESSOR.match(definition.signature or "")
            if definition.name.startswith(("_", "#")) or accessor:
                continue  # private, or read as a property (`get json()`), never called
            if definition.exported or (
                definition.kind == "method" and definition.parent in exported_types
            ):
                named[definition.name].append(Symbol(path, definition))
    types = {s.definition.name for group in named.values() for s in group if s.definition.parent}

    def by_name(call: Call) -> Symbol | None:
        candidates = named.get(call.name, [])
        # `app.add_route` after `app = falcon.App()`: the method of App, and of the App in
        # the `falcon` package rather than `falcon.asgi` when both have one.
        module, _, owner = held.get(call.qualifier or "", call.qualifier or "").rpartition(".")
        owned = [c for c in candidates if c.definition.parent == owner]
        if len(owned) > 1 and module:
            folder = module.replace(".", "/")
            owned = [c for c in owned if PurePosixPath(c.path).parent.as_posix().endswith(folder)]
        if not owned and owner:
            # `auth_s.dumps` where `auth_s` is a URLSafeSerializer whose base defines `dumps`.
            owner_types = [t for t in named.get(owner, []) if t.definition.kind in _TYPE_KINDS]
            inherited = (
                graph.inherited(owner_types[0], call.name) if len(owner_types) == 1 else None
            )
            owned = [inherited] if inherited is not None else []
        if owned:
            candidates = owned  # `StringUtils.isBlank`: the method of that class
        elif call.qualifier is None or call.qualifier not in types:
            # `httpx.get`, `fmt.print`: a module's function, if the module has one.
            candidates = [c for c in candidates if c.definition.parent is None] or candidates
        # Overloads (`title()` and `title(String)`) are one name of one type.
        candidates = list({c.key: c for c in reversed(candidates)}.values())
        # C++'s `DB::Open` declared in a header and defined in a `.cc`: one, the body.
        candidates = [c for c in candidates if not declared_only(c.definition)] or candidates
        # A name several definitions share (`get` on five classes) cannot be told apart
        # without types: the example is not followed through it.
        return candidates[0] if len(candidates) == 1 else None

    picked: dict[tuple[str | None, str], Symbol | None] = {}
    chain_of: dict[tuple[str | None, str], tuple[str | None, str]] = {}  # -> its first call

    def pick(qualifier: str | None, name: str) -> Symbol | None:
        """`Foo.builder().with(x).build()`: each call on what the call before it returns,
        where the project says what that is; else the one definition of its name."""
        key = (qualifier, name)
        if key in picked:
            return picked[key]
        picked[key] = None  # a chain is read once, inner calls first
        chain_of[key] = key
        inner = inner_call(qualifier)
        made = None
        if inner is not None:
            before = pick(*inner)
            chain_of[key] = chain_of.get(inner, inner)
            made = graph.made_by(before) if before is not None else None
        found = graph.member_of(made, name) if made is not None else None
        if made is None:
            found = by_name(Call(name, qualifier, None, 0))
        picked[key] = found
        return found

    resolved: list[tuple[Call, Symbol]] = []
    for call in calls:
        symbol = pick(call.qualifier, call.name)
        if symbol is not None:
            resolved.append((call, symbol))
    # Making an object is set-up: the tour follows a call that does something with it.
    doing = [(c, s) for c, s in resolved if s.definition.kind not in {"class", "struct"}]
    # Of one chain's calls the one that leads furthest into the project is tried first.
    chains: dict[tuple[str | None, str], list[tuple[Call, Symbol]]] = defaultdict(list)
    for call, symbol in doing:
        chains[chain_of[(call.qualifier, call.name)]].append((call, symbol))
    doing = [
        pair
        for chain in chains.values()
        for pair in sorted(chain, key=lambda pair: -reach(graph, pair[1], allowed=source))
    ]
    for steps in (3, 2):
        for call, symbol in doing:
            if len(follow(graph, symbol, hops=2, allowed=source)) >= steps:
                return call, symbol
    return None


def _doing_method(start: Symbol, syntaxes: dict[str, FileSyntax]) -> Symbol:
    """A class a library hands out is followed through the method its users call to make
    it work (commander's `Command` through `parse`), not through its constructor's set-up."""
    if start.definition.kind not in {"class", "struct"}:
        return start
    methods = {
        d.name.lower(): d
        for d in syntaxes[start.path].definitions
        if d.parent == start.definition.name and not d.name.startswith("_")
    }
    verb = next((v for v in ENTRY_VERBS if v in methods), None)
    return Symbol(start.path, methods[verb]) if verb else start


_HANDLER_WORDS = frozenset({"run", "cmd", "command", "do", "handle", "exec", "action"})


def _root_handler(
    start: Symbol,
    commands: list[Role],
    programs: set[str],
    syntaxes: dict[str, FileSyntax],
    graph: CallGraph,
) -> Symbol | None:
    """The handler of the root command a `main` runs (cobra's `rootCmd.Execute()`): where
    the run goes, rather than the setup `main` calls first (its logging, its config)."""
    syntax = syntaxes.get(start.path)
    if syntax is None or not commands:
        return None
    model = ecosystems.of_language(syntax.language)
    if not any(c.qualifier and model.runs_root_command(c.name) for c in start.definition.calls):
        return None
    roots = [r for r in commands if (r.detail or r.name) in programs]
    handler = _command_start(roots[0], syntaxes, graph) if len(roots) == 1 else None
    return handler if handler is not None and handler.key != start.key else None


def _shown_handler(
    role: Role, start: Symbol, syntaxes: dict[str, FileSyntax], graph: CallGraph
) -> Symbol | None:
    """The handler `start` calls for the README's command: the one its role names, else a
    callee named for the command in the usual ways (`run_up`, `cmdUp`, `up_command`)."""
    callees = graph.callees(start)
    named = _command_start(role, syntaxes, graph)
    if named is not None:
        return named if named.key in {c.key for c in callees} else None
    wanted = (role.detail or role.name).lower().replace("-", "_").split("_")
    for callee in callees:
        words = [w.lower() for w in split_identifier(callee.definition.name)]
        if [w for w in words if w not in _HANDLER_WORDS] == wanted and len(words) > len(wanted):
            return callee
    return None


def _command_start(role: Role, syntaxes: dict[str, FileSyntax], graph: CallGraph) -> Symbol | None:
    """A command's handler: the function its role names in its file, a function written in
    place, or the one the name as written (`o.Run`) resolves to from there."""
    syntax = syntaxes.get(role.file)
    if syntax is None:
        return None
    own = (d for d in syntax.definitions if d.name == role.name and d.kind in CALLABLE)
    found = next(own, None) or ecosystems.of_language(syntax.language).command_literal(role, syntax)
    if found is not None:
        return Symbol(role.file, found)
    if not syntax.commands:  # a decorated definition or a named parser: no name to resolve
        return None
    qualifier, _, name = role.name.rpartition(".")
    caller = next(
        (d for d in syntax.definitions if d.kind in CALLABLE and d.line <= role.line <= d.end_line),
        None,
    )
    return graph.resolve_call(role.file, caller, Call(name, qualifier or None, None, role.line))


def _steps(symbols: list[Symbol], graph: CallGraph | None = None) -> list[ControlStep]:
    handed = graph.handed if graph is not None else set()
    calling = graph.overload_calling if graph is not None else {}
    steps: list[ControlStep] = []
    for index, s in enumerate(symbols):
        onward = symbols[index + 1].key if index + 1 < len(symbols) else None
        # One of several overloads: shown as the one that makes the call the path follows,
        # so its signature and line are those of code that does what the step says.
        shown = calling.get((s.key, onward), s.definition) if onward else s.definition
        steps.append(
            ControlStep(
                path=s.path,
                name=s.definition.qualified_name,
                line=shown.line,
                lines=shown.lines,
                doc=shown.doc or s.definition.doc,
                signature=shown.signature,
                handed=index > 0 and (symbols[index - 1].key, s.key) in handed,
            )
        )
    return steps


@dataclasses.dataclass
class Checkout:
    """The checkout as walked and classified, before any file is parsed."""

    root: Path
    files: list[SourceFile]  # every file, `.h` read as the project's C or C++
    paths: set[str]
    texts: list[SourceFile]  # the readable files
    code: list[SourceFile]  # the readable files in a programming language
    kinds: dict[str, FileKind]  # what each code file is for
    manifests: list[Manifest]  # root first

    def read(self, file: SourceFile) -> str:
        return read_text(self.root, file)

    def first(self, *paths: str) -> SourceFile | None:
        """The first readable file at one of `paths`, in the checkout's order."""
        return next((f for f in self.texts if f.path in paths), None)


@dataclasses.dataclass
class Code:
    """The parsed code and what binds it together."""

    syntaxes: dict[str, FileSyntax]
    resolver: Resolver
    graph: CallGraph
    # Sorted: a story must not depend on set order, which changes from process to process.
    source_paths: list[str]
    line_counts: dict[str, int]
    # What each file's resolved calls depend on besides its own bytes (`surface`); None
    # when not known (no syntax cache).
    surface: str | None = None
    # Tests, examples and docs worth parsing for each one parsed (`parse_jobs` samples a
    # large suite): what the sample uses stands for what the whole suite uses.
    support_scale: float = 1.0

    @property
    def source(self) -> set[str]:
        return set(self.source_paths)


def _walk(
    root: Path, *, max_files: int, max_bytes: int, blob_ids: bool = False
) -> tuple[list[SourceFile], int]:
    """Every file of the checkout and how many could not be read; AnalysisError when there
    is no code to tell of. With `blob_ids`, each readable file's key in the syntax cache."""
    files, unreadable = walk_repository(
        root, max_files=max_files, max_bytes=max_bytes, blob_ids=blob_ids
    )
    if not files:
        raise AnalysisError("the repository is empty: it has no files to describe", "no_source")
    if not any(f.readable for f in files):
        what = "binary files" if all(f.is_binary for f in files) else "binary or very large files"
        raise AnalysisError(
            f"the repository holds only {what}; there is no source code to describe",
            "no_source",
        )
    return files, unreadable


def _classify(root: Path, walked: list[SourceFile]) -> Checkout:
    """What each file is for (source, test, vendored...) and the manifests found."""
    paths = {f.path for f in walked}
    files = walked
    for model in ecosystems.ECOSYSTEMS:
        files = model.read_as(files)
    texts = [f for f in files if f.readable]
    code = [f for f in texts if is_code(f.language)]
    if not code:
        raise AnalysisError(
            "no source code was found: the repository has only documentation or data files",
            "no_source",
        )
    kinds = {f.path: classify(f.path, f.head) for f in code}
    for copy in vendored_copies(paths):
        kinds.update({p: FileKind.VENDORED for p in kinds if p.startswith(f"{copy}/")})
    for model in ecosystems.ECOSYSTEMS:
        for folder in model.generated_folders(paths):
            kinds.update({p: FileKind.GENERATED for p in kinds if p.startswith(f"{folder}/")})
    by_path = {f.path: f for f in texts}
    for model in ecosystems.ECOSYSTEMS:
        builds = {p: read_text(root, by_path[p]) for p in model.build_files(paths) if p in by_path}
        for script in model.scripts_run_by_build(builds, paths) if builds else ():
            if kinds.get(script) is FileKind.SOURCE:
                kinds[script] = FileKind.TOOLING  # the build runs it: tooling, not a way in
    manifests = _root_first(
        inherit_managed_scopes(
            [
                m
                for f in texts
                if is_manifest(f.path) and (m := parse_manifest(f.path, read_text(root, f)))
            ]
        )
    )
    return Checkout(root, files, paths, texts, code, kinds, manifests)


def _syntax_cache(folder: Path | None, max_bytes: int) -> SyntaxCache | None:
    cache = SyntaxCache(folder, ANALYSER_VERSION, max_bytes) if folder else None
    if cache is not None and not cache.prepare():
        return None  # a full or unwritable disk costs the cache, never the story
    return cache


def _parse(
    checkout: Checkout,
    *,
    processes: int,
    seconds_per_file: float,
    should_stop: Callable[[], bool] | None,
    cache: SyntaxCache | None,
) -> tuple[dict[str, FileSyntax], int]:
    """The syntax of each file worth parsing, and how many were left out as too slow."""
    jobs = parse_jobs(checkout.root, checkout.code, checkout.kinds)
    syntaxes: dict[str, FileSyntax] = {}
    skipped = 0
    blobs = {f.path: f.blob for f in checkout.code if f.blob}
    for path, parsed, failed in parse_many(
        jobs,
        processes,
        seconds_per_file=seconds_per_file,
        should_stop=should_stop,
        cache=cache,
        blobs=blobs,
        sizes={f.path: f.size for f in checkout.code},
    ):
        skipped += failed
        if parsed is not None:
            syntaxes[path] = parsed
    return syntaxes, skipped


def _resolve(checkout: Checkout, syntaxes: dict[str, FileSyntax]) -> Code:
    """Imports resolved to the checkout's files and calls to its definitions."""
    resolver = Resolver(syntaxes, checkout.paths)
    go_mod = next(
        (m for m in checkout.manifests if m.kind == "Go module" and "/" not in m.path), None
    )
    go_module = go_mod.name if go_mod else None
    resolver.set_go_module(go_module)
    source_paths = sorted(p for p in syntaxes if checkout.kinds[p] is FileKind.SOURCE)
    return Code(
        syntaxes=syntaxes,
        resolver=resolver,
        graph=CallGraph(syntaxes, resolver),
        source_paths=source_paths,
        line_counts={f.path: f.lines for f in checkout.code},
        surface=tree_surface(syntaxes, checkout.paths, source_paths, go_module or ""),
        support_scale=_support_scale(checkout, syntaxes),
    )


def _support_scale(checkout: Checkout, syntaxes: dict[str, FileSyntax]) -> float:
    parsed = sum(checkout.kinds[p] is not FileKind.SOURCE for p in syntaxes)
    wanted = len(support_files(checkout.code, checkout.kinds))
    return max(1.0, wanted / parsed) if parsed else 1.0


def _kept_uses(cache: SyntaxCache | None, code: Code, blobs: dict[str, str]) -> dict[str, FileUses]:
    """What each unchanged file used when a tree of the same surface was last analysed."""
    if cache is None or code.surface is None:
        return {}
    try:
        return {
            path: (tuple(keys), int(asked), int(followed))
            for path, (blob, keys, asked, followed) in cache.load_uses(code.surface).items()
            if blobs.get(path) == blob
        }
    except (ValueError, TypeError):
        return {}  # not a pack this analyser wrote: every file is resolved again


def _keep_uses(
    cache: SyntaxCache | None, code: Code, blobs: dict[str, str], kept: dict[str, FileUses]
) -> None:
    """Keep what each file used, when some of it was found anew."""
    found = code.graph.file_uses
    if cache is None or code.surface is None or found.keys() == kept.keys():
        return
    cache.save_uses(
        code.surface,
        {path: (blobs[path], *uses) for path, uses in found.items() if path in blobs},
    )


def _importers(code: Code) -> dict[str, set[str]]:
    """Source file -> the other source files that import it."""
    source = code.source
    importers: dict[str, set[str]] = defaultdict(set)
    for path in code.source_paths:
        for ref in code.syntaxes[path].imports:
            for target in code.resolver.resolve(path, ref):
                if target in source:
                    importers[target].add(path)
    # Java's classes of one package use each other without an import: a file that names a
    # type another file of its package declares relies on that file as much.
    packages: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in code.source_paths:
        syntax = code.syntaxes[path]
        if syntax.package and ecosystems.of_language(syntax.language).package_mates(syntax):
            packages[(parent_dir(path), syntax.package)].append(path)
    for mates in packages.values():
        declared = {
            d.name: path
            for path in mates
            for d in code.syntaxes[path].definitions
            if d.parent is None and d.kind in TYPE_KINDS
        }
        for path in mates:
            for name in code.syntaxes[path].words & declared.keys():
                if declared[name] != path:
                    importers[declared[name]].add(path)
    return importers


def _modules(
    code: Code, kinds: dict[str, FileKind], importers: dict[str, set[str]]
) -> dict[str, ModuleFact]:
    """Every parsed file as a module: what it defines and how many files import it."""
    modules: dict[str, ModuleFact] = {}
    for path, syntax in code.syntaxes.items():
        folder = parent_dir(path) or "."  # as str(PurePosixPath(path).parent)
        by_folder = ecosystems.of_language(syntax.language).imports_folders
        modules[path] = ModuleFact(
            package=folder if by_folder else None,
            path=path,
            language=syntax.language,
            lines=code.line_counts[path],
            kind=kinds[path],
            doc=syntax.module_doc,
            # An overloaded name (`@overload`, TypeScript's overload signatures) is one.
            definitions=list(
                dict.fromkeys(d.name for d in syntax.definitions if d.parent is None and d.exported)
            ),
            importers=len(importers.get(path, ())),
            **_lead(syntax),
        )
    return modules


# The folders command-line tools keep their shell completions in.
_COMPLETIONS = re.compile(r"/(?:completions?|autocomplete|shell[-_]completions?)/", re.IGNORECASE)


# A module's lead is one of its first few public names: a summary further down says less
# about what the module is for.
LEAD_WITHIN = 5


def _lead(syntax: FileSyntax) -> dict[str, str]:
    public = [d for d in syntax.definitions if d.parent is None and d.exported]
    found = next((d for d in public[:LEAD_WITHIN] if d.doc), None)
    return {"lead": found.name, "lead_doc": found.doc} if found and found.doc else {}


def _documented_overload(symbol: SymbolFact, overload: Definition) -> None:
    """...told where its authors describe it: C++'s internal `detail::f` often comes
    first in a header, undocumented, and the public `f` with its comment further down."""
    if symbol.doc is None and overload.doc:
        symbol.doc, symbol.line, symbol.signature = overload.doc, overload.line, overload.signature


def _symbols(code: Code, kept: dict[str, FileUses] | None = None) -> list[SymbolFact]:
    """The source's public definitions, most central to the design first. Measures the
    call graph's resolution on the way. `kept`: what files used, known already."""
    syntaxes, source_paths, source = code.syntaxes, code.source_paths, code.source
    users = code.graph.references(set(syntaxes), tally=source, known=kept)
    named_by = _named_by(source_paths, syntaxes)
    apart = _names_apart(source_paths, syntaxes)
    # Methods by the type they belong to, wherever defined (Go's in other files of the
    # package, C++'s out of line in the .cc).
    members = Counter(d.parent for p in source_paths for d in syntaxes[p].definitions if d.parent)
    heirs = _heirs(source_paths, syntaxes)
    typed = _typed_by(source_paths, syntaxes, code.graph.imported_names)
    type_names = {
        d.name for p in source_paths for d in syntaxes[p].definitions if d.kind in TYPE_KINDS
    }
    symbols: list[SymbolFact] = []
    told: dict[str, SymbolFact] = {}
    for path in source_paths:
        for definition in syntaxes[path].definitions:
            if not definition.exported or definition.name.startswith("_"):
                continue
            key = Symbol(path, definition).key
            if key in told:  # an overload: one name, one idea...
                _documented_overload(told[key], definition)
                continue
            # A file counts as a user when it also says the name: a method reached through a
            # value some other module made is use the listener cannot find by reading.
            callers = {c for c in users.get(key, set()) if definition.name in syntaxes[c].words}
            inside = {c for c in callers if c in source}
            symbols.append(
                SymbolFact(
                    name=definition.qualified_name,
                    kind=definition.kind,
                    path=path,
                    line=definition.line,
                    doc=definition.doc,
                    signature=definition.signature,
                    used_by=len(inside),
                    # Counted in the sample of the suite, as many as the whole suite.
                    used_outside=round(len(callers - inside) * code.support_scale),
                    named_by=0
                    if definition.parent
                    or definition.name in apart
                    or not _distinctive(definition.name, syntaxes[path].language)
                    else len(named_by.get(definition.name, set()) - {path}),
                    members=0 if definition.parent else members.get(definition.name, 0),
                    heirs=[] if definition.parent else list(heirs.get(definition.name, ())),
                    typed_by=0
                    if definition.parent
                    or definition.name in apart
                    or definition.kind not in TYPE_KINDS
                    else len(typed.get(definition.name, set()) - {path}),
                    # Fields are a class's or a struct's: a function type's or an
                    # interface's stated types are its methods' parameters.
                    holds=_holds(definition, type_names, typed, code.graph.imported_names[path])
                    if definition.kind in {"class", "struct"} and not definition.parent
                    else [],
                )
            )
            told[key] = symbols[-1]
    sizes = {(p, d.qualified_name): d.lines for p in source for d in syntaxes[p].definitions}
    # A type's second name (C's `typedef unsigned long uLong;`) is used everywhere the type
    # is, yet the idea is the type it names.
    aliases = {
        (p, d.qualified_name)
        for p in source_paths
        for d in syntaxes[p].definitions
        if ecosystems.of_language(syntaxes[p].language).renames_a_type(d)
    }
    declared = {
        p for p in source_paths if ecosystems.of_language(syntaxes[p].language).declares_only(p)
    }
    symbols.sort(
        key=lambda s: (
            s.path in declared,  # the code a declaration file types comes first
            is_deprecated(s.doc),
            -_idea_weight(s) * (0.2 if (s.path, s.name) in aliases else 1),
            s.doc is None,
            -min(sizes.get((s.path, s.name), 0), 60),
            s.path,
            s.line,
        )
    )
    _attach_methods(symbols)
    return symbols


def _key_modules(modules: dict[str, ModuleFact], unbuilt: frozenset[str]) -> list[ModuleFact]:
    """The source modules of substance, the most imported first, one per package; none in a
    language no build of the project makes."""
    key_modules = sorted(
        (
            m
            for m in modules.values()
            if m.kind is FileKind.SOURCE
            and m.language not in unbuilt
            and m.lines >= MIN_KEY_MODULE_LINES
            and (m.definitions or m.importers)
        ),
        key=lambda m: (-(m.importers * 3 + min(m.lines / 150, 4) + (1 if m.doc else 0)), m.path),
    )
    return _one_per_package(key_modules)


def _project(checkout: Checkout, syntaxes: dict[str, FileSyntax]) -> ecosystems.Project:
    """The view the ecosystem models judge from, with the texts they ask to read."""
    frozen_paths = frozenset(checkout.paths)
    kinds = checkout.kinds
    wanted = {p for model in ecosystems.ECOSYSTEMS for p in model.wanted_texts(frozen_paths, kinds)}
    return ecosystems.Project(
        paths=frozen_paths,
        manifests=tuple(checkout.manifests),
        syntaxes=syntaxes,
        kinds=kinds,
        texts={f.path: checkout.read(f) for f in checkout.texts if f.path in wanted},
    )


def _readme_file(root: Path, texts: list[SourceFile]) -> SourceFile | None:
    """The README nearest the top: a top-level README that links to the main package's
    (a monorepo's habit) is that package's, when the link stays inside the checkout."""
    linked = _linked_readme(root, {f.path: f for f in texts})
    if linked is not None:
        return linked
    return next(
        (
            f
            for f in sorted(texts, key=lambda f: (f.path.count("/"), f.path))
            if _README.match(file_name(f.path))
        ),
        None,
    )


def _linked_readme(root: Path, texts: dict[str, SourceFile]) -> SourceFile | None:
    """The file a top-level README symbolic link names, if it is one of the checkout's own
    readable files (the walk reads regular files only, so nothing outside is ever read)."""
    try:
        names = sorted(n for n in os.listdir(root) if _README.match(n))  # noqa: PTH208
        top = root.resolve()
        for name in names:
            link = root / name
            if not link.is_symlink():
                continue
            target = link.resolve()
            if target.is_relative_to(top):
                found = texts.get(target.relative_to(top).as_posix())
                if found is not None:
                    return found
    except OSError:
        return None
    return None


def _roles(code: Code) -> RoleFacts:
    """The routes, commands, tasks, models and configs the source declares."""
    roles = RoleFacts()
    for path in code.source_paths:
        roles.routes += find_routes(path, code.syntaxes[path])
        for role in find_roles(path, code.syntaxes[path]):
            getattr(
                roles,
                {"command": "commands", "task": "tasks", "model": "models", "config": "configs"}[
                    role.kind
                ],
            ).append(role)
    return roles


def _readme(
    checkout: Checkout, readme_file: SourceFile | None, readme_text: str, called: str
) -> tuple[Readme | None, ReadmeSummary | None]:
    """The README's title and the paragraph that says what the project `called` is; a
    README that only points to another document in the tree is completed by it."""
    if readme_file is None:
        return None, None
    summary = summarise_readme(readme_file.path, readme_text, called)
    pointed = pointed_document(readme_text) if not summary.defines else None
    folder = readme_file.path.rpartition("/")[0]
    target = checkout.first(pointed, f"{folder}/{pointed}") if pointed else None
    if target is not None:
        summary = with_pointed_document(summary, target.path, checkout.read(target), called)
    notice = maintenance_notice(readme_text, called)
    readme = Readme(
        path=readme_file.path, title=summary.title, summary=summary.summary, notice=notice
    )
    return readme, summary


def _automake_listed(checkout: Checkout) -> list[str]:
    """Every test Automake's TESTS names, in any Makefile.am of the project's own, as a
    path from the top (each Makefile.am names its tests from its own folder)."""
    listed: list[str] = []
    for file in checkout.texts:
        if PurePosixPath(file.path).name != "Makefile.am" or file.path.count("/") > 3:
            continue
        if classify_path(file.path) is FileKind.VENDORED:
            continue
        folder = file.path.rpartition("/")[0]
        prefix = f"{folder}/" if folder else ""
        listed += [normalise(prefix + word) for word in automake_tests(checkout.read(file))]
    return listed


def _tests(
    checkout: Checkout, code: Code, core: frozenset[str] = frozenset()
) -> tuple[list[str], TestSuite]:
    """The Makefile's targets and the test suite: its files, frameworks and commands."""
    kinds, paths, syntaxes = checkout.kinds, checkout.paths, code.syntaxes
    # GNU make reads GNUmakefile, then makefile, then Makefile.
    makefile = checkout.first("GNUmakefile", "makefile", "Makefile")
    targets = make_targets(checkout.read(makefile)) if makefile else []
    configured = checkout.first(configured_makefile(checkout.paths) or "")
    if configured:
        targets = list(dict.fromkeys([*targets, *make_targets(checkout.read(configured))]))
    automake = checkout.first("Makefile.am")
    automake_text = checkout.read(automake) if automake else ""
    if not makefile and automake_text:
        targets = make_targets(automake_text)  # Automake copies its own targets through
    # Automake writes a `check` target that runs TESTS; the Makefile itself is generated.
    # The top-level `make check` runs the TESTS of every folder SUBDIRS reaches too.
    listed = _automake_listed(checkout) if automake_text else []
    test_paths = [p for p in kinds if kinds[p] is FileKind.TEST]
    by_path = {f.path: f for f in checkout.texts}
    # TAP's convention (Perl's `prove`, many C projects): `t/*.t` scripts are the tests.
    test_paths += sorted(p for p in paths if p.endswith(".t") and classify_path(p) is FileKind.TEST)
    # Shells' own test scripts the parser has no grammar for (fish's, ksh's, zsh's `.ztst`):
    # in a test folder they are the suite, run by its driver.
    test_paths += sorted(
        p for p in paths if p.endswith(_SHELL_TESTS) and classify_path(p) is FileKind.TEST
    )
    # Automake's TESTS names test scripts that often have no suffix a language is known by.
    test_paths += sorted({p for p in listed if p in paths} - set(test_paths))
    tests = describe_tests(
        test_paths,
        {p: s for p, s in syntaxes.items() if kinds[p] is FileKind.TEST},
        {p: syntaxes[p] for p in code.source_paths},
        checkout.manifests,
        [*targets, "check"] if listed else targets,
        paths,
        runner_test_command(paths, lambda p: checkout.read(by_path[p]) if p in by_path else ""),
        core,
        _make_recipes(checkout.read(makefile)) if makefile and not configured else None,
    )
    return targets, tests


def _make_recipes(text: str) -> dict[str, str]:
    """What the Makefile's test targets run, their prerequisites' recipes included."""
    return {target: make_recipe(text, target) for target in ("test", "check", "tests")}


def _release(checkout: Checkout) -> Release | None:
    """The latest release the changelog nearest the top tells of."""
    return next(
        (
            r
            for f in sorted(checkout.texts, key=lambda f: f.path.count("/"))
            if is_changelog(f.path) and (r := latest_release(f.path, checkout.read(f)))
        ),
        None,
    )


def _dependencies(
    checkout: Checkout,
    code: Code,
    root_manifests: list[Manifest],
    languages: list[LanguageShare],
    project: ecosystems.Project,
) -> Dependencies:
    return select_dependencies(
        root_manifests=root_manifests,
        manifests=checkout.manifests,
        shares={lang.name: lang.percent for lang in languages},
        main_language=languages[0].name if languages else None,
        project=project,
        source_lines={p: code.line_counts[p] for p in code.source},
    )


def _declared_version(root_manifests: list[Manifest], project: ecosystems.Project) -> str | None:
    """The version a top-level manifest declares, else one a build or the code does."""
    return next(
        (
            m.version
            for m in root_manifests
            if m.version
            and _VERSION_LIKE.match(m.version)
            and ecosystems.of_manifest(m).version_kept(m)
        ),
        None,
    ) or next(
        (v for model in ecosystems.ECOSYSTEMS if (v := model.declared_version(project))), None
    )


@collector_paused
def analyse(
    root: Path,
    *,
    name: str,
    max_files: int = 50_000,
    max_bytes: int = 500 << 20,
    history_log: str | None = None,
    history_depth: int = 0,
    processes: int = 0,
    seconds_per_file: float = 5.0,
    should_stop: Callable[[], bool] | None = None,
    syntax_cache: Path | None = None,
    syntax_cache_bytes: int = DEFAULT_MAX_BYTES,
) -> RepoFacts:
    """Read the checkout at `root`. Raises AnalysisError when there is nothing to tell.

    `history_log` is `git log --format=@%ct --name-only` of the last `history_depth` commits.
    `processes` parse in parallel (0: as many as the CPUs allow). With `syntax_cache`, a
    folder, parsed files are kept there by content (at most `syntax_cache_bytes`) and a
    file seen before is not parsed again. A file that takes longer than `seconds_per_file`
    to parse is left out and counted; `should_stop`, asked between files, ends the
    analysis early with AnalysisStopped (a cancelled story).
    """
    walked, unreadable = _walk(
        root, max_files=max_files, max_bytes=max_bytes, blob_ids=syntax_cache is not None
    )
    # Without a syntax cache every file is parsed: where that means parse workers, the
    # process they are forked from starts now, while the files are classified. With one,
    # a retell may parse a file or two, and starting it would only take a CPU from it.
    code_files = sum(f.readable and is_code(f.language) for f in walked)
    if syntax_cache is None and code_files >= PARALLEL_MIN_FILES:
        prestart(processes)
    checkout = _classify(root, walked)
    cache = _syntax_cache(syntax_cache, syntax_cache_bytes)
    syntaxes, too_slow = _parse(
        checkout,
        processes=processes,
        seconds_per_file=seconds_per_file,
        should_stop=should_stop,
        cache=cache,
    )
    code = _resolve(checkout, syntaxes)
    graph, source_paths = code.graph, code.source_paths
    importers = _importers(code)
    modules = _modules(code, checkout.kinds, importers)
    blobs = {f.path: f.blob for f in checkout.code if f.blob}
    kept = _kept_uses(cache, code, blobs)
    symbols = _symbols(code, kept)
    _keep_uses(cache, code, blobs, kept)
    dockerfile = _dockerfile(root, checkout.files)
    docker_command = _docker_command(dockerfile)
    project = _project(checkout, syntaxes)
    # A leftover build still names and describes the project; it declares nothing more.
    naming = [m for m in checkout.manifests if "/" not in m.path and m.kind != "Helm chart"]
    stale = {p for model in ecosystems.ECOSYSTEMS for p in model.superseded(project)}
    if stale:
        checkout.manifests = [m for m in checkout.manifests if m.path not in stale]
        project = dataclasses.replace(project, manifests=tuple(checkout.manifests))
    # A leftover build is of the same ecosystem as the build that replaced it: which
    # languages a build makes is the same before and after it is left out.
    unbuilt = frozenset(_unbuilt_languages(list(checkout.manifests), syntaxes, checkout.kinds))
    key_modules = _key_modules(modules, unbuilt)
    entry_points = _entry_points(project, code.resolver, graph, docker_command, unbuilt)
    readme_file = _readme_file(root, checkout.texts)
    readme_text = checkout.read(readme_file) if readme_file is not None else ""
    roles = _roles(code)
    root_manifests = [m for m in checkout.manifests if "/" not in m.path and m.kind != "Helm chart"]
    declared = next((m for m in naming if m.name), None)
    # The manifest's name helps find the README paragraph that says what the project is.
    readme, readme_summary = _readme(
        checkout, readme_file, readme_text, _project_name(declared, None, name)
    )
    # A first test worth reading is named for the project (`tests/test_arrow.py`).
    targets, tests = _tests(checkout, code, frozenset({name.lower()}))
    release = _release(checkout)
    description = _description(readme_summary, naming)
    areas, root_files = _areas(checkout.files, checkout.kinds, syntaxes, unbuilt)
    languages = _languages(checkout.files, checkout.kinds)
    dependencies = _dependencies(checkout, code, root_manifests, languages, project)
    serving_image = docker_command if _docker_exposes(dockerfile) else None
    project_name = _project_name(declared, readme, name)
    kind = _kind(
        description, entry_points, roles, serving_image, project, project_name, dependencies
    )
    handed_out = [
        (p, s)
        for p in entry_points
        if p.kind == "library main" and (s := _symbol_for(p, syntaxes, graph)) is not None
    ]
    control_paths = _tour_paths(
        graph=graph,
        entry_points=entry_points,
        kind=kind.kind,
        symbols=symbols,
        syntaxes=syntaxes,
        source_paths=source_paths,
        readme=(readme_file.path, readme_text) if readme_file is not None else None,
        commands=roles.commands,
        hosted=[h for model in ecosystems.ECOSYSTEMS for h in model.hosted_starts(project)],
    )
    declared_version = _declared_version(root_manifests, project)
    if release and declared_version and not same_version(release.version, declared_version):
        release = None  # a changelog behind (or ahead of) the version the project declares
    if release and any(m.release_behind(release.version, project) for m in ecosystems.ECOSYSTEMS):
        release = None  # a changelog left behind by the code's major version
    return RepoFacts(
        name=project_name,
        kind=kind.kind,
        kind_evidence=kind.evidence,
        description=description,
        readme=readme,
        version=declared_version or (release.version if release else None),
        release=release,
        total_files=len(checkout.files),
        code_files=len(checkout.code),
        code_lines=sum(code.line_counts[p] for p in code.source),
        languages=languages,
        kinds=dict(Counter(str(k) for k in checkout.kinds.values())),
        areas=areas,
        root_files=root_files,
        root_package=any(model.root_is_package(project) for model in ecosystems.ECOSYSTEMS),
        workspace=_workspace(project, code),
        manifests=checkout.manifests,
        dependencies=dependencies.runtime,
        dev_dependencies=dependencies.dev,
        optional_dependencies=dependencies.optional,
        peer_dependencies=dependencies.peer,
        platform_dependencies=dependencies.platform,
        build_dependencies=dependencies.build,
        optional_by_default=dependencies.by_default,
        dependencies_from=dependencies.source,
        resolution=graph.resolution,
        parts=_parts(code, importers),
        families=file_families({p: syntaxes[p].language for p in source_paths}),
        entry_points=entry_points,
        control_paths=control_paths,
        library_entry=_library_entry(*handed_out[0], syntaxes) if handed_out else None,
        key_modules=key_modules[:12],
        key_symbols=symbols[:40],
        roles=roles,
        tests=tests,
        ci=_ci(sorted(checkout.paths)),
        make_targets=targets,
        docker_command=docker_command,
        skipped_files=unreadable + too_slow,
        history=parse_git_log(history_log, depth=history_depth, keep=set(source_paths))
        if history_log
        else None,
        modules=modules,
        symbol_names=sorted({d.name for s in syntaxes.values() for d in s.definitions}),
    )


__all__ = ["ANALYSER_VERSION", "AnalysisError", "Definition", "RepoFacts", "analyse"]
