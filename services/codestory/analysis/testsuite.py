"""Where the tests are, what they are written with, and the command that runs them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from pydantic import BaseModel, Field

from codestory.analysis.classify import TEST_DIRS
from codestory.analysis.ecosystems import ECOSYSTEMS, of_language
from codestory.analysis.ecosystems.base import CommandStage, SuiteEvidence
from codestory.analysis.make_recipes import runs_suite
from codestory.analysis.manifests import Manifest
from codestory.analysis.syntax import FileSyntax

# The folders classify calls tests, less Go's `testdata` (inputs the tests read, not
# tests), and the `testing` helpers some projects keep beside them.
_TEST_FOLDERS = (TEST_DIRS - {"testdata"}) | {"testing"}


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
    # Every one of them, the largest first: a test beyond the fourth is no test "beside
    # the code".
    return [d for d, _ in counts.most_common()]


# Folders a build keeps production code in (Maven's `src/main`): its runner collects no
# test there, whatever a file's name (a test module's `src/main/.../TestExecutor.java`).
_SOURCE_ROOTS = frozenset(root for e in ECOSYSTEMS for root in e.source_roots)


def _in_source_root(path: str) -> bool:
    parts = path.split("/")[:-1]
    return any(f"{a}/{b}" in _SOURCE_ROOTS for a, b in pairwise(parts))


def _named_like_test(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    # JUnit 3's `*TestCase.java` too, which Surefire runs by name, and TSTyche's type
    # tests, `x.tst.ts`.
    return bool(re.search(r"^test|test\.|_test|tests?\.\w+$|testcase\.\w+$|spec\.|\.tst\.", name))


_SHELL_SCRIPTS = (".sh", ".bash", ".zsh", ".fish", ".ksh", ".csh", ".tcsh", ".elv", ".ztst")


def _frameworks(
    manifests: list[Manifest], test_syntax: dict[str, FileSyntax], inline: list[FileSyntax]
) -> list[str]:
    declared = (d.lower() for m in manifests for d in [*m.dependencies, *m.dev_dependencies])
    evidence = SuiteEvidence(
        declared=frozenset(declared),
        scripts=" ".join(s for m in manifests for s in m.scripts.values()),
        imported=Counter(
            ref.target.split(".")[0].split("/")[0]
            for syntax in test_syntax.values()
            for ref in syntax.imports
        ),
        includes=frozenset(ref.target for syntax in test_syntax.values() for ref in syntax.imports),
        syntaxes=test_syntax,
        inline=Counter(s.language for s in inline),
    )
    found = [label for model in ECOSYSTEMS for label in model.test_frameworks(evidence)]
    return list(dict.fromkeys(found))


def _commands(
    manifests: list[Manifest],
    frameworks: list[str],
    make_targets: list[str],
    paths: set[str],
    runner: str | None = None,
    directories: list[str] | None = None,
    make_recipes: dict[str, str] | None = None,
) -> list[str]:
    root = [m for m in manifests if "/" not in m.path]
    target = next((t for t in ("test", "check", "tests") if t in make_targets), None)
    make = f"make {target}" if target else None
    offered = [c for model in ECOSYSTEMS for c in model.test_commands(root, frameworks, paths)]
    recipe = (make_recipes or {}).get(target or "")
    if (
        recipe is not None
        and offered
        and directories
        and not runs_suite(recipe, directories, [c.command for c in offered])
    ):
        # A Makefile's `test` that builds and runs a program beside the code names none of
        # the suite's folders nor its runner: the build that registers the suite runs it.
        make = None
    make = make or runner  # a Taskfile, justfile or script/test is the authors' wrapper too

    def staged(stage: CommandStage) -> list[str]:
        return [c.command for c in offered if c.stage is stage]

    # The project's own Makefile target is how its authors run the tests (with the flags,
    # tags and packages they need) unless a runner or script is that wrapper already.
    first = [make] if make and not any(c.replaces_make for c in offered) else []
    then = [make] if make else []
    commands = [
        *first,
        *staged(CommandStage.SCRIPT),
        *staged(CommandStage.RUNNER),
        *then,
        *staged(CommandStage.ENVIRONMENTS),
    ]
    return list(dict.fromkeys(commands))


# Above this share of a suite's files named as tests, the rest are its helpers.
NAMED_SUITE_SHARE = 2 / 3


def _named_as_test(path: str) -> bool:
    """Named the way a runner collects tests: pytest's `test_*.py`, go test's `_test.go`,
    Jest's `.test.js`, Surefire's `*Test.java`, or TAP's `t/*.t` that `prove` runs."""
    return _named_like_test(path) or path.endswith(".t")


def _runner_collected(paths: list[str]) -> list[str]:
    """The test files of a suite whose files are mostly named as tests: the runner collects
    only those, and the rest (conftest.py, a Perl module of helpers, a stress script) are
    there to serve them. A suite without that habit counts every file."""
    paths = [p for p in paths if p.rsplit("/", 1)[-1] not in _PLUMBING]
    named = [p for p in paths if _named_as_test(p)]
    return named if paths and len(named) >= NAMED_SUITE_SHARE * len(paths) else paths


