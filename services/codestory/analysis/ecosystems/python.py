"""Python packaging: a distribution's programs are its console scripts and its packages'
`__main__.py` (`python -m pkg`); web projects are run through their framework's launcher."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from codestory.analysis.ecosystems.base import (
    Application,
    Binding,
    Ecosystem,
    ImportScope,
    Indexes,
    Project,
    SuiteCommand,
    SuiteEvidence,
)
from codestory.analysis.ecosystems.python_imports import PythonImports
from codestory.analysis.ecosystems.python_roles import decorated_role, decorated_routes
from codestory.analysis.ecosystems.python_tests import python_commands, python_frameworks
from codestory.analysis.entry_point import EntryPoint
from codestory.analysis.file_kind import FileKind
from codestory.analysis.manifests import Manifest
from codestory.analysis.paths import file_name
from codestory.analysis.role_types import Role, Route
from codestory.analysis.syntax import Definition, FileSyntax, ImportRef

_PACKAGING = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})
# An sdist's own metadata: the version this release was built as.
_PKG_INFO_VERSION = re.compile(r"^Version:\s*(\S+)\s*$", re.MULTILINE)
_DUNDER_VERSION = re.compile(r"^__version__\s*(?::\s*str\s*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
# PEP 440: a release number with an optional pre-, post- or development release.
_PLAIN_VERSION = re.compile(r"\d+(?:\.\d+)+(?:[-.]?(?:a|b|rc|alpha|beta|post|dev)\.?\d*)*")
_VERSION_FILES = frozenset(
    {"__init__.py", "__about__.py", "_version.py", "version.py", "__version__.py"}
)


def _plain_version_file(path: str, paths: frozenset[str]) -> bool:
    """A `VERSION` file at the top or in a top-level package, as setuptools' `file:`
    directive and `pkgutil.get_data` read it."""
    name = file_name(path)
    if name not in {"VERSION", "VERSION.txt"} or path.count("/") > 1:
        return False
    return "/" not in path or _in_package(path, paths)


def _in_package(path: str, paths: frozenset[str]) -> bool:
    folder = str(PurePosixPath(path).parent)
    return folder != "." and f"{folder}/__init__.py" in paths


class Python(Ecosystem):
    name = "python"
    languages = frozenset({"Python"})
    manifest_ecosystems = frozenset({"Python"})
    # pytest's discovery: `test_*.py` and `*_test.py`, with fixtures in `conftest.py`.
    # `tests.py` (Django's app tests) and a `test.py` or `runtests.py` script are tests too.
    test_file_names = r"test_.+\.py|.+_test\.py|conftest\.py|tests?\.py|run_?tests\.py"

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> PythonImports:
        """Python: a module is a file named by its dotted path below a root folder, a package
        a folder with `__init__.py`; relative imports count up from the importer's package."""
        return PythonImports(syntaxes)

    def bind_import(
        self, importer: str, ref: ImportRef, scope: ImportScope, bound: dict[str, Binding]
    ) -> None:
        """Python: `from m import x` binds x to m's x; `from pkg import mod` binds the module
        by its name (a package by its folder's); `import a.b` binds `a` and `a.b`."""
        for target, name in scope.index(PythonImports).targets(importer, ref):
            if name:
                bound[name] = (target, name)
            elif ref.names:
                stem = PurePosixPath(target).stem
                module = stem if stem != "__init__" else PurePosixPath(target).parent.name
                bound[module] = (target, None)
            else:
                bound[ref.target.split(".")[0]] = (target, None)
                bound[ref.target] = (target, None)

    def manifest_programs(
        self, manifest: Manifest, project: Project, imports: Indexes, told: list[EntryPoint]
    ) -> list[EntryPoint]:
        """Python: a console script, `name = "package.module:function"`, runs that function
        (often one the package's `__init__.py` re-exports from a submodule)."""
        modules = imports.index(PythonImports)
        points = []
        for name, target in manifest.executables.items():
            path, symbol = _console_script(target, modules, project.syntaxes)
            points.append(
                EntryPoint(
                    kind="console script", name=name, target=target, path=path, symbol=symbol
                )
            )
        return points

    def working_environments(self, manifests: list[Manifest]) -> list[Manifest]:
        """Python: a distribution's needs are what its packaging declares (PEP 621's
        `dependencies`, Poetry's, `install_requires`); a requirements file beside it pins
        the environment its authors work in. A `dynamic` list is the one a build backend
        fills in, often from `requirements.txt`."""
        packaged = (
            m.dependencies or m.static_dependencies for m in manifests if m.kind == "Python package"
        )
        if not any(packaged):
            return manifests
        return [
            m.model_copy(
                update={
                    "dependencies": [],
                    "dev_dependencies": list(dict.fromkeys(m.dev_dependencies + m.dependencies)),
                }
            )
            if m.kind == "Python requirements"
            else m
            for m in manifests
        ]

    def needs_an_extra(self, syntax: FileSyntax, required: list[str], optional: list[str]) -> bool:
        """Python: a console script whose module imports a distribution only an extra
        installs (`pip install pkg[cli]` for `click`) is an optional command, however it is
        guarded (`try: import click`)."""
        needed = {_distribution(name) for name in required}
        extra = {_distribution(name) for name in optional} - needed
        imported = {_distribution(ref.target.split(".")[0]) for ref in syntax.imports}
        return bool(extra & imported)

    def routes(self, path: str, syntax: FileSyntax) -> list[Route]:
        """Python: a route is a decorator naming a URL path, `@app.get("/x")`."""
        return [r for d in syntax.definitions for r in decorated_routes(path, d)]

    def decorator_role(self, path: str, definition: Definition) -> Role | None:
        """Python: `@cli.command()` declares a subcommand, `@app.task` a background task."""
        return decorated_role(path, definition)

    def test_frameworks(self, evidence: SuiteEvidence) -> list[str]:
        """Python: pytest, unittest or Hypothesis when declared or imported, and pytest when
        tests are plain `def test_x()` functions or a `conftest.py`; only when Python writes
        at least half of the test files."""
        return python_frameworks(evidence, self.languages)

    def test_commands(
        self, manifests: list[Manifest], frameworks: list[str], paths: set[str]
    ) -> list[SuiteCommand]:
        """Python: `pytest` or `python -m unittest` (the authors' wrapper already, before any
        Makefile target); `tox` and `nox` when configured."""
        return python_commands(frameworks, paths)

    def main_is_way_in(self, path: str, project: Project) -> bool:
        # In a packaged distribution, a `__main__` guard inside an importable package (other
        # than `__main__.py`) is a module's demo or debug hook: `requests/certs.py` prints
        # where its certificates are. Scripts outside packages and unpackaged trees keep it.
        # A script in a folder of a packaged distribution (`downstream/run.py`, `ci/check.py`)
        # is not installed: it is the authors' tool. A top-level `manage.py` or `app.py` runs
        # the project.
        packaged = any(file_name(p) in _PACKAGING for p in project.paths if "/" not in p)
        if not packaged or PurePosixPath(path).name == "__main__.py":
            return True
        return "/" not in path and not _in_package(path, project.paths)

    def wanted_texts(self, paths: frozenset[str], kinds: dict[str, FileKind]) -> set[str]:
        versions = {
            p
            for p in paths
            if file_name(p) in _VERSION_FILES
            and p.count("/") <= 2
            and kinds.get(p) is FileKind.SOURCE
        }
        return (
            versions | ({"PKG-INFO"} & paths) | {p for p in paths if _plain_version_file(p, paths)}
        )

    def declared_version(self, project: Project) -> str | None:
        metadata = _PKG_INFO_VERSION.search(project.texts.get("PKG-INFO", ""))
        if metadata:
            return metadata.group(1)
        # `__version__` in the package itself (what `attr: pkg.__version__` points at).
        for path in sorted(project.texts, key=lambda p: (p.count("/"), p)):
            if path.endswith(".py"):
                found = _DUNDER_VERSION.search(project.texts[path])
                if found:
                    return found.group(1)
        # A plain `VERSION` file the packaging reads (`version = file: pkg/VERSION`).
        for path in sorted(project.texts, key=lambda p: (p.count("/"), p)):
            if _plain_version_file(path, project.paths):
                found = _PLAIN_VERSION.fullmatch(project.texts[path].strip())
                if found:
                    return found.group(0)
        return None

    def application(self, project: Project) -> Application | None:
        # Django's convention: a site is run through the `manage.py` beside its settings.
        uses_django = any(
            d.lower() == "django" for m in self.manifests(project) for d in m.dependencies
        )
        managers = sorted(
            p for p in project.paths if file_name(p) == "manage.py" and p.count("/") <= 1
        )
        if uses_django and managers:
            return Application(tuple(managers), "a Django site run through `manage.py`")
        return None


def _console_script(
    target: str, modules: PythonImports, syntaxes: dict[str, FileSyntax]
) -> tuple[str | None, str | None]:
    """The file and function a console script's `module:function` names."""
    module, _, function = target.partition(":")
    path = modules.modules.get(module.strip())
    if path is None:
        return None, None
    name = function.strip().split(".")[0] or None
    if name and not any(d.name == name for d in syntaxes[path].definitions):
        # `pkg:main` often names a function `pkg/__init__.py` re-exports from a submodule.
        origin = next(
            (
                found
                for ref in syntaxes[path].imports
                if name in ref.names
                for found, imported in modules.targets(path, ref)
                if imported == name and found in syntaxes
            ),
            None,
        )
        if origin and any(d.name == name for d in syntaxes[origin].definitions):
            return origin, name
        name = None
    return path, name


PYTHON = Python()


def _distribution(name: str) -> str:
    """A distribution's name as PEP 503 compares it, which is also its import name's
    spelling for most (`Click` and `click`; `typing-extensions` and `typing_extensions`)."""
    return re.sub(r"[-_.]+", "-", name).lower()
