"""A header-only C++ library: the scripts its build runs (Meson's `run_command`, CMake's
`execute_process`) are build tooling, not ways in; a folder's `CMakeLists.txt` says neither
what the folder holds nor its language; and a README that says "This is a ... library"
under a heading about releases is opened with that sentence, not the release notice."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import RepoFacts, analyse
from codestory.analysis.readme import summarise_markdown
from codestory.narrative.template import write_script
from tests.support import write_files as write

_HEADER = (
    "#pragma once\n#include <string>\n#include <vector>\n\nnamespace flagset {\n\n"
    "/// Parses the flags of a command line.\nclass Parser {\npublic:\n"
    "  /// Reads the arguments into flags.\n  int parse(int argc, const char** argv) {\n"
    "    return add(argc, argv);\n  }\n\nprivate:\n"
    "  int add(int argc, const char** argv) { return argc + (argv ? 1 : 0); }\n};\n\n}\n"
)
_VERSION_SCRIPT = (
    '#!/usr/bin/env python\n"""Read the header to get the version."""\n\nimport sys\n\n\n'
    "def main():\n    with open(sys.argv[1]) as f:\n        print(f.read()[:5])\n\n\n"
    'if __name__ == "__main__":\n    main()\n'
)


def _tree(build: dict[str, str]) -> dict[str, str]:
    return {
        "include/flagset.hpp": _HEADER,
        "include/CMakeLists.txt": "install(FILES flagset.hpp DESTINATION include)\n",
        "examples/CMakeLists.txt": "add_executable(demo demo.cpp)\n",
        "examples/demo.cpp": '#include "flagset.hpp"\nint main(int argc, const char** argv) {\n'
        "  flagset::Parser p;\n  return p.parse(argc, argv);\n}\n",
        "README.md": "# Release versions\n\nNote that the main branch is generally a work in "
        "progress, and you probably want a tagged release.\n\n# Quick start\n\n"
        "This is a lightweight C++ flag parser library, supporting the usual GNU style "
        "of options.\n",
        **build,
    }


def _story(tmp_path: Path, build: dict[str, str]) -> tuple[str, RepoFacts]:
    facts = analyse(write(tmp_path / "repo", _tree(build)), name="flagset")
    return "\n".join(c.text for c in write_script(facts).chapters), facts


def test_a_script_meson_runs_is_build_tooling_not_the_way_in(tmp_path: Path) -> None:
    told, facts = _story(
        tmp_path,
        {
            "meson.build": "project('flagset', 'cpp',\n  version : run_command(\n"
            "    'meson/version.py', files('include/flagset.hpp'), capture : true,\n"
            "    check : true).stdout().strip())\n",
            "meson/version.py": _VERSION_SCRIPT,
        },
    )
    assert facts.kind == "library"
    assert "meson/version.py`, which has a main function" not in told
    assert "where the program starts" not in told
    assert "tooling in `meson`" in told


def test_a_script_cmake_runs_is_build_tooling(tmp_path: Path) -> None:
    told, facts = _story(
        tmp_path,
        {
            "CMakeLists.txt": "project(flagset CXX)\nexecute_process(COMMAND python3 "
            "${CMAKE_CURRENT_SOURCE_DIR}/gen/version.py OUTPUT_VARIABLE V)\n",
            "gen/version.py": _VERSION_SCRIPT,
        },
    )
    assert facts.kind == "library"
    assert "gen/version.py`, which has a main function" not in told


def test_a_folders_build_description_is_not_its_code(tmp_path: Path) -> None:
    told, _ = _story(tmp_path, {"CMakeLists.txt": "project(flagset CXX)\n"})
    assert "of mostly CMake" not in told
    assert "`include` holds the code itself" in told
    assert "examples sit in `examples`" in told or "the examples in `examples`" in told


def test_this_is_a_library_is_the_readmes_own_definition() -> None:
    text = _tree({})["README.md"]
    summary = summarise_markdown(text, "flagset")
    assert summary.summary is not None
    assert summary.summary.startswith("This is a lightweight C++ flag parser library")
    # "This is a work in progress" names no kind of project: no definition.
    other = summarise_markdown("# Tool\n\nThis is a work in progress, expect it to change.\n")
    assert not other.defines


def test_a_suites_build_and_copied_framework_are_no_test_files(tmp_path: Path) -> None:
    tree = _tree(
        {"CMakeLists.txt": "project(flagset CXX)\nenable_testing()\nadd_subdirectory(test)\n"}
    )
    tree["test/CMakeLists.txt"] = (
        "add_executable(tests main.cpp options.cpp)\nadd_test(tests tests)\n"
    )
    tree["test/meson.build"] = "test('options', executable('tests', 'main.cpp', 'options.cpp'))\n"
    tree["test/catch.hpp"] = (
        "#pragma once\n// Catch v2, single header\nnamespace Catch { int run(); }\n"
    )
    tree["test/main.cpp"] = '#define CATCH_CONFIG_MAIN\n#include "catch.hpp"\n'
    tree["test/options.cpp"] = (
        '#include "catch.hpp"\n#include "flagset.hpp"\n\nTEST_CASE("parses", "[options]") {\n'
        "  flagset::Parser p;\n  REQUIRE(p.parse(0, nullptr) == 0);\n}\n"
    )
    facts = analyse(write(tmp_path / "repo", tree), name="flagset")
    assert facts.tests.files == 2
    assert facts.tests.frameworks == ["Catch2"]
