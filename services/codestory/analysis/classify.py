"""What kind of file is this: the project's own code, or tests, examples, vendored copies...

Only `SOURCE` files can be key parts, hubs or entry points; the rest are told about by role.
"""

from __future__ import annotations

import itertools
import re
from pathlib import PurePosixPath

from codestory.analysis.ecosystems import ECOSYSTEMS
from codestory.analysis.file_kind import FileKind
from codestory.analysis.paths import file_name, path_parts

__all__ = [
    "TEST_DIRS",
    "TOOLING_DIRS",
    "FileKind",
    "classify",
    "classify_path",
    "holdings",
    "looks_generated",
    "looks_minified",
    "vendored_copies",
]


TEST_DIRS = frozenset(
    {
        "t",  # TAP and Perl's `prove`
        "test",
        "tests",
        "__tests__",
        "spec",
        "specs",
        "testdata",
        "test-d",
        "fuzz",
        "ossfuzz",
        "fuzzing",
        "regress",  # BSD's regression tests
        # Names that run the words together: `testsuite/`, `unittests/`, `tst/`.
        "testsuite",
        "unittest",
        "unittests",
        "tst",
    }
)
_EXAMPLE_DIRS = frozenset(
    {
        "example",
        "examples",
        "_examples",
        "demo",
        "demos",
        "sample",
        "samples",
        "tutorial",
        "tutorials",
        "cookbook",
        "_cookbook",
        "_tutorial",
        "playground",
    }
)
_DOCS_DIRS = frozenset({"doc", "docs", "docs_src", "documentation", "site", "website", "man"})
_BENCH_DIRS = frozenset({"bench", "benches", "benchmark", "benchmarks", "perf", "profiling"})
_COMMON_TOOLING_DIRS = frozenset(
    {
        "scripts",
        "script",
        "tools",
        "tool",
        "ci",
        ".ci",
        ".github",
        "build-aux",
        "contrib",
        "hack",
        "utils_build",
        "config",
        "m4",
        "cmake",
        "packaging",
        "dist",
        "debian",
        ".circleci",
    }
)
TOOLING_DIRS = _COMMON_TOOLING_DIRS | {f for e in ECOSYSTEMS for f in e.tooling_folders}
_VENDOR_DIRS = frozenset(
    {
        "vendor",
        "vendored",
        "third_party",
        "third-party",
        "thirdparty",
        "external",
        "extern",
        "deps",
        "node_modules",
        "bower_components",
        "_vendor",
        "externals",
    }
)
_TOOLING_FILES = frozenset(
    {
        "setup.py",
        "conftest.py",
        "noxfile.py",
        "tasks.py",
        "fabfile.py",
        "gulpfile.js",
        "gruntfile.js",
        "webpack.config.js",
        "rollup.config.js",
        "vite.config.ts",
        "vite.config.js",
        "jest.config.js",
        "babel.config.js",
        "karma.conf.js",
        "build.rs",
        "configure",
        "install-sh",
    }
)
# A JavaScript tool's settings module at the top of the package, named for the tool
# (`tsup.config.ts`, `vitest.config.build.ts`, `eslint.config.mjs`).
_TOOL_CONFIG_MODULE = re.compile(r"^[\w-]+\.config(?:\.[\w-]+)?\.[cm]?[jt]s$")
# Test files by the naming convention of each ecosystem, and of RSpec's `_spec.rb`.
_TEST_FILE = re.compile(
    "^(?:"
    + "|".join([*(e.test_file_names for e in ECOSYSTEMS if e.test_file_names), r".+_spec\.rb"])
    + ")$"
)
# Folders whose files of one ecosystem its build never compiles: Go's `_scripts`.
_UNBUILT = tuple(
    (e.source_suffix, re.compile(e.unbuilt_folders))
    for e in ECOSYSTEMS
    if e.unbuilt_folders and e.source_suffix
)
# Folders of tests by a build's layout: Maven's and Gradle's `src/test`.
_TEST_ROOTS = frozenset(root for e in ECOSYSTEMS for root in e.test_roots)
_SOURCE_ROOTS = frozenset(root for e in ECOSYSTEMS for root in e.source_roots)
# A build's module of tests: Gson's `test-shrinker` and `test-jpms`, `integration-tests`.
_TEST_MODULE = re.compile(r"^(?:tests?|it|e2e)[-_]|[-_.](?:tests?|it|e2e|testing)$")
# Jest's double-underscore folders (`__tests__`, `__mocks__`) around other words: what the
# words say the folder holds (`__performance_tests__`, `__benchmarks__`, `__e2e_tests__`).
_DUNDER_DIR = re.compile(r"^__([a-z0-9]+(?:[-_][a-z0-9]+)*)__$", re.IGNORECASE)
_DUNDER_BENCH_WORDS = frozenset({*_BENCH_DIRS, "performance", "perf"})
_DUNDER_TEST_WORDS = frozenset({"test", "tests", "spec", "specs", "e2e", "integration"})


