"""C and C++ with Make, CMake or autotools.

The build says which programs are the project's: Automake's `bin_PROGRAMS` and
`sbin_PROGRAMS` are installed, `noinst_PROGRAMS` and `check_PROGRAMS` are helpers and tests;
CMake's executables are the project's when `install(TARGETS ...)` names them. A `main`
behind a self-test macro is the file's own test (see syntax). The version lives in
`AC_INIT`, CMake's `project(... VERSION ...)` or a header's `*_VERSION_MAJOR/MINOR/PATCH`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from codestory.analysis.ecosystems.base import Ecosystem, Project, SuiteCommand, SuiteEvidence
from codestory.analysis.ecosystems.c_includes import CIncludes
from codestory.analysis.file_kind import FileKind
from codestory.analysis.manifests import Manifest
from codestory.analysis.paths import file_name
from codestory.analysis.syntax import Definition, FileSyntax
from codestory.analysis.walk import SourceFile

_AM_PROGRAMS = re.compile(r"^(\w+)_PROGRAMS\s*\+?=([^\n]*)", re.MULTILINE)
_INSTALLED_PREFIXES = frozenset({"bin", "sbin", "libexec"})
_CMAKE_EXECUTABLE = re.compile(r"add_executable\s*\(\s*([\w.-]+)([^)]*)\)", re.IGNORECASE)
_CMAKE_INSTALL = re.compile(r"install\s*\(\s*TARGETS\s+([^)]*)\)", re.IGNORECASE)
_CMAKE_KEYWORDS = frozenset(
    {"WIN32", "MACOSX_BUNDLE", "EXCLUDE_FROM_ALL", "IMPORTED", "ALIAS", "GLOBAL"}
)
_AC_INIT = re.compile(r"AC_INIT\(\s*\[?[^,\]]+\]?\s*,\s*\[?([^,\])]+)\]?", re.MULTILINE)
_M4_DEFINE = re.compile(r"m4_define\(\s*\[?(\w+)\]?\s*,\s*\[?([\w.+-]+)\]?\s*\)")
# `X_VERSION_MAJOR`, the abbreviated `X_VER_MAJOR`, and the bare `X_MAJOR`.
_VERSION_PART = re.compile(
    r"^[^\S\n]*#\s*define\s+(\w*?)_?(?:VER(?:SION)?_)?(MAJOR|MINOR|PATCH|RELEASE|MICRO|REVISION)"
    r"\s+\"?(\d+)\"?",
    re.MULTILINE,
)
# A whole version string, with up to four parts and a prerelease tag (`"1.3.1.1-dev"`).
_VERSION_STRING = re.compile(
    r"^[^\S\n]*#\s*define\s+\w*VERSION(?:_STRING|_STR)?\s+\"v?(\d+(?:\.\d+){1,3}(?:-[\w.]+)?)\"",
    re.MULTILINE,
)
# `typedef unsigned long uLong;`, `typedef Byte FAR *voidpf;`, C++'s `using size_type = T;`;
# not `typedef struct s *handle;` (an opaque handle is an idea) nor a function pointer type.
_ALIAS = re.compile(r"^(?:typedef\s+(?!struct\b|union\b|enum\b)[^(){};]*;|using\s+\w+\s*=)")
_SEMVER = re.compile(r"^\d+(?:\.\d+){1,3}(?:[-+~][\w.]+)?$")
_TEST_INCLUDES = {
    "gtest/gtest.h": "GoogleTest",
    "gmock/gmock.h": "GoogleTest",
    "catch2/catch.hpp": "Catch2",
    "catch.hpp": "Catch2",
    "doctest/doctest.h": "doctest",
    "doctest.h": "doctest",
}
BUILD_FILES = frozenset({"Makefile.am", "CMakeLists.txt", "configure.ac", "version.m4"})
_SCRIPT_RUNNING_BUILDS = frozenset({"meson.build", "CMakeLists.txt"})
# A build's calls that run a program while configuring or building, up to their first `)`
# (enough for the script's path, which comes first among their arguments).
_RUNS_A_SCRIPT = re.compile(
    r"\b(?:run_command|find_program|custom_target|execute_process|add_custom_command"
    r"|add_custom_target)\s*\((?P<args>[^)]*)",
    re.IGNORECASE,
)
_SCRIPT_PATH = re.compile(r"([\w.${}/-]+\.(?:py|sh|pl|rb|js|lua|tcl))\b")
# CMake's folder variables a script's path starts from (`${CMAKE_CURRENT_SOURCE_DIR}/x.py`).
_CMAKE_DIR_VARIABLE = re.compile(r"^\$\{(?:CMAKE|PROJECT)_(?:CURRENT_)?SOURCE_DIR\}")


def configured_makefile(paths: set[str] | frozenset[str]) -> str | None:
    """A hand-written `configure` script writes the Makefile from `Makefile.in`, so the
    targets there are the project's (a checked-in Makefile is often a stub that asks for
    `./configure` first). Automake's `Makefile.in` is generated from `Makefile.am`, which
    speaks for itself."""
    if {"configure", "Makefile.in"} <= paths and "Makefile.am" not in paths:
        return "Makefile.in"
    return None


def _words(text: str) -> list[str]:
    return text.replace("\\\n", " ").split()


def automake_programs(text: str, folder: str) -> tuple[set[str], set[str]]:
    """Source files of installed programs, and of helpers and tests, in one Makefile.am."""
    joined = text.replace("\\\n", " ")
    installed: set[str] = set()
    helpers: set[str] = set()
    base = f"{folder}/" if folder else ""
    for prefix, names in _AM_PROGRAMS.findall(joined):
        for program in names.split():
            if "$" in program:
                continue
            canonical = re.sub(r"[^\w]", "_", program)
            sources = re.search(rf"^{canonical}_SOURCES\s*=([^\n]*)", joined, re.MULTILINE)
            files = sources.group(1).split() if sources else [f"{program}.c"]
            paths = {base + f for f in files if "$" not in f and not f.endswith(".h")}
            (installed if prefix in _INSTALLED_PREFIXES else helpers).update(paths)
    return installed, helpers


def cmake_programs(text: str, folder: str) -> tuple[set[str], set[str]]:
    """Source files of installed executables, and of the others, in one CMakeLists.txt.
    A build that installs nothing says nothing either way."""
    installs = {w for m in _CMAKE_INSTALL.findall(text) for w in m.split()}
    if not installs:
        return set(), set()
    installed: set[str] = set()
    helpers: set[str] = set()
    base = f"{folder}/" if folder else ""
    for name, rest in _CMAKE_EXECUTABLE.findall(text):
        files = [w.strip("\"'") for w in rest.split() if w not in _CMAKE_KEYWORDS]
        paths = {base + f for f in files if "$" not in f and not f.endswith((".h", ".hpp"))}
        (installed if name in installs else helpers).update(paths)
    return installed, helpers


def autoconf_version(configure: str, m4_texts: list[str]) -> str | None:
    found = _AC_INIT.search(configure)
    if not found:
        return None
    value = found.group(1).strip()
    if not _SEMVER.match(value):  # a macro: AC_INIT([memcached], [VERSION_NUMBER])
        defined = {k: v for text in [configure, *m4_texts] for k, v in _M4_DEFINE.findall(text)}
        value = defined.get(value, "")
    return value if _SEMVER.match(value) else None


def header_version(text: str) -> str | None:
    """`X_VERSION_MAJOR 1`, `..._MINOR 9`, `..._RELEASE 4` (one prefix), or a version string.
    A string that agrees with the parts is the whole version: it carries the fourth part
    and the prerelease tag the parts leave out."""
    parts: dict[str, dict[str, str]] = {}
    for prefix, part, number in _VERSION_PART.findall(text):
        parts.setdefault(prefix, {}).setdefault(part, number)
    string = _VERSION_STRING.search(text)
    for found in parts.values():
        if "MAJOR" in found and "MINOR" in found:
            third = next(
                (found[p] for p in ("PATCH", "RELEASE", "MICRO", "REVISION") if p in found), None
            )
            dotted = ".".join([found["MAJOR"], found["MINOR"], *([third] if third else [])])
            if string and string.group(1).startswith(dotted):
                return string.group(1)
            return dotted
    return string.group(1) if string else None


class CAndCpp(Ecosystem):
    name = "c_cpp"
    languages = frozenset({"C", "C++"})
    parameter_name_last = True  # `Type name`
    manifest_ecosystems = frozenset({"C/C++"})
    # `x_test.c`, `test_x.c`, and a project's one `test.c` test program.
    test_file_names = r".+_test\.(?:c|cc|cpp)|test_.+\.(?:c|cc|cpp)|tests?\.(?:c|cc|cpp)"

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> CIncludes:
        """C and C++: a quoted include is looked for beside the includer first; any include
        names the one header whose path ends in it (the includer's own copy among several)."""
        return CIncludes(syntaxes, paths)

    def read_as(self, files: list[SourceFile]) -> list[SourceFile]:
        """C and C++: `.h` is read as C unless the project is mostly C++, whose headers it
        then is."""
        cpp = sum(1 for f in files if f.language == "C++")
        c = sum(1 for f in files if f.language == "C" and not f.path.endswith(".h"))
        if cpp <= c:
            return files
        return [replace(f, language="C++") if f.path.endswith(".h") else f for f in files]

    def generated_folders(self, paths: set[str]) -> set[str]:
        """C and C++: a header-only library beside its `include/` headers ships them
        amalgamated into one header in `single_include/`, written by a script."""
        tops = {p.split("/", 1)[0] for p in paths if "/" in p}
        return {"single_include"} if {"include", "single_include"} <= tops else set()

    def build_files(self, paths: set[str]) -> set[str]:
        return {p for p in paths if file_name(p) in _SCRIPT_RUNNING_BUILDS and p.count("/") <= 2}

    def scripts_run_by_build(self, builds: dict[str, str], paths: set[str]) -> set[str]:
        """C and C++: a script Meson runs (`run_command`, `find_program`, `custom_target`)
        or CMake runs (`execute_process`, `add_custom_command`, `add_custom_target`) while
        configuring or building: Meson's version readers and generators, CMake's."""
        found: set[str] = set()
        for build, text in builds.items():
            folder = str(PurePosixPath(build).parent).removeprefix(".").strip("/")
            for call in _RUNS_A_SCRIPT.finditer(text):
                for named in _SCRIPT_PATH.findall(call.group("args")):
                    named = _CMAKE_DIR_VARIABLE.sub("", named).lstrip("/")
                    for candidate in (f"{folder}/{named}".lstrip("/"), named):
                        if candidate in paths:
                            found.add(candidate)
        return found

    def renames_a_type(self, definition: Definition) -> bool:
        """C and C++: a typedef of a built-in or another alias (`typedef unsigned int uInt;`)
        and C++'s `using x = y;` rename a type; the renamed type is the idea."""
        return definition.kind == "type" and bool(_ALIAS.match(definition.signature or ""))

    def class_scope(self, syntax: FileSyntax) -> bool:
        """C++: inside a member function, a bare call may name a method of the same class.
        A header counts as C until the project's sources say otherwise, and C has no members,
        so every file of the model may answer."""
        return True

    def handed_member(self, caller: Definition, member: Definition) -> bool:
        """C++: only a static member is a plain function a bare name can hand on; a name the
        caller's own parameters use is that parameter."""
        static = re.match(r"(?:\w+\s+)*static\b", member.signature or "") is not None
        return static and member.name not in re.findall(r"\w+", caller.signature or "")

    def global_functions(self, syntax: FileSyntax) -> bool:
        """C and C++: functions share one global namespace across files, so a function name
        only one file defines with a body is the one a bare call elsewhere reaches."""
        return True

    def test_frameworks(self, evidence: SuiteEvidence) -> list[str]:
        """C and C++: a test framework is a header the tests include (`gtest/gtest.h`)."""
        found = (label for i, label in _TEST_INCLUDES.items() if i in evidence.includes)
        return list(dict.fromkeys(found))

    def test_commands(
        self, manifests: list[Manifest], frameworks: list[str], paths: set[str]
    ) -> list[SuiteCommand]:
        """CMake: `ctest` when the build enables testing."""
        cmake = [m for m in self.own(manifests) if m.kind == "CMake project"]
        return [SuiteCommand("ctest")] if any(m.scripts.get("test") for m in cmake) else []

    def wanted_texts(self, paths: frozenset[str], kinds: dict[str, FileKind]) -> set[str]:
        builds = {p for p in paths if file_name(p) in BUILD_FILES and p.count("/") <= 2}
        # Version headers: the project's own headers near the top of the tree.
        headers = sorted(
            (
                p
                for p in paths
                if p.endswith((".h", ".hpp", ".hh"))
                and p.count("/") <= 2
                and kinds.get(p) is FileKind.SOURCE
            ),
            key=lambda p: (p.count("/"), "version" not in p.lower(), p),
        )
        return builds | set(headers[:40])

    def _programs(self, project: Project) -> tuple[set[str], set[str]]:
        installed: set[str] = set()
        helpers: set[str] = set()
        for path, text in project.texts.items():
            folder = str(PurePosixPath(path).parent).removeprefix(".")
            name = PurePosixPath(path).name
            reader = {"Makefile.am": automake_programs, "CMakeLists.txt": cmake_programs}.get(name)
            if reader is not None:
                more, others = reader(text, folder)
                installed |= more
                helpers |= others
        return installed, helpers - installed

    def main_is_way_in(self, path: str, project: Project) -> bool:
        installed, helpers = self._programs(project)
        if path in installed:
            return True
        if path in helpers:
            return False
        # The build installs programs whose mains are known: any other main is not one.
        mains = {p for p in installed if (s := project.syntaxes.get(p)) and s.has_main}
        return not mains

    def declared_version(self, project: Project) -> str | None:
        texts = project.texts
        configure = texts.get("configure.ac", "")
        m4 = [t for p, t in texts.items() if p.endswith(".m4")]
        found = autoconf_version(configure, m4) if configure else None
        if found:
            return found
        for path, text in sorted(texts.items(), key=lambda item: item[0].count("/")):
            if path.endswith((".h", ".hpp", ".hh")):
                version = header_version(text)
                if version:
                    return version
        return None


C_CPP = CAndCpp()
