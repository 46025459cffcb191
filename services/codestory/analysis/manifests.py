"""Package manifests: name, version, description, runtime and development dependencies, and
the commands a project declares (console scripts, `bin`, `[[bin]]`, npm scripts)."""

from __future__ import annotations

import configparser
import json
import posixpath
import re
import tomllib
from collections.abc import Callable
from pathlib import PurePosixPath
from xml.etree import ElementTree

from pydantic import BaseModel, Field

from codestory.analysis.paths import file_name


class Manifest(BaseModel):
    path: str
    kind: str
    ecosystem: str = ""
    name: str | None = None
    version: str | None = None
    description: str | None = None
    dependencies: list[str] = Field(default_factory=list)  # what it needs to run
    dev_dependencies: list[str] = Field(default_factory=list)  # to build, test and lint
    # Features a user may switch on: Python's extras, Cargo's and Maven's optional ones,
    # npm's optionalDependencies. Never required to run.
    optional_dependencies: list[str] = Field(default_factory=list)
    # npm's peerDependencies: what the project using it must install beside it.
    peer_dependencies: list[str] = Field(default_factory=list)
    # Cargo's `[target.'cfg(unix)'.dependencies]`: needed to run on some platforms only.
    platform_dependencies: list[str] = Field(default_factory=list)
    # Cargo's `[build-dependencies]`: what its build script needs, on every user's machine.
    build_dependencies: list[str] = Field(default_factory=list)
    # The optional dependencies a build gets unless it opts out (Cargo's default features).
    default_optional: list[str] = Field(default_factory=list)
    # Cargo's `[workspace]` members, npm's `workspaces`: the packages built and tested
    # beside this one (folders, or globs of them).
    members: list[str] = Field(default_factory=list)
    scripts: dict[str, str] = Field(default_factory=dict)  # npm scripts
    # What each run-time dependency asks of its version, as written (`>=8.1`, `^4.18.2`).
    requirements: dict[str, str] = Field(default_factory=dict)
    executables: dict[str, str] = Field(default_factory=dict)  # command name -> target
    main: str | None = None  # package.json's main module
    # package.json's `source` (microbundle's, Parcel's): the file its build makes `main` from.
    main_source: str | None = None
    artifact: str | None = None  # Maven's artifactId: what sibling modules depend on
    # Cargo's `publish = false`: a crate its authors never release (a playground, a harness).
    unpublished: bool = False
    # PEP 621's static metadata (or Poetry's table): `dependencies` is all it needs, even
    # when empty, rather than something a build backend fills in from another file.
    static_dependencies: bool = False
    # Maven: the parent POM a module inherits from (a path in the checkout), the scopes its
    # `<dependencyManagement>` gives (artifact -> `test`, `optional`, ...), and the
    # dependencies a module declares with no scope of its own, which take the managed one.
    parent: str | None = None
    managed_scopes: dict[str, str] = Field(default_factory=dict)
    unscoped: list[str] = Field(default_factory=list)


_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_DEV_GROUP = re.compile(r"dev|test|lint|doc|typing|check|style|ci|bench", re.IGNORECASE)


def _names(specs: list[str]) -> list[str]:
    found = (m.group(1) for s in specs if (m := _REQUIREMENT_NAME.match(str(s))))
    return list(dict.fromkeys(found))


def _ranges(specs: list[str]) -> dict[str, str]:
    """`click>=8.1` -> {click: >=8.1}: a requirement's name and what it asks of the version
    (markers after `;` and extras left out)."""
    found: dict[str, str] = {}
    for spec in specs:
        text = str(spec).split(";", 1)[0]
        match = _REQUIREMENT_NAME.match(text)
        if match is not None:
            rest = re.sub(r"^\s*\[[^\]]*\]", "", text[match.end() :])
            found.setdefault(match.group(1), " ".join(rest.split()))
    return found