def _dunder_words(segments: list[str]) -> set[str]:
    """The lower-case words inside the double-underscore folders among `segments`."""
    words: set[str] = set()
    for segment in segments:
        if match := _DUNDER_DIR.match(segment):
            words.update(re.split(r"[-_]", match.group(1).lower()))
    return words


def _measures(segments: list[str]) -> bool:
    """Whether a folder's name says it tests performance (`perf-testing`, `bench_tests`):
    its scripts measure the code, rather than check it."""
    return any(
        (words := set(re.split(r"[-_.]", s.lower()))) & _DUNDER_BENCH_WORDS
        and words & (_DUNDER_TEST_WORDS | {"testing"})
        for s in segments
    )


# Benchmarks by name: `bench_x.py`, `benchmark_x.c`, JMH's and Caliper's `ParseBenchmark.java`.
_BENCH_NAME = re.compile(r"^(?:bench_|benchmark).+|.+(?:Benchmarks?|_bench|_benchmark)\.\w+$")
# A script that writes code or tables the build uses (`make_unicode_groups.py`,
# `gen_tables.pl`): the build's tool, not the project's code.
_GENERATOR_SCRIPT = re.compile(r"^(?:make|gen|generate|mk)_\w+\.(?:py|pl|rb|sh)$")
_MINIFIED_NAME = re.compile(r"[.-]min\.(?:js|css|mjs)$|\.bundle\.js$")
_GENERATED_NAME = re.compile(
    r"_pb2(?:_grpc)?\.pyi?$|\.pb\.(?:go|cc|h)$|\.g\.dart$|_generated\.\w+$"
)
_GENERATED_MARK = re.compile(
    r"@generated|do not edit|code generated by|auto-?generated|generated by (?:the )?\w+",
    re.IGNORECASE,
)


def _segments(path: str) -> list[str]:
    return [s.lower() for s in path_parts(path)[:-1]]


def _before_package(segments: list[str]) -> list[str]:
    """Folders above a JVM package root: `com/example/demo` under src/main/java is a package
    name (Spring's default), not a folder of examples."""
    for index in range(len(segments) - 2):
        if segments[index] == "src" and segments[index + 2] in _PACKAGE_ROOTS:
            return segments[: index + 3]
    return segments


_PACKAGE_ROOTS = frozenset(root for e in ECOSYSTEMS for root in e.package_roots)
# Inside a JVM package name, below its reverse-domain prefix, a package of examples says so
# in the plural (`org.jsoup.examples`); `com.example.demo` is a placeholder prefix.
_EXAMPLE_PACKAGES = frozenset({"examples", "samples", "demos", "tutorials"})


def _example_package(path: str, above: list[str]) -> bool:
    package = _segments(path)[len(above) :]
    return len(above) >= 3 and any(s in _EXAMPLE_PACKAGES for s in package[2:])


def classify_path(path: str) -> FileKind:
    """Classify by path alone (cheap; content checks come after)."""
    name = file_name(path)
    segments = _before_package(_segments(path))
    if _MINIFIED_NAME.search(name):
        return FileKind.MINIFIED
    if _GENERATED_NAME.search(name):
        return FileKind.GENERATED
    if any(s in _VENDOR_DIRS for s in segments):
        return FileKind.VENDORED
    # Order matters: `docs/examples/test_x.py` is documentation first.
    if any(s in _DOCS_DIRS for s in segments[:1]) or "docs_src" in segments:
        return FileKind.DOCS
    dunder = _dunder_words(segments)
    if dunder & _DUNDER_BENCH_WORDS or _measures(segments):
        return FileKind.BENCHMARK
    if dunder & _DUNDER_TEST_WORDS:
        return FileKind.TEST
    pairs = {f"{a}/{b}" for a, b in itertools.pairwise(segments)}
    if (
        (_TEST_FILE.match(name) and not pairs & _SOURCE_ROOTS)
        or any(s in TEST_DIRS or _TEST_MODULE.search(s) for s in segments)
        or "fixture" in name
        or any("fixture" in s for s in segments)  # `_fixtures`, `test-fixtures`
    ):
        return FileKind.TEST
    if "/".join(segments[:2]) in _TEST_ROOTS:
        return FileKind.TEST
    if (
        any(s in _EXAMPLE_DIRS for s in segments)
        or _example_package(path, segments)
        or _EXAMPLE_NAME.match(name)
    ):
        return FileKind.EXAMPLE
    if any(s in _BENCH_DIRS for s in segments) or _BENCH_NAME.match(name):
        return FileKind.BENCHMARK
    if any(s in _DOCS_DIRS for s in segments):
        return FileKind.DOCS
    if name in _TOOLING_FILES or (segments and segments[0] in TOOLING_DIRS):
        return FileKind.TOOLING
    if "/" not in path and _TOOL_CONFIG_MODULE.match(name):
        return FileKind.TOOLING
    if _GENERATOR_SCRIPT.match(name):
        return FileKind.TOOLING
    if any(
        name.endswith(suffix) and any(f.fullmatch(s) for s in segments) for suffix, f in _UNBUILT
    ):
        return FileKind.TOOLING
    return FileKind.SOURCE