# pytest's package markers and shared fixtures, a suite's own Makefile, CMakeLists.txt or
# meson.build that builds and runs it, and a single-file test framework copied in beside
# the tests (Catch2's `catch.hpp`, doctest's `doctest.h`, Unity's `unity.c`): the suite's
# plumbing, never a test.
_PLUMBING = frozenset(
    {
        "__init__.py",
        "conftest.py",
        "Makefile",
        "GNUmakefile",
        "CMakeLists.txt",
        "meson.build",
        "catch.hpp",
        "catch_amalgamated.hpp",
        "catch_amalgamated.cpp",
        "doctest.h",
        "unity.c",
        "unity.h",
        "unity_internals.h",
        "acutest.h",
        "utest.h",
        "greatest.h",
        "munit.c",
        "munit.h",
    }
)


def describe_tests(
    test_paths: list[str],
    test_syntax: dict[str, FileSyntax],
    source_syntax: dict[str, FileSyntax],
    manifests: list[Manifest],
    make_targets: list[str],
    all_paths: set[str],
    runner: str | None = None,
    core: frozenset[str] = frozenset(),
    make_recipes: dict[str, str] | None = None,
) -> TestSuite:
    # Files carrying their own tests (Rust's `#[cfg(test)]`), by their ecosystem's convention.
    inline = {p: s for p, s in source_syntax.items() if of_language(s.language).has_inline_tests(s)}
    # What the tests are written with is read from the tests, not from the inputs they read.
    tests_proper = {p: syntax for p, syntax in test_syntax.items() if not _inputs(p)}
    frameworks = _frameworks(manifests, tests_proper, list(inline.values()))
    directories = _directories(test_paths)
    # Outside a test folder only files named like tests count; fixtures and helpers do not,
    # nor the inputs the tests read (`testdata/`, `_fixtures/testvars.go`), whatever their name.
    outside = [
        p
        for p in test_paths
        if not any(p.startswith(d + "/") for d in directories)
        and _named_like_test(p)
        and not _inputs(p)
        and not _in_source_root(p)
    ]
    inside = [
        p
        for p in test_paths
        if p not in outside and not _outside(p, directories) and not _helper(p, directories)
    ]
    counted = _runner_collected(inside) + outside
    # A script the parser does not read (a regression suite's shell scripts) is still a
    # test worth opening before a fuzzer's harness.
    example = max(
        (p for p in counted if not p.endswith(("conftest.py", "__init__.py"))),
        key=lambda p: (
            _worth_reading(p),
            p not in outside,
            p in test_syntax,
            _named_like_test(p),
            # Named for the project (`test_arrow.py`): its tests of the project as a whole.
            _about(p, core),
            len(test_syntax[p].definitions) if p in test_syntax else 0,
            -p.count("/"),
            p,
        ),
        default=None,
    )
    if frameworks and any(p.endswith(_SHELL_SCRIPTS) and _named_like_test(p) for p in counted):
        # Beside a framework's tests, a shell's own test scripts (one per shell a tool
        # supports) are written in that shell, not with the framework; a build or fuzzing
        # script in the test folder is no test of either.
        frameworks = [*frameworks, "shell scripts"]
    example_inline = False
    if (example is None or not _named_like_test(example)) and inline:
        example = max(inline, key=lambda p: (len(source_syntax[p].attributes), p))
        example_inline = True
    return TestSuite(
        beside_code=len(outside),
        files=len(counted),
        directories=directories,
        frameworks=frameworks,
        commands=_commands(
            manifests, frameworks, make_targets, all_paths, runner, directories, make_recipes
        ),
        inline_test_files=len(inline),
        example_file=example,
        example_inline=example_inline,
    )


def _about(path: str, core: frozenset[str]) -> bool:
    """Whether a test file's name names one of `core` (`test_arrow.py`, `ArrowTest.java`,
    `arrow_test.go`, `arrow.test.ts`), its test words aside."""
    stem = path.rsplit("/", 1)[-1].split(".")[0].lower()
    stem = re.sub(r"^tests?[_-]?|[_-]?tests?$|[_-]?spec$", "", stem)
    return bool(stem) and stem in core


# A test folder's `helpers/` holds what its tests share (a server to call, a page to open):
# AVA leaves `helper` and `helpers` folders out of its run, Mocha runs only the test
# folder's own files, and name-based runners never collect them.
_HELPER_FOLDERS = frozenset({"helper", "helpers"})


def _helper(path: str, directories: list[str]) -> bool:
    """Whether a file sits in a helpers folder inside a test folder."""
    folder = next((d for d in directories if path.startswith(d + "/")), None)
    if folder is None:
        return False
    return any(f.lower() in _HELPER_FOLDERS for f in path[len(folder) + 1 :].split("/")[:-1])


def _inputs(path: str) -> bool:
    """Whether a file sits among the tests' inputs: a `testdata`, `data` or fixtures folder
    (a line counter's `tests/data/main.go` is a sample to count, no Go test)."""
    folders = path.lower().split("/")[:-1]
    return any(f in {"testdata", "data"} or "fixture" in f for f in folders)


def _worth_reading(path: str) -> bool:
    """A test that shows the code in use: not a header of the suite's helpers, nor a
    fuzzer's harness, which feeds the code noise."""
    parts = path.lower().split("/")
    fuzzer = any(p in {"fuzz", "fuzzing", "ossfuzz"} for p in parts[:-1]) or "fuzz" in parts[-1]
    return not fuzzer and not parts[-1].endswith((".h", ".hh", ".hpp"))


def _outside(path: str, directories: list[str]) -> bool:
    return not any(path.startswith(d + "/") for d in directories)