def _written(spec: object) -> str:
    """A version as a TOML or JSON table writes it: a string, or a table's `version`."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict) and isinstance(spec.get("version"), str):
        return str(spec["version"])
    return ""


def parse_pyproject(path: str, text: str) -> Manifest:
    data = tomllib.loads(text)
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {})
    runtime = _names(list(project.get("dependencies", [])))
    # Poetry: `python` is the interpreter; `optional = true` makes a package an extra's.
    declared = poetry.get("dependencies", {})
    extras = [n for n, spec in declared.items() if isinstance(spec, dict) and spec.get("optional")]
    runtime += [d for d in declared if d.lower() != "python" and d not in extras]
    dev: list[str] = []
    optional: list[str] = list(extras)
    for group, specs in project.get("optional-dependencies", {}).items():
        own = _names([s for s in specs if not str(s).startswith(project.get("name", "?"))])
        if _DEV_GROUP.search(group):
            dev += own
        else:
            optional += own
    for specs in data.get("dependency-groups", {}).values():
        dev += _names([s for s in specs if isinstance(s, str)])
    # The tools' own tables of development packages, older than PEP 735's groups: PDM's
    # groups and uv's list.
    tools = data.get("tool", {})
    for specs in tools.get("pdm", {}).get("dev-dependencies", {}).values():
        dev += _names([s for s in specs if isinstance(s, str)])
    dev += _names(
        [s for s in tools.get("uv", {}).get("dev-dependencies", []) if isinstance(s, str)]
    )
    for group in poetry.get("group", {}).values():
        dev += list(group.get("dependencies", {}))
    dev += list(poetry.get("dev-dependencies", {}))
    # PEP 621's console and GUI scripts are both programs the distribution installs.
    scripts = {
        **project.get("scripts", {}),
        **project.get("gui-scripts", {}),
        **poetry.get("scripts", {}),
    }
    return Manifest(
        path=path,
        kind="Python package",
        ecosystem="Python",
        name=project.get("name") or poetry.get("name"),
        version=project.get("version") or poetry.get("version"),
        description=project.get("description") or poetry.get("description"),
        requirements=_ranges(list(project.get("dependencies", [])))
        | {n: _written(s) for n, s in declared.items() if n.lower() != "python"},
        dependencies=list(dict.fromkeys(runtime)),
        dev_dependencies=[d for d in dict.fromkeys(dev) if d not in runtime],
        optional_dependencies=[d for d in dict.fromkeys(optional) if d not in runtime],
        executables={k: str(v) for k, v in scripts.items()},
        static_dependencies=bool(project and "dependencies" not in project.get("dynamic", []))
        or "dependencies" in poetry,
    )


def parse_setup_cfg(path: str, text: str) -> Manifest:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)

    def lines(section: str, key: str) -> list[str]:
        raw = parser.get(section, key, fallback="")
        return [ln.strip() for ln in raw.splitlines() if ln.strip()]

    executables = {}
    for line in lines("options.entry_points", "console_scripts"):
        name, _, target = line.partition("=")
        executables[name.strip()] = target.strip()
    dev: list[str] = []
    optional: list[str] = []
    if parser.has_section("options.extras_require"):
        for group, raw in parser.items("options.extras_require"):
            (dev if _DEV_GROUP.search(group) else optional).extend(_names(raw.splitlines()))
    return Manifest(
        path=path,
        kind="Python package",
        ecosystem="Python",
        name=parser.get("metadata", "name", fallback=None),
        version=parser.get("metadata", "version", fallback=None),
        description=parser.get("metadata", "description", fallback=None),
        dependencies=_names(lines("options", "install_requires")),
        dev_dependencies=dev,
        optional_dependencies=list(dict.fromkeys(optional)),
        executables=executables,
    )


_SETUP_KEYWORD = re.compile(r"\b(name|version|description)\s*=\s*['\"]([^'\"]{1,200})['\"]")
# A list literal's items, brackets inside its strings allowed (`"pkg[extra]"`).
_LIST = r"\[((?:[^\]'\"]|'[^']*'|\"[^\"]*\")*)\]"
_SETUP_LIST = re.compile(r"install_requires\s*=\s*" + _LIST, re.S)
_SETUP_TESTS = re.compile(r"tests_require\s*=\s*" + _LIST, re.S)
_SETUP_EXTRAS = re.compile(r"extras_require\s*=\s*\{((?:[^{}'\"]|'[^']*'|\"[^\"]*\")*)\}", re.S)
_SETUP_EXTRA = re.compile(r"['\"]([\w.-]+)['\"]\s*:\s*" + _LIST)
_SETUP_SCRIPTS = re.compile(r"['\"]([\w.-]+)\s*=\s*([\w.]+:[\w.]+)['\"]")


def _quoted_names(text: str) -> list[str]:
    return _names(re.findall(r"['\"]([^'\"]+)['\"]", text))


def parse_setup_py(path: str, text: str) -> Manifest:
    """setup.py is code; only literal keyword arguments are read, nothing is run.
    setuptools' `extras_require` named for development (test, docs, lint) and its
    `tests_require` are for working on the project; other extras are features."""
    fields = {k: v for k, v in _SETUP_KEYWORD.findall(text)}
    requires = _SETUP_LIST.search(text)
    deps = _quoted_names(requires.group(1)) if requires else []
    tests = _SETUP_TESTS.search(text)
    dev = _quoted_names(tests.group(1)) if tests else []
    optional: list[str] = []
    extras = _SETUP_EXTRAS.search(text)
    for group, specs in _SETUP_EXTRA.findall(extras.group(1) if extras else ""):
        (dev if _DEV_GROUP.search(group) else optional).extend(_quoted_names(specs))
    # `pkg[tests]` among pkg's own extras is the project itself, no package.
    taken = {*deps, fields.get("name")}
    return Manifest(
        path=path,
        kind="Python package",
        ecosystem="Python",
        name=fields.get("name"),
        version=fields.get("version"),
        description=fields.get("description"),
        dependencies=deps,
        dev_dependencies=[d for d in dict.fromkeys(dev) if d not in taken],
        optional_dependencies=[d for d in dict.fromkeys(optional) if d not in taken],
        executables=dict(_SETUP_SCRIPTS.findall(text)) if "console_scripts" in text else {},
    )


# pip's way to install the project itself into the environment: `-e .`, `.[full]`.
_SELF_INSTALL = re.compile(r"^(?:(?:-e|--editable)\s+)?\.(?:\[[^\]]*\])?$")


def parse_requirements(path: str, text: str) -> Manifest:
    """pip's requirements: one a line. A file named for development, or one that installs
    the project itself (`-e .`) to work on it, lists development packages."""
    lines = [ln.split("#")[0].strip() for ln in text.splitlines()]
    specs = [ln for ln in lines if ln and not ln.startswith("-")]
    dev = bool(_DEV_GROUP.search(PurePosixPath(path).name)) or "/dev" in path or "test" in path
    dev = dev or any(_SELF_INSTALL.match(ln) for ln in lines)
    names = _names(specs)
    return Manifest(
        path=path,
        kind="Python requirements",
        ecosystem="Python",
        dependencies=[] if dev else names,
        dev_dependencies=names if dev else [],
    )


def parse_pipfile(path: str, text: str) -> Manifest:
    data = tomllib.loads(text)
    return Manifest(
        path=path,
        kind="Pipfile",
        ecosystem="Python",
        dependencies=list(data.get("packages", {})),
        dev_dependencies=list(data.get("dev-packages", {})),
    )


def parse_package_json(path: str, text: str) -> Manifest:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("package.json is not an object")
    name = data.get("name") if isinstance(data.get("name"), str) else None
    binaries = data.get("bin", {})
    executables: dict[str, str] = {}
    if isinstance(binaries, str) and name:
        executables[name.rsplit("/", 1)[-1]] = binaries
    elif isinstance(binaries, dict):
        executables = {str(k): str(v) for k, v in binaries.items()}
    runtime = list(data.get("dependencies", {}))
    # A peer marked optional in peerDependenciesMeta is a feature, not a requirement.
    meta = data.get("peerDependenciesMeta", {})
    meta = meta if isinstance(meta, dict) else {}
    peers = [
        p
        for p in data.get("peerDependencies", {})
        if p not in runtime and not (isinstance(meta.get(p), dict) and meta[p].get("optional"))
    ]
    optional = [p for p in data.get("optionalDependencies", {}) if p not in runtime]
    optional += [p for p in data.get("peerDependencies", {}) if p not in runtime + peers]
    # npm's and Yarn's `workspaces`: globs of package folders, or `{"packages": [...]}`.
    workspaces = data.get("workspaces", [])
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages", [])
    members = [w for w in workspaces if isinstance(w, str)] if isinstance(workspaces, list) else []
    return Manifest(
        path=path,
        kind="Node package",
        ecosystem="JavaScript",
        name=name,
        version=data.get("version") if isinstance(data.get("version"), str) else None,
        description=data.get("description") if isinstance(data.get("description"), str) else None,
        dependencies=list(dict.fromkeys(runtime)),
        requirements={str(n): _written(v) for n, v in data.get("dependencies", {}).items()},
        dev_dependencies=[d for d in data.get("devDependencies", {}) if d not in runtime],
        optional_dependencies=list(dict.fromkeys(optional)),
        peer_dependencies=peers,
        scripts={str(k): str(v) for k, v in data.get("scripts", {}).items()},
        executables=executables,
        main=data.get("main") if isinstance(data.get("main"), str) else _exported(data),
        main_source=data.get("source") if isinstance(data.get("source"), str) else None,
        members=members,
    )


# Conditions under which a package's `exports` name its entry, in the order Node prefers
# them for a program that requires or imports it.
_EXPORT_CONDITIONS = ("node", "require", "import", "default")


def _exported(data: dict[str, object]) -> str | None:
    """npm's `exports` where there is no `main`: the file its "." entry names (a string,
    or a map of conditions such as `{"import": "./dist/index.mjs"}`)."""
    entry: object = data.get("exports")
    if isinstance(entry, dict) and "." in entry:
        entry = entry["."]
    for _ in range(3):  # conditions may nest: {"node": {"import": "./x.mjs"}}
        if not isinstance(entry, dict):
            break
        entry = next((entry[c] for c in _EXPORT_CONDITIONS if c in entry), None)
    return entry if isinstance(entry, str) and entry.startswith("./") else None


def parse_go_mod(path: str, text: str) -> Manifest:
    module = re.search(r"^module[ \t]+(\S+)", text, re.MULTILINE)
    direct: list[str] = []
    for requirement, comment in go_requirements(text):
        # `// indirect` marks what the direct dependencies need, not what the code imports.
        if not re.search(r"\bindirect\b", comment):
            direct.append(requirement)
    versions = dict(re.findall(r"^\s*(?:require\s+)?(\S+)\s+(v\S+)", text, re.MULTILINE))
    return Manifest(
        path=path,
        kind="Go module",
        ecosystem="Go",
        name=module.group(1) if module else None,
        dependencies=list(dict.fromkeys(direct)),
        requirements={d: versions[d] for d in direct if d in versions},
        dev_dependencies=[],
    )


def go_requirements(text: str) -> list[tuple[str, str]]:
    """Each module a go.mod's `require` directives name, with the line's comment; `replace`,
    `exclude` and `retract` name modules too, but require none."""
    found: list[tuple[str, str]] = []
    block: str | None = None  # the directive of the `( ... )` block we are in
    for raw in text.splitlines():
        line, _, comment = raw.partition("//")
        line = line.strip()
        if block is not None:
            if line.startswith(")"):
                block = None
                continue
            directive, spec = block, line
        elif opened := re.fullmatch(r"(\w+)\s*\(", line):
            block = opened.group(1)
            continue
        else:
            directive, _, spec = line.partition(" ")
        words = spec.split()
        if directive == "require" and len(words) >= 2:
            found.append((words[0], comment))
    return found


def parse_cargo(path: str, text: str) -> Manifest:
    data = tomllib.loads(text)
    package = data.get("package", {})
    name = package.get("name")
    executables = {str(b.get("name", name)): str(b.get("path", "")) for b in data.get("bin", [])}
    declared = data.get("dependencies", {})
    optional = [n for n, s in declared.items() if _optional(s)]
    platform: list[str] = []
    dev = list(data.get("dev-dependencies", {}))
    # `[target.'cfg(unix)'.dependencies]`: a platform's own requirements and features.
    for table in data.get("target", {}).values():
        for dependency, spec in table.get("dependencies", {}).items():
            (optional if _optional(spec) else platform).append(dependency)
        dev += list(table.get("dev-dependencies", {}))
    workspace = data.get("workspace", {})
    version = package.get("version")
    if not package or (isinstance(version, dict) and version.get("workspace")):
        # `version.workspace = true`, or a virtual workspace: the version its members share.
        version = workspace.get("package", {}).get("version")
    return Manifest(
        path=path,
        kind="Rust crate",
        ecosystem="Rust",
        name=name,
        version=_text(version),
        description=_text(package.get("description")),
        dependencies=[n for n in declared if n not in optional],
        requirements={n: _written(s) for n, s in declared.items() if n not in optional},
        dev_dependencies=list(dict.fromkeys(dev)),
        optional_dependencies=list(dict.fromkeys(optional)),
        platform_dependencies=[d for d in dict.fromkeys(platform) if d not in declared],
        build_dependencies=list(data.get("build-dependencies", {})),
        members=[str(m) for m in workspace.get("members", [])],
        default_optional=_default_optional(data.get("features", {}), optional),
        executables=executables,
        unpublished=package.get("publish") is False or package.get("publish") == [],
    )


def _default_optional(features: dict[str, list[str]], optional: list[str]) -> list[str]:
    """Cargo: the optional dependencies the `default` feature switches on, through the
    features it names (`completions = ["clap_complete"]`, `dep:x`, `x/feature`; `x?/feature`
    switches nothing on)."""
    on: set[str] = set()
    seen: set[str] = set()
    waiting = list(features.get("default", []))
    while waiting:
        entry = str(waiting.pop())
        if entry in seen or "?/" in entry:
            continue
        seen.add(entry)
        name = entry.removeprefix("dep:").split("/")[0]
        if name in optional:
            on.add(name)
        if not entry.startswith("dep:") and "/" not in entry:
            waiting += features.get(name, [])
    return [d for d in optional if d in on]


def _text(value: object) -> str | None:
    """A field's text; None where it is inherited (`description.workspace = true`)."""
    return value if isinstance(value, str) else None


