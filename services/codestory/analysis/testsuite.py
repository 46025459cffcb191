"""Where the tests are, what they are written with, and the command that runs them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, Field

from codestory.analysis.classify import TEST_DIRS
from codestory.analysis.manifests import Manifest
from codestory.analysis.syntax import FileSyntax

_PY_FRAMEWORKS = {"pytest": "pytest", "unittest": "unittest", "hypothesis": "Hypothesis"}
_JS_FRAMEWORKS = {
    "mocha": "Mocha",
    "jest": "Jest",
    "vitest": "Vitest",
    "ava": "AVA",
    "tap": "tap",
    "uvu": "uvu",
    "jasmine": "Jasmine",
    "@playwright/test": "Playwright",
    "tsd": "tsd",
}
_C_TEST_INCLUDES = {
    "gtest/gtest.h": "GoogleTest",
    "gmock/gmock.h": "GoogleTest",
    "catch2/catch.hpp": "Catch2",
    "catch.hpp": "Catch2",
    "doctest/doctest.h": "doctest",
    "doctest.h": "doctest",
}
# The folders classify calls tests, less Go's `testdata` (inputs the tests read, not
# tests), and the `testing` helpers some projects keep beside them.
_TEST_FOLDERS = (TEST_DIRS - {"testdata"}) | {"testing"}
# `cfg(test)` alone marks a file whose tests a macro writes (no `#[test]` the parser sees).
_RUST_TEST_ATTRIBUTE = re.compile(r"^(?:(?:test|tokio::test|rstest|quickcheck)\b|cfg\(test\))")


class TestSuite(BaseModel):
    files: int = 0
    directories: list[str] = Field(default_factory=list)
    frameworks: list[str] = Field(default_factory=list)
    commands: list[str] = Field(default_factory=list)  # the most direct first
    inline_test_files: int = 0  # source files carrying their own tests (Rust's #[cfg(test)])
    example_file: str | None = None  # one test file worth opening first
    example_inline: bool = False  # the example is a source file with its own tests
    beside_code: int = 0  # test files that sit next to the code, outside any test folder

    @property
    def exist(self) -> bool:
        return bool(self.files or self.inline_test_files)


def _directories(test_paths: Iterable[str]) -> list[str]:
    """The folders the tests live in, to the depth of the folder named like tests."""
    counts: Counter[str] = Counter()
    for path in test_paths:
        parts = path.split("/")[:-1]
        chosen = ""
        for index, part in enumerate(parts):
            if part.lower() in _TEST_FOLDERS:
                chosen = "/".join(parts[: index + 1])
                break
        if chosen:
            counts[chosen] += 1
    return [d for d, _ in counts.most_common(4)]


def _named_like_test(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return bool(re.search(r"^test|test\.|_test|tests?\.\w+$|spec\.", name))


def _frameworks(
    manifests: list[Manifest], test_syntax: dict[str, FileSyntax], rust_inline: int
) -> list[str]:
    found: list[str] = []
    declared = {d.lower() for m in manifests for d in [*m.dependencies, *m.dev_dependencies]}
    scripts = " ".join(s for m in manifests for s in m.scripts.values())
    imported = Counter(
        ref.target.split(".")[0].split("/")[0]
        for syntax in test_syntax.values()
        for ref in syntax.imports
    )
    includes = {ref.target for syntax in test_syntax.values() for ref in syntax.imports}
    languages = Counter(s.language for s in test_syntax.values())
    # A few helper scripts in Python do not make a C project's tests "written with pytest".
    python_led = languages.get("Python", 0) * 2 >= sum(languages.values())
    for module, label in _PY_FRAMEWORKS.items():
        if python_led and (module in declared or imported.get(module)):
            found.append(label)
    # Plain `def test_x()` functions only run under pytest; unittest needs TestCase classes.
    plain_tests = any(
        d.parent is None and d.name.startswith("test")
        for s in test_syntax.values()
        if s.language == "Python"
        for d in s.definitions
    )
    if (
        python_led
        and "pytest" not in found
        and (plain_tests or any(p.endswith("conftest.py") for p in test_syntax))
    ):
        found.insert(0, "pytest")
    # Node's own runner is a part of Node, never a declared package: seen in the imports.
    if imported.get("node:test") or re.search(r"\bnode\b[^&|;]*\s--test\b", scripts):
        found.append("Node's built-in test runner")
    for package, label in _JS_FRAMEWORKS.items():
        if package in declared or re.search(rf"\b{re.escape(package)}\b", scripts):
            found.append(label)
    if languages.get("Go"):
        found.append("Go's testing package")
    if languages.get("Rust") or rust_inline:
        found.append("Rust's built-in test harness")
    if languages.get("Java"):
        junit = [t for t in imported if t == "org"]
        targets = " ".join(includes)
        if "org.junit.jupiter" in targets:
            found.append("JUnit 5")
        elif "org.junit" in targets or junit:
            found.append("JUnit")
    for include, label in _C_TEST_INCLUDES.items():
        if include in includes and label not in found:
            found.append(label)
    return list(dict.fromkeys(found))


def _commands(
    manifests: list[Manifest], frameworks: list[str], make_targets: list[str], paths: set[str]
) -> list[str]:
    commands: list[str] = []
    root = [m for m in manifests if "/" not in m.path]
    make = next((f"make {t}" for t in ("test", "check", "tests") if t in make_targets), None)
    python = "pytest" in frameworks or "unittest" in frameworks
    node = next((m for m in root if m.kind == "Node package"), None)
    npm = node is not None and "test" in node.scripts
    # The project's own Makefile target is how its authors run the tests (with the flags,
    # tags and packages they need); a Python runner or an npm script is that wrapper already.
    if make and not python and not npm:
        commands.append(make)
    if npm:
        commands.append("npm test")
    if "pytest" in frameworks:
        commands.append("pytest")
    elif "unittest" in frameworks:
        commands.append("python -m unittest")
    if any(m.kind == "Go module" for m in root) or "Go's testing package" in frameworks:
        commands.append("go test ./...")
    if any(m.kind == "Rust crate" for m in root):
        commands.append("cargo test")
    if any(m.kind == "Maven project" for m in root):
        commands.append("mvn test")
    if any(m.kind == "Gradle build" for m in root):
        commands.append("./gradlew test" if "gradlew" in paths else "gradle test")
    if any(m.kind == "CMake project" and m.scripts.get("test") for m in root):
        commands.append("ctest")
    if make:
        commands.append(make)
    if "tox.ini" in paths:
        commands.append("tox")
    if "noxfile.py" in paths:
        commands.append("nox")
    return list(dict.fromkeys(commands))


def describe_tests(
    test_paths: list[str],
    test_syntax: dict[str, FileSyntax],
    source_syntax: dict[str, FileSyntax],
    manifests: list[Manifest],
    make_targets: list[str],
    all_paths: set[str],
) -> TestSuite:
    inline = sum(1 for s in source_syntax.values() if s.language == "Rust" and _has_tests(s))
    frameworks = _frameworks(manifests, test_syntax, inline)
    directories = _directories(test_paths)
    # Outside a test folder only files named like tests count; fixtures and helpers do not.
    outside = [
        p
        for p in test_paths
        if not any(p.startswith(d + "/") for d in directories) and _named_like_test(p)
    ]
    counted = [p for p in test_paths if p not in outside and not _outside(p, directories)]
    counted += outside
    example = max(
        (p for p in counted if p in test_syntax and not p.endswith(("conftest.py", "__init__.py"))),
        key=lambda p: (_named_like_test(p), len(test_syntax[p].definitions), -p.count("/"), p),
        default=None,
    )
    example_inline = False
    if (example is None or not _named_like_test(example)) and inline:
        example = max(
            (p for p, s in source_syntax.items() if s.language == "Rust" and _has_tests(s)),
            key=lambda p: (len(source_syntax[p].attributes), p),
        )
        example_inline = True
    return TestSuite(
        beside_code=len(outside),
        files=len(counted),
        directories=directories,
        frameworks=frameworks,
        commands=_commands(manifests, frameworks, make_targets, all_paths),
        inline_test_files=inline,
        example_file=example,
        example_inline=example_inline,
    )


def _outside(path: str, directories: list[str]) -> bool:
    return not any(path.startswith(d + "/") for d in directories)


def _has_tests(syntax: FileSyntax) -> bool:
    return any(_RUST_TEST_ATTRIBUTE.match(a) for a in syntax.attributes)