# A file named as an example of use (`example.c` beside a C library, `demo_client.py`).
_EXAMPLE_NAME = re.compile(r"^(?:examples?|demo|sample)(?:[-_][\w-]+)?\.\w+$", re.IGNORECASE)


def vendored_copies(paths: set[str]) -> list[str]:
    """Folders under a test or tooling folder that are whole projects of their own (a README
    beside a `src` folder): cJSON's copy of the Unity test framework in `tests/unity`, a
    googletest checkout in `test/gtest`. Their files are someone else's code."""
    copies: set[str] = set()
    for path in paths:
        folder, _, name = path.rpartition("/")
        if not folder or not name.lower().startswith("readme"):
            continue
        parents = [s.lower() for s in folder.split("/")[:-1]]
        inside_support = any(s in TEST_DIRS or s in TOOLING_DIRS for s in parents)
        if inside_support and any(p.startswith(f"{folder}/src/") for p in paths):
            copies.add(folder)
    return sorted(copies)


def looks_minified(head: str) -> bool:
    """Very long lines with little whitespace: a bundle or minified build output."""
    if len(head) < 500:
        return False  # no line of it can be long enough
    lines = head.splitlines() or [""]
    if max(map(len, lines)) < 500:
        return False
    average = len(head) / len(lines)
    return average > 200 and head.count(" ") / max(len(head), 1) < 0.12


def looks_generated(head: str) -> bool:
    first_lines = "\n".join(head.splitlines()[:8])
    # Every mark says "generated" or "do not edit": ASCII text without either is passed
    # at once, the search being slow (non-ASCII may match by case folding: `edİt`).
    if first_lines.isascii():
        lowered = first_lines.lower()
        if "generated" not in lowered and "do not edit" not in lowered:
            return False
    return bool(_GENERATED_MARK.search(first_lines))


def classify(path: str, head: str) -> FileKind:
    """Path rules first, then the first few KB of content for generated or minified code."""
    kind = classify_path(path)
    if kind is not FileKind.SOURCE and kind is not FileKind.TOOLING:
        return kind
    if looks_generated(head):
        return FileKind.GENERATED
    if looks_minified(head):
        return FileKind.MINIFIED
    return kind


# What a folder without code holds, by the suffixes of most of its files.
_HOLDINGS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "release signatures and checksums",
        frozenset({".asc", ".sig", ".gpg", ".key", ".pgp", ".sha256", ".sha512", ".md5"}),
    ),
    ("images", frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".bmp"})),
    ("fonts", frozenset({".ttf", ".otf", ".woff", ".woff2", ".eot"})),
    ("audio and video", frozenset({".mp3", ".wav", ".ogg", ".flac", ".mp4", ".webm"})),
    ("data files", frozenset({".json", ".csv", ".tsv", ".xml", ".yaml", ".yml", ".toml", ".dat"})),
    ("written notes", frozenset({".md", ".rst", ".txt", ".adoc", ".org"})),
    (
        "service and package definitions",  # systemd units, RPM specs, desktop entries
        frozenset({".service", ".socket", ".timer", ".spec", ".desktop", ".plist"}),
    ),
)
PACKAGING_HOLDINGS = "service and package definitions"
REQUIREMENTS_HOLDINGS = "lists of the packages it installs"
_REQUIREMENTS = re.compile(r"^(?:\w+[-_])?requirements(?:[-_.]\w+)*\.(?:txt|in)$", re.I)
_CHECKSUM_NAME = re.compile(r"^(sha\d*sums?|md5sums?)(\.txt)?$", re.IGNORECASE)


def holdings(paths: list[str]) -> str:
    """What a folder without code holds, in words: the kind most of its files share."""
    counts = dict.fromkeys([*(label for label, _ in _HOLDINGS), REQUIREMENTS_HOLDINGS], 0)
    for path in paths:
        name = PurePosixPath(path).name
        suffix = PurePosixPath(name).suffix.lower()
        if _CHECKSUM_NAME.match(name):
            counts["release signatures and checksums"] += 1
            continue
        if _REQUIREMENTS.match(name) or "requirements" in PurePosixPath(path).parent.name:
            counts[REQUIREMENTS_HOLDINGS] += 1  # pip's lists: `requirements/test.txt`
            continue
        for label, suffixes in _HOLDINGS:
            if suffix in suffixes:
                counts[label] += 1
                break
    label, most = max(counts.items(), key=lambda item: item[1])
    return label if paths and most * 2 > len(paths) else "files that are not code"