def _optional(spec: object) -> bool:
    """Cargo: `optional = true` makes a dependency a feature a user switches on."""
    return isinstance(spec, dict) and bool(spec.get("optional"))


def parse_pom(path: str, text: str) -> Manifest:
    root = ElementTree.fromstring(text)  # noqa: S314 - a parsed file, never fetched entities
    namespace = root.tag.partition("}")[0] + "}" if root.tag.startswith("{") else ""

    def child(element: ElementTree.Element | None, tag: str) -> str | None:
        found = element.find(namespace + tag) if element is not None else None
        return found.text.strip() if found is not None and found.text else None

    runtime: list[str] = []
    dev: list[str] = []
    optional: list[str] = []
    unscoped: list[str] = []
    dependencies = root.find(namespace + "dependencies")
    for dependency in dependencies if dependencies is not None else []:
        artifact = child(dependency, "artifactId")
        if not artifact:
            continue
        # Maven's scopes: `test` is for the tests alone; `provided` is still needed at run
        # time (the container supplies it); `<optional>true</optional>` is a feature.
        if child(dependency, "scope") == "test":
            dev.append(artifact)
        elif child(dependency, "optional") == "true":
            optional.append(artifact)
        else:
            runtime.append(artifact)
            if child(dependency, "scope") is None and child(dependency, "optional") is None:
                unscoped.append(artifact)
    managed: dict[str, str] = {}
    management = root.find(f"{namespace}dependencyManagement/{namespace}dependencies")
    for dependency in management if management is not None else []:
        artifact = child(dependency, "artifactId")
        scope = child(dependency, "scope")
        if artifact and (scope or child(dependency, "optional") == "true"):
            managed[artifact] = scope or "optional"
    parent = root.find(namespace + "parent")
    relative = child(parent, "relativePath") if parent is not None else None
    folder = PurePosixPath(path).parent
    parent_path = None
    if parent is not None:  # Maven's default: the POM in the folder above
        target = PurePosixPath(relative if relative is not None else "../pom.xml")
        target = target if target.name.endswith(".xml") else target / "pom.xml"
        parent_path = posixpath.normpath((folder / target).as_posix())
    return Manifest(
        path=path,
        kind="Maven project",
        ecosystem="Java",
        name=child(root, "name") or child(root, "artifactId"),
        artifact=child(root, "artifactId"),
        version=child(root, "version"),
        description=child(root, "description"),
        dependencies=runtime,
        dev_dependencies=dev,
        optional_dependencies=optional,
        parent=parent_path if parent_path and not parent_path.startswith("..") else None,
        managed_scopes=managed,
        unscoped=unscoped,
    )


