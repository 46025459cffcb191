"""A Makefile's `test` target is how the authors run the suite only when it reaches the
suite: its recipe, or that of a target it depends on, names a test folder, the runner the
build registers the tests with, or another make. One that builds and runs a demo program
beside the code (`test: demo` then `./demo`) is not; the build that registers the suite's
tests (CMake's `add_test`, run by `ctest`) is."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.make_recipes import make_recipe, runs_suite
from tests.support import write_files as write

_MAKEFILE = """DEMO = tally_demo
DEMO_SRC = tally.c demo.c
CC = gcc -std=c89

all: libtally.a $(DEMO)

$(DEMO): $(DEMO_SRC) tally.h
\t$(CC) $(DEMO_SRC) -o $@

test: $(DEMO)
\t./$(DEMO)

libtally.a: tally.o
\tar rcs $@ $<
"""
_CMAKE = """cmake_minimum_required(VERSION 3.10)
project(tally C)
add_library(tally tally.c)
enable_testing()
add_subdirectory(tests)
"""
_FILES: dict[str, str | bytes] = {
    "CMakeLists.txt": _CMAKE,
    "tally.h": "int tally_count(const char *text);\n",
    "tally.c": '#include "tally.h"\nint tally_count(const char *text) { return text[0]; }\n',
    "demo.c": '#include "tally.h"\nint main(void) { return tally_count("a"); }\n',
    "tests/CMakeLists.txt": (
        "add_executable(count_tests count_tests.c)\nadd_test(count count_tests)\n"
    ),
    "tests/count_tests.c": (
        '#include "../tally.h"\nint main(void) { return tally_count("x") == 120 ? 0 : 1; }\n'
    ),
}


def test_a_recipe_is_read_through_prerequisites_and_variables() -> None:
    recipe = make_recipe(_MAKEFILE, "test")
    assert recipe.splitlines() == ["./tally_demo", "gcc -std=c89 tally.c demo.c -o $@"]
    assert not runs_suite(recipe, ["tests"], ["ctest"])
    assert runs_suite("$(MAKE) -C tests", ["tests"], ["ctest"])
    assert runs_suite("cd build && ctest --output-on-failure", ["tests"], ["ctest"])


def test_a_make_test_that_runs_a_demo_is_not_the_suites_command(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path, {**_FILES, "Makefile": _MAKEFILE}), name="tally")
    assert facts.tests.commands == ["ctest"]
    assert "test" in facts.make_targets  # still one of the Makefile's chores


def test_a_make_test_that_reaches_the_suite_comes_first(tmp_path: Path) -> None:
    makefile = _MAKEFILE.replace("\t./$(DEMO)\n", "\t./$(DEMO)\n\t$(MAKE) -C tests\n")
    facts = analyse(write(tmp_path, {**_FILES, "Makefile": makefile}), name="tally")
    assert facts.tests.commands[0] == "make test"
