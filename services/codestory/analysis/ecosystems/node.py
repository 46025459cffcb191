"""npm packages: `bin` commands, `main`/`exports` for libraries, and applications that are
run by their framework's launcher from package.json's `start` script."""

from __future__ import annotations

import re
from fnmatch import fnmatch

from codestory.analysis.ecosystems.base import (
    Application,
    Binding,
    CommandStage,
    Ecosystem,
    ImportScope,
    Indexes,
    Project,
    SuiteCommand,
    SuiteEvidence,
)
from codestory.analysis.ecosystems.node_imports import NodeImports
from codestory.analysis.entry_point import (
    EntryPoint,
    declared_executable,
    folder_of,
    source_of_build,
)
from codestory.analysis.file_kind import FileKind
from codestory.analysis.manifests import Manifest
from codestory.analysis.paths import normalise
from codestory.analysis.role_types import HTTP_METHODS, Route, path_calls
from codestory.analysis.syntax import FileSyntax, ImportRef

_TEST_FRAMEWORKS = {
    "mocha": "Mocha",
    "jest": "Jest",
    "vitest": "Vitest",
    "ava": "AVA",
    "tap": "tap",
    "uvu": "uvu",
    "jasmine": "Jasmine",
    "@playwright/test": "Playwright",
    "tsd": "tsd",
    "tstyche": "TSTyche",
    "tape": "tape",
    "ospec": "ospec",
}
# What `npm init` writes as the test script until the authors have one.
_NPM_INIT_PLACEHOLDER = re.compile(r"no test specified")
# Runners that find the tests by their own conventions, run from the package's folder.
_RUNNERS = {
    "Node's built-in test runner": "node --test",
    "Mocha": "mocha",
    "Jest": "jest",
    "Vitest": "vitest",
    "AVA": "ava",
}
# semantic-release sets package.json's version when it publishes; what is committed is a
# stand-in (its documented `0.0.0-development`, or whatever number was left behind).
_PUBLISH_SETS_VERSION = re.compile(r"\bsemantic-release\b")
_STAND_IN_VERSION = re.compile(r"^0\.0\.0-(?:development|semantic(?:ally)?-release[d]?)$")
_DECLARATION_FILE = re.compile(r"\.d\.[cm]?ts$")
_NODE_TEST_FLAG = re.compile(r"\bnode\b[^&|;]*\s--test\b")
# Launchers whose application is a folder of framework files rather than one script, with
# the files each starts from, most specific first.
_FRAMEWORK_STARTS: dict[str, tuple[str, ...]] = {
    "next": (
        "app/layout.tsx",
        "app/layout.jsx",
        "app/layout.js",
        "src/app/layout.tsx",
        "src/app/layout.jsx",
        "app/page.tsx",
        "src/app/page.tsx",
        "pages/_app.tsx",
        "pages/_app.jsx",
        "pages/_app.js",
        "src/pages/_app.tsx",
        "pages/index.tsx",
        "pages/index.jsx",
        "pages/index.js",
        "src/pages/index.tsx",
    ),
    "nuxt": ("app.vue", "pages/index.vue", "nuxt.config.ts", "nuxt.config.js"),
    "react-scripts": ("src/index.tsx", "src/index.jsx", "src/index.js"),
    "vite": ("src/main.tsx", "src/main.ts", "src/main.jsx", "src/main.js"),
}
# `node server.js`, `node ./bin/www`, `ts-node src/server.ts`, `tsx watch src/index.ts`.
_RUN_SCRIPT = re.compile(
    r"(?:^|&&\s*|;\s*)(?:node|nodemon|ts-node|tsx(?:\s+watch)?|bun(?:\s+run)?)\s+"
    r"(?:--?[\w-]+(?:=\S+)?\s+)*([\w./@-]+)"
)
# Express, Koa and Fastify: `app.get("/x", handler)` on the objects routers are usually named.
_ROUTER_OBJECTS = frozenset({"app", "router", "api", "server", "r", "routes", "e", "mux", "g"})
_SCRIPT_SUFFIXES = ("", ".js", ".mjs", ".cjs", ".ts", "/index.js", "/index.ts")