def inherit_managed_scopes(manifests: list[Manifest]) -> list[Manifest]:
    """Maven: a module's dependency declared without a scope takes the one its parents'
    `<dependencyManagement>` gives it, the nearest parent first (a `test` or `optional`
    entry there keeps junit out of what the module needs at run time)."""
    by_path = {m.path: m for m in manifests}
    found: list[Manifest] = []
    for manifest in manifests:
        scopes: dict[str, str] = {}
        parent, seen = manifest.parent, {manifest.path}
        while parent in by_path and parent not in seen and len(seen) < 8:
            seen.add(parent)
            scopes = {**by_path[parent].managed_scopes, **scopes}
            parent = by_path[parent].parent
        moved = {d: scopes[d] for d in manifest.unscoped if scopes.get(d) in {"test", "optional"}}
        if not moved:
            found.append(manifest)
            continue
        tested = [d for d in manifest.unscoped if moved.get(d) == "test"]
        featured = [d for d in manifest.unscoped if moved.get(d) == "optional"]
        found.append(
            manifest.model_copy(
                update={
                    "dependencies": [d for d in manifest.dependencies if d not in moved],
                    "dev_dependencies": [*manifest.dev_dependencies, *tested],
                    "optional_dependencies": [*manifest.optional_dependencies, *featured],
                }
            )
        )
    return found


# Leading blanks are matched within their line (`[^\S\n]*`), here and in every pattern that
# starts at each line: `^\s*` would run on over all the blank lines below every line start,
# quadratic in a run of them (40 KB of newlines took 16 s).
_GRADLE_DEP = re.compile(
    r"^[^\S\n]*(\w+)\s*\(?\s*['\"]([\w.\-]+):([\w.\-]+)(?::[^'\"]*)?['\"]", re.MULTILINE
)


def parse_gradle(path: str, text: str) -> Manifest:
    runtime: list[str] = []
    dev: list[str] = []
    for configuration, _group, artifact in _GRADLE_DEP.findall(text):
        if configuration == "classpath":  # a buildscript's plugin: the build's, not the code's
            continue
        target = (
            dev if configuration.lower().startswith(("test", "annotation", "kapt")) else runtime
        )
        target.append(artifact)
    return Manifest(
        path=path,
        kind="Gradle build",
        ecosystem="Java",
        dependencies=runtime,
        dev_dependencies=dev,
    )


def parse_gemfile(path: str, text: str) -> Manifest:
    runtime: list[str] = []
    dev: list[str] = []
    group_depth = 0
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("group ") and ("development" in stripped or "test" in stripped):
            group_depth += 1
        elif stripped == "end" and group_depth:
            group_depth -= 1
        elif match := re.match(r"gem\s+['\"]([\w.-]+)['\"]", stripped):
            (dev if group_depth else runtime).append(match.group(1))
    return Manifest(
        path=path, kind="Gemfile", ecosystem="Ruby", dependencies=runtime, dev_dependencies=dev
    )