_PNPM_WORKSPACE = "pnpm-workspace.yaml"


def _pnpm_packages(text: str) -> list[str]:
    """The globs under `packages:` in pnpm-workspace.yaml, one `- glob` a line."""
    globs: list[str] = []
    inside = False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            inside = line.split(":", 1)[0].strip() == "packages"
            continue
        item = line.strip()
        if inside and item.startswith("-"):
            globs.append(item[1:].split("#", 1)[0].strip().strip("'\""))
    return [g for g in globs if g]


# Commands whose package is named otherwise.
_COMMAND_PACKAGES = {"tsc": "typescript", "tsserver": "typescript", "vue-tsc": "vue-tsc"}
# Type declarations of other packages and shared tool configurations.
_SUPPORTING_PACKAGE = re.compile(r"^@types/|(?:^|[/-])(?:tsconfig|eslint-config|prettier-config)\b")


class Node(Ecosystem):
    name = "node"
    languages = frozenset({"JavaScript", "TypeScript"})
    runs_top_level = True
    manifest_ecosystems = frozenset({"JavaScript"})
    # Jest's, Vitest's and Mocha's `x.test.js`, `x.spec.ts`; tsd's `x.test-d.ts` and
    # TSTyche's `x.tst.ts` type tests.
    test_file_names = r".+\.(?:test|spec|test-d|tst)\.[cm]?[jt]sx?"

    def tools_first(self, manifests: list[Manifest], dev: list[str]) -> list[str]:
        """npm: the packages whose commands `scripts` run (`ava`, `xo`, `tsc` from
        `typescript`), in the order the scripts name them, before the others; type
        declarations (`@types/x`) and shared configs (`@scope/tsconfig`,
        `eslint-config-x`) last: they only serve the tools and say least of the project."""
        said = " ".join(v for m in self.own(manifests) for v in m.scripts.values())
        words = [_COMMAND_PACKAGES.get(w, w) for w in re.findall(r"[@\w./-]+", said)]
        order = {w: i for i, w in reversed(list(enumerate(words)))}

        def rank(package: str) -> tuple[int, int]:
            if package in order:
                return 0, order[package]
            return (2 if _SUPPORTING_PACKAGE.search(package) else 1), 0

        return sorted(dev, key=rank)

    def version_kept(self, manifest: Manifest) -> bool:
        """npm: a version semantic-release writes at publish time is not the committed one."""
        if manifest.version and _STAND_IN_VERSION.match(manifest.version):
            return False
        return not (
            "semantic-release" in manifest.dev_dependencies
            or any(_PUBLISH_SETS_VERSION.search(s) for s in manifest.scripts.values())
        )

    def wanted_texts(self, paths: frozenset[str], kinds: dict[str, FileKind]) -> set[str]:
        return {_PNPM_WORKSPACE} & paths

    def workspace_members(self, project: Project) -> list[str]:
        """Node: the package folders a workspace joins, named by globs in the top-level
        package.json's `workspaces` (npm, Yarn) or `pnpm-workspace.yaml`'s `packages`; each
        member has its own package.json. A `!glob` leaves folders out."""
        patterns = [p for m in self.manifests(project, root=True) for p in m.members]
        patterns += _pnpm_packages(project.texts.get(_PNPM_WORKSPACE, ""))
        kept = [p.strip("./") for p in patterns if not p.startswith("!")]
        left = [p[1:].strip("./") for p in patterns if p.startswith("!")]
        folders = sorted(folder_of(m.path).rstrip("/") for m in self.manifests(project))
        return [
            f
            for f in folders
            if f and any(fnmatch(f, p) for p in kept) and not any(fnmatch(f, p) for p in left)
        ]

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> NodeImports:
        """Node: a relative specifier names a file with or without its suffix, or a folder's
        index file; TypeScript's `./x.js` names the `x.ts` it is compiled from."""
        return NodeImports(paths)

    def bind_import(
        self, importer: str, ref: ImportRef, scope: ImportScope, bound: dict[str, Binding]
    ) -> None:
        """JavaScript: `import {a} from './m'` (or `const {a} = require('./m')`) binds a to
        m's a; a default or namespace import (`import m from`, `const m = require`) binds
        its alias to the module."""
        if not (ref.names or ref.alias):
            return
        for target in scope.imported_files(importer, ref):
            for name in ref.names:
                bound[name] = (target, name)
            if ref.alias:
                bound[ref.alias] = (target, None)

    def manifest_programs(
        self, manifest: Manifest, project: Project, imports: Indexes, told: list[EntryPoint]
    ) -> list[EntryPoint]:
        """JavaScript: package.json's `bin` names executables (built from `src/` when the
        file named is a build output), its `main` the file the package hands out."""
        base = folder_of(manifest.path)
        points = [
            declared_executable(
                base=base, name=name, target=target, paths=project.paths, syntaxes=project.syntaxes
            )
            for name, target in manifest.executables.items()
        ]
        if manifest.main:
            file = normalise(base + manifest.main)
            # A `main` in the build's output folder is built from a source in the checkout.
            candidates = (
                file,
                f"{file}.js",
                f"{file}/index.js",
                source_of_build(file, project.paths),
                # The build's own word for the file it makes `main` from.
                normalise(base + manifest.main_source) if manifest.main_source else None,
            )
            found = next((c for c in candidates if c in project.paths), None)
            if found:
                points.append(
                    EntryPoint(
                        kind="library main",
                        name=manifest.name or file,
                        target=manifest.main,
                        path=found,
                    )
                )
        return points

    def routes(self, path: str, syntax: FileSyntax) -> list[Route]:
        """Node: a route is a method call on a router object with a URL path,
        `app.get("/x", handler)`."""
        return [
            Route(call.name.upper(), call.literal, None, path, call.line)
            for call in path_calls(syntax)
            if call.literal
            and call.name in HTTP_METHODS | {"all"}
            and call.qualifier in _ROUTER_OBJECTS
        ]

    def declares_only(self, path: str) -> bool:
        """TypeScript: a `.d.ts` declaration file types JavaScript written elsewhere (a
        package's hand-written typings); it holds no code that runs."""
        return _DECLARATION_FILE.search(path) is not None

    def test_frameworks(self, evidence: SuiteEvidence) -> list[str]:
        """Node: a test framework is a declared package or a command in a script; Node's
        own runner is part of Node, seen in `node:test` imports or `node --test`."""
        found: list[str] = []
        if evidence.imported.get("node:test") or _NODE_TEST_FLAG.search(evidence.scripts):
            found.append("Node's built-in test runner")
        for package, label in _TEST_FRAMEWORKS.items():
            if package in evidence.declared or re.search(
                rf"\b{re.escape(package)}\b", evidence.scripts
            ):
                found.append(label)
        return found

    def test_commands(
        self, manifests: list[Manifest], frameworks: list[str], paths: set[str]
    ) -> list[SuiteCommand]:
        """Node: `npm test` when package.json declares a test script, the authors' own way
        (not `npm init`'s placeholder, which only fails); else the runner of a framework
        that finds its tests by itself."""
        package = next(iter(self.own(manifests)), None)
        script = package.scripts.get("test", "") if package is not None else ""
        if script and not _NPM_INIT_PLACEHOLDER.search(script):
            return [SuiteCommand("npm test", CommandStage.SCRIPT, replaces_make=True)]
        return [SuiteCommand(_RUNNERS[f]) for f in frameworks if f in _RUNNERS][:1]

    def application(self, project: Project) -> Application | None:
        for manifest in self.manifests(project, root=True):
            for script in ("start", "dev", "serve"):
                command = manifest.scripts.get(script, "")
                if not command:
                    continue
                launcher = command.split()[0]
                starts = _FRAMEWORK_STARTS.get(launcher, ())
                found = tuple(p for p in starts if p in project.paths)[:2]
                if found:
                    return Application(found, f"`{command}` in package.json's {script} script")
                run = _RUN_SCRIPT.search(command)
                if run and script == "start":
                    target = run.group(1).removeprefix("./")
                    file = next(
                        (target + s for s in _SCRIPT_SUFFIXES if target + s in project.paths),
                        None,
                    )
                    if file and not manifest.executables:
                        return Application((file,), f"`{command}` in package.json's start script")
        return None


NODE = Node()