def parse_composer(path: str, text: str) -> Manifest:
    data = json.loads(text)
    return Manifest(
        path=path,
        kind="Composer package",
        ecosystem="PHP",
        name=data.get("name"),
        description=data.get("description"),
        dependencies=[d for d in data.get("require", {}) if d != "php"],
        dev_dependencies=list(data.get("require-dev", {})),
    )


def parse_chart(path: str, text: str) -> Manifest:
    name = re.search(r"^name:\s*(\S+)", text, re.MULTILINE)
    version = re.search(r"^version:\s*(\S+)", text, re.MULTILINE)
    description = re.search(r"^description:\s*(.+)$", text, re.MULTILINE)
    return Manifest(
        path=path,
        kind="Helm chart",
        ecosystem="Helm",
        name=name.group(1) if name else None,
        version=version.group(1).strip("\"'") if version else None,
        description=description.group(1).strip().strip("\"'") if description else None,
    )


# Packages a CMake build finds to make its documentation, run its tests or drive the build
# itself: tools for working on the project, not libraries the code needs to run.
_CMAKE_TOOLS = frozenset(
    {
        "doxygen", "sphinx", "latex", "git", "pkgconfig", "perl", "python", "python2",
        "python3", "pythoninterp", "bison", "flex", "gtest", "gmock", "googletest",
        "catch2", "doctest", "benchmark", "cmocka", "check", "valgrind",
    }
)  # fmt: skip


def _cmake_optional_packages(text: str) -> list[str]:
    """Packages found only inside an `if()` on one of the build's own `option()` switches
    (`option(ENABLE_SSL ... OFF)` ... `if(ENABLE_SSL) find_package(OpenSSL)`): a feature a
    user builds in, not something the code always needs."""
    switches = {s.upper() for s in re.findall(r"^[^\S\n]*option\s*\(\s*(\w+)", text, re.I | re.M)}
    optional: list[str] = []
    always: set[str] = set()
    depth: list[bool] = []  # for each open if(): whether it tests a switch
    for line in text.splitlines():
        code = line.split("#", 1)[0]
        opened = re.match(r"\s*if\s*\((.*)", code, re.I)
        if opened:
            words = {w.upper() for w in re.findall(r"\w+", opened.group(1))}
            depth.append(bool(words & switches))
        elif re.match(r"\s*endif\s*\(", code, re.I) and depth:
            depth.pop()
        for package in re.findall(r"find_package\s*\(\s*([\w.-]+)", code, re.I):
            (optional.append(package) if any(depth) else always.add(package))
    return [p for p in dict.fromkeys(optional) if p not in always]


def parse_cmake(path: str, text: str) -> Manifest:
    project = re.search(
        r"^[^\S\n]*project\s*\(\s*([\w.-]+)(?:[^)]*VERSION\s+([\d.]+))?", text, re.I | re.M
    )
    packages = re.findall(r"find_package\s*\(\s*([\w.-]+)", text, re.IGNORECASE)
    optional = _cmake_optional_packages(text)
    executables = re.findall(r"add_executable\s*\(\s*([\w.-]+)", text, re.IGNORECASE)
    scripts = {"test": "ctest"} if re.search(r"enable_testing|add_test\s*\(", text, re.I) else {}
    return Manifest(
        path=path,
        kind="CMake project",
        scripts=scripts,
        ecosystem="C/C++",
        name=project.group(1) if project else None,
        version=project.group(2) if project and project.group(2) else None,
        dependencies=[
            p
            for p in dict.fromkeys(packages)
            if p.lower() not in _CMAKE_TOOLS and p not in optional
        ],
        dev_dependencies=[p for p in dict.fromkeys(packages) if p.lower() in _CMAKE_TOOLS],
        optional_dependencies=[p for p in optional if p.lower() not in _CMAKE_TOOLS],
        executables={e: "" for e in executables if "$" not in e},
    )


PARSERS: dict[str, Callable[[str, str], Manifest]] = {
    "pyproject.toml": parse_pyproject,
    "setup.cfg": parse_setup_cfg,
    "setup.py": parse_setup_py,
    "requirements.txt": parse_requirements,
    "Pipfile": parse_pipfile,
    "package.json": parse_package_json,
    "go.mod": parse_go_mod,
    "Cargo.toml": parse_cargo,
    "pom.xml": parse_pom,
    "build.gradle": parse_gradle,
    "build.gradle.kts": parse_gradle,
    "Gemfile": parse_gemfile,
    "composer.json": parse_composer,
    "Chart.yaml": parse_chart,
    "CMakeLists.txt": parse_cmake,
}
_REQUIREMENTS_FILE = re.compile(r"^requirements[\w.-]*\.(?:txt|in)$")


def is_manifest(path: str) -> bool:
    """Whether parse_manifest reads this file (known by its name alone)."""
    name = file_name(path)
    if name in PARSERS:
        return True
    requirements = _REQUIREMENTS_FILE.match(name) or path.startswith("requirements/")
    return bool(requirements) and name.endswith((".txt", ".in"))


def parse_manifest(path: str, text: str) -> Manifest | None:
    """Parse a manifest by file name; a malformed one is reported by kind alone."""
    name = PurePosixPath(path).name
    parser = PARSERS.get(name)
    requirements = _REQUIREMENTS_FILE.match(name) or path.startswith("requirements/")
    if parser is None and requirements and name.endswith((".txt", ".in")):
        parser = parse_requirements
    if parser is None:
        return None
    try:
        return parser(path, text)
    except (
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        configparser.Error,
        ElementTree.ParseError,
    ):
        return Manifest(path=path, kind=f"{name} (unreadable)")


_MAKE_TARGET = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)\s*:(?!=)", re.MULTILINE)


def make_targets(text: str) -> list[str]:
    """The targets a Makefile defines, less those that do nothing (`all:` that only echoes
    "Nothing to do"): no prerequisite, and a recipe of `echo` lines only. One pass."""
    targets: dict[str, bool] = {}  # target -> does something (or may: no recipe read here)
    reading: list[str] = []  # targets with no prerequisite whose recipe lines come next
    echoes: dict[str, int] = {}  # of those, how many recipe lines only echo
    for line in text.splitlines():
        if line.startswith("\t"):
            command = line.strip().lstrip("@-")
            for target in reading:
                if command and not _ECHO.match(command):
                    targets[target] = True
                elif command:
                    echoes[target] = echoes.get(target, 0) + 1
            continue
        reading = []
        match = _MAKE_TARGET.match(line)
        if match is None or match.group(1) == "PHONY":
            continue
        target = match.group(1)
        if line[match.end() :].split("#", 1)[0].strip():
            targets[target] = True  # prerequisites: it makes them
        elif not targets.get(target):
            targets[target] = False
            reading = [target]
    # No recipe line at all keeps a target: its rule may sit in an included file.
    return [t for t, does in targets.items() if does or not echoes.get(t)]


_ECHO = re.compile(r"(?:echo|true|:)(?:\s|$)")


def automake_tests(text: str) -> list[str]:
    """The scripts Automake's `make check` runs: every word of `TESTS =` and `TESTS +=`,
    continuation lines joined, a variable the same file sets (`TESTS = $(e2e_tests)`)
    expanded, other references left out."""
    joined = text.replace("\\\n", " ")
    variables: dict[str, list[str]] = {}
    for name, value in re.findall(r"^(\w+)[ \t]*\+?=([^\n]*)", joined, re.M):
        variables.setdefault(name, []).extend(value.split())

    def expand(words: list[str], depth: int = 0) -> list[str]:
        out: list[str] = []
        for word in words:
            named = re.fullmatch(r"\$[({](\w+)[)}]", word)
            if named and depth < 3 and named.group(1) != "TESTS":
                out += expand(variables.get(named.group(1), []), depth + 1)
            elif "$" not in word:
                out.append(word)
        return out

    return expand(variables.get("TESTS", []))
