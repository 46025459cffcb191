"""Each ecosystem convention on a small synthetic tree: what starts a program, what kind of
project it is, where the version is declared, what counts as a test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codestory.analysis import analyse
from codestory.analysis.callgraph import CallGraph, Symbol
from codestory.analysis.classify import FileKind, classify_path
from codestory.analysis.ecosystems.c_cpp import (
    autoconf_version,
    automake_programs,
    cmake_programs,
    header_version,
)
from codestory.analysis.manifests import parse_cmake, parse_manifest
from codestory.analysis.project_kind import described_kind, project_kind
from codestory.analysis.resolve import Resolver
from codestory.analysis.syntax import parse_source
from codestory.core.domain import ExpertiseLevel, Style
from codestory.narrative.template import Voice, _idea_sentence, write_script
from tests.support import write_files as write


def _entries(root: Path) -> list[str | None]:
    return [e.path for e in analyse(root, name="x").entry_points]


def test_a_main_guard_inside_a_packaged_library_is_not_a_way_in(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "fetcher"\nversion = "1.0"\n',
        "src/fetcher/__init__.py": "from .core import get\n",
        "src/fetcher/core.py": "def get(url):\n    return url\n",
        # A module's debug hook: prints where its data is.
        "src/fetcher/certs.py": "def where():\n    return 1\n\nif __name__ == '__main__':\n"
        "    print(where())\n",
        "tools/release.py": "def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n",
    }
    facts = analyse(write(tmp_path, files), name="fetcher")
    assert "src/fetcher/certs.py" not in [e.path for e in facts.entry_points]
    assert facts.kind == "library"


def test_python_main_modules_and_scripts_outside_packages_stay_ways_in(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "tool"\n',
        "clip/__init__.py": "",
        "clip/__main__.py": "def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n",
    }
    assert "clip/__main__.py" in _entries(write(tmp_path / "a", files))
    unpackaged: dict[str, str | bytes] = {
        "app/__init__.py": "",
        "app/run.py": "def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n",
    }
    assert "app/run.py" in _entries(write(tmp_path / "b", unpackaged))


def test_a_c_main_behind_a_self_test_macro_is_the_files_own_test() -> None:
    source = b"""int add(int a, int b) { return a + b; }
#ifdef STR_TEST_MAIN
int main(void) { return add(1, 2); }
#endif
"""
    syntax = parse_source("str.c", "C", source)
    assert syntax is not None and not syntax.has_main
    otherwise = b"""#ifdef UNIT_TEST
int helper(void);
#else
int main(void) { return 0; }
#endif
"""
    syntax = parse_source("tool.c", "C", otherwise)
    assert syntax is not None and syntax.has_main


def test_a_c_main_whose_braces_the_parser_cannot_close_is_still_found() -> None:
    source = b"""int main(int argc, char **argv) {
    int c;
#ifdef HAVE_X
    while (c) {
#else
    while (!c) {
#endif
        c++;
    }
    return 0;
}
"""
    syntax = parse_source("server.c", "C", source)
    assert syntax is not None and syntax.has_main


def test_automake_and_cmake_say_which_programs_are_installed() -> None:
    automake = (
        "bin_PROGRAMS = cached\nnoinst_PROGRAMS = sizes testapp\n"
        "cached_SOURCES = cached.c cached.h \\\n  items.c\ntestapp_SOURCES = testapp.c util.c\n"
    )
    installed, helpers = automake_programs(automake, "")
    assert installed == {"cached.c", "items.c"}
    assert helpers == {"sizes.c", "testapp.c", "util.c"}
    cmake = (
        'add_library(kv "")\nadd_executable(kvutil "db/kvutil.cc")\n'
        "add_executable(kvd src/kvd.cc)\ninstall(TARGETS kv kvd DESTINATION bin)\n"
    )
    installed, helpers = cmake_programs(cmake, "")
    assert installed == {"src/kvd.cc"} and helpers == {"db/kvutil.cc"}
    assert cmake_programs('add_executable(demo "demo.c")\n', "") == (set(), set())


def test_a_daemon_is_told_from_its_installed_program(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "Makefile.am": "bin_PROGRAMS = cached\nnoinst_PROGRAMS = sizes\n"
        "cached_SOURCES = cached.c\ntest: sizes\n\tprove t\n",
        "configure.ac": "AC_INIT([cached], [VERSION_NUMBER], [x@example.org])\n",
        "version.m4": "m4_define([VERSION_NUMBER], [1.6.18])\n",
        "ChangeLog": "2007-01-01  1.2.0\n\n\t* first release\n",
        "cached.c": "int serve(int fd) { return listen(fd, 5); }\n"
        "int main(int argc, char **argv) { return serve(3); }\n",
        "sizes.c": "int main(void) { return 0; }\n",
        "t/00-startup.t": "use Test::More;\nok(1);\n",
        "t/stats.t": "use Test::More;\nok(1);\n",
    }
    facts = analyse(write(tmp_path, files), name="cached")
    assert [e.path for e in facts.entry_points] == ["cached.c"]
    assert facts.version == "1.6.18" and facts.release is None
    assert facts.kind == "service", facts.kind_evidence
    assert facts.tests.exist and facts.tests.commands[0] == "make test"
    story = " ".join(c.text for c in write_script(facts).chapters)
    assert "1.2.0" not in story and "version 1.6.18" in story


def test_c_versions_are_read_where_the_build_and_headers_declare_them() -> None:
    assert autoconf_version("AC_INIT([lib], [2.4.1])\n", []) == "2.4.1"
    assert autoconf_version("AC_INIT([lib], [VERSION])\n", ["m4_define([VERSION], [3.0])"]) == (
        "3.0"
    )
    lua_style = (
        '#define LUA_VERSION_MAJOR\t"5"\n#define LUA_VERSION_MINOR\t"4"\n'
        '#define LUA_VERSION_RELEASE\t"4"\n'
    )
    assert header_version(lua_style) == "5.4.4"
    assert header_version('#define ZSTR_VERSION "1.3"\n') == "1.3"
    assert header_version("#define NOT_A_VERSION 3\n") is None
    abbreviated = (
        '#define ZIP_VERSION "1.3.1.1-dev"\n#define ZIP_VER_MAJOR 1\n'
        "#define ZIP_VER_MINOR 3\n#define ZIP_VER_REVISION 1\n"
    )
    assert header_version(abbreviated) == "1.3.1.1-dev"


def test_a_go_generator_kept_out_of_every_build_is_not_a_program(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/lib\n",
        "lib.go": "package lib\n\nfunc Do() int { return 1 }\n",
        "gen.go": "//go:build ignore\n\npackage main\n\nfunc main() {}\n",
    }
    facts = analyse(write(tmp_path, files), name="lib")
    assert facts.entry_points == [] and facts.kind == "library"


def test_a_jvm_package_of_examples_is_examples_but_a_placeholder_domain_is_not() -> None:
    assert classify_path("src/main/java/org/soup/examples/ToText.java") is FileKind.EXAMPLE
    assert classify_path("src/main/java/com/example/demo/App.java") is FileKind.SOURCE
    assert classify_path("src/main/java/org/soup/nodes/Node.java") is FileKind.SOURCE


def test_an_app_run_by_its_framework_launcher_is_an_application(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "shop", "private": true, "scripts": {"dev": "next dev",'
        ' "start": "next start"}, "dependencies": {"next": "14.0.0"}}',
        "app/layout.tsx": "export default function Layout() { return null }\n",
        "app/page.tsx": "export default function Page() { return null }\n",
        "app/api/items/route.ts": "export async function GET() { return 1 }\n",
    }
    facts = analyse(write(tmp_path, files), name="shop")
    assert facts.kind == "application"
    assert facts.entry_points[0].path == "app/layout.tsx"
    story = " ".join(c.text for c in write_script(facts).chapters)
    assert "nothing here runs by itself" not in story and "`app/layout.tsx`" in story


def test_a_node_start_script_names_the_servers_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "api", "scripts": {"start": "node ./server.js"}}',
        "server.js": "const http = require('http')\nhttp.createServer().listen(80)\n",
    }
    facts = analyse(write(tmp_path, files), name="api")
    assert facts.kind == "application" and facts.entry_points[0].path == "server.js"


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("Flask is a lightweight WSGI web application framework.", "framework"),
        ("A line-oriented search tool that recursively searches directories", "cli"),
        ("jq is a lightweight and flexible command-line JSON processor.", "cli"),
        ("Fast HTTP server library", "library"),
        ("Apache Commons Lang, a package of Java utility classes", "library"),
        ("An extensible server platform that uses TLS by default", "service"),
        ("A next generation HTTP client for Python.", None),
        # A generic head takes its qualifier's kind; a command-line program stays a tool.
        ("Tally Server is a server program that makes reports available", "service"),
        ("A small command-line program for counting words", "cli"),
        (None, None),
    ],
)
def test_a_description_names_its_kind_by_its_head_noun(
    description: str | None, kind: str | None
) -> None:
    assert described_kind(description) == kind


def test_the_projects_own_name_is_no_head_noun() -> None:
    said = "Tally CLI provides a simple API for parsing a command line."
    assert described_kind(said) == "cli"
    assert described_kind(said, "Tally CLI") is None  # the API of a library, not a tool
    assert described_kind("cli is a package for building clients", "cli") == "library"


def test_a_library_that_ships_a_command_is_still_what_it_says_it_is() -> None:
    framework = project_kind(
        description="A micro web framework.",
        programs=["`flask`"],
        application=None,
        serves=None,
    )
    assert framework.kind == "framework"
    tool = project_kind(description=None, programs=["`fd`"], application=None, serves=None)
    assert tool.kind == "cli" and "`fd`" in tool.evidence
    nothing = project_kind(description=None, programs=[], application=None, serves=None)
    assert nothing.kind == "library"


def test_tap_scripts_in_t_are_tests() -> None:
    assert classify_path("t/basic.t") is FileKind.TEST


def test_go_counts_importers_by_package_and_tells_test_only_modules_apart(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/sh\n\nrequire (\n\texample.com/term v1.0.0\n"
        "\texample.com/assert v1.2.0\n\texample.com/spew v1.1.1 // indirect\n)\n",
        "syntax/nodes.go": "package syntax\n\n" + "// Node is a node.\ntype Node struct{}\n" * 9,
        "syntax/lexer.go": "package syntax\n\nfunc Lex() {}\n",
        "interp/run.go": 'package interp\n\nimport (\n\t"example.com/sh/syntax"\n'
        '\t"example.com/term"\n)\n\nfunc Run() { syntax.Lex(); term.X() }\n',
        "expand/expand.go": 'package expand\n\nimport "example.com/sh/syntax"\n\n'
        "func Expand() { syntax.Lex() }\n",
        "interp/run_test.go": 'package interp\n\nimport "example.com/assert"\n\n'
        "func TestRun() { assert.True() }\n",
    }
    facts = analyse(write(tmp_path, files), name="sh")
    told = [m for m in facts.key_modules if m.package == "syntax"]
    assert len(told) == 1 and told[0].importers == 2  # one package, told once
    assert facts.dependencies == ["example.com/term"]
    assert "example.com/assert" in facts.dev_dependencies


def test_a_projects_own_make_target_runs_its_tests_before_the_generic_runner(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/finder\n",
        "Makefile": "test:\n\tgo test -tags debug ./...\n",
        "main.go": "package main\n\nfunc main() {}\n",
        "main_test.go": 'package main\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n',
    }
    facts = analyse(write(tmp_path, files), name="finder")
    assert facts.tests.commands[:2] == ["make test", "go test ./..."]
    python: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "p"\n',
        "Makefile": "test:\n\tpytest -q\n",
        "p/__init__.py": "",
        "tests/test_p.py": "import pytest\n\ndef test_p():\n    assert True\n",
    }
    facts = analyse(write(tmp_path / "py", python), name="p")
    assert facts.tests.commands[0] == "pytest"


def test_a_key_type_is_told_with_its_most_used_methods(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# shop\n\nShop sells things.\n",
        "shop/__init__.py": "",
        "shop/cart.py": 'class Cart:\n    """A basket of items."""\n\n'
        '    def add(self, item):\n        """Put an item in the basket."""\n'
        "        return item\n\n    def total(self):\n        return 0\n\n"
        "    def clear(self):\n        return None\n",
        **{
            f"shop/use{n}.py": "from shop.cart import Cart\n\n\ndef f():\n"
            "    c = Cart()\n    c.add(1)\n    return c.total()\n"
            for n in range(3)
        },
    }
    facts = analyse(write(tmp_path, files), name="shop")
    cart = next(s for s in facts.key_symbols if s.name == "Cart")
    assert [m.name for m in cart.methods][:2] == ["add", "total"]
    told = _idea_sentence(cart, Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW), 0)
    # The most used method first, its summary said as what it does.
    assert "its method `add` puts an item in the basket, next to `total` and `clear`." in told


def test_rust_modules_are_named_by_their_path_under_the_crates_src(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[package]\nname = "walker"\nversion = "0.1.0"\n',
        "src/lib.rs": "mod tree;\nmod walk;\npub use crate::walk::Walk;\n",
        "src/tree/mod.rs": "mod node;\npub struct Tree;\n",
        "src/tree/node.rs": "use super::Tree;\npub struct Node;\n",
        "src/walk.rs": "use crate::tree::node::Node;\nuse self::inner::X;\npub struct Walk;\n",
    }
    modules = analyse(write(tmp_path, files), name="walker").modules
    assert modules["src/tree/mod.rs"].importers == 2  # `mod tree;`, and `super::` from node
    assert modules["src/tree/node.rs"].importers == 2  # `mod node;`, and crate::tree::node
    assert modules["src/walk.rs"].importers == 1  # `mod walk;` and `use crate::walk` in one file


def test_c_includes_are_found_beside_the_file_or_by_the_end_of_their_path(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "src/util.h": "int util(void);\n",
        "src/main.c": '#include "util.h"\n#include <lib/api.h>\nint main(void) { return 0; }\n',
        "include/lib/api.h": "int api(void);\n",
        # Two copies of one header: each includer takes the copy in its own top folder.
        "a/common.h": "int a(void);\n",
        "b/common.h": "int b(void);\n",
        "a/x.c": '#include "inc/../common.h"\n#include <common.h>\nint x(void) { return 0; }\n',
    }
    modules = analyse(write(tmp_path, files), name="c").modules
    assert modules["src/util.h"].importers == 1
    assert modules["include/lib/api.h"].importers == 1
    assert (modules["a/common.h"].importers, modules["b/common.h"].importers) == (1, 0)


def test_a_node_folder_import_names_its_index_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "src/lib/index.ts": "export const a = 1\n",
        "src/app.ts": "import { a } from './lib'\n",
        "src/cli.ts": "import { a } from './lib/index.js'\nimport chalk from 'chalk'\n",
    }
    modules = analyse(write(tmp_path, files), name="n").modules
    assert modules["src/lib/index.ts"].importers == 2


def test_each_ecosystem_declares_routes_by_its_frameworks_convention(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "app.py": "from flask import Flask\napp = Flask(__name__)\n\n"
        "@app.get('/users')\ndef users():\n    return []\n\n"
        "@app.route('/')\ndef home():\n    return ''\n",
        "server.js": "const app = express()\napp.post('/login', login)\nother.get('/nope', x)\n",
        "main.go": 'package main\n\nfunc main() {\n\thttp.HandleFunc("/health", h)\n'
        '\tr.GET("/items", list)\n}\n',
        "src/main/java/demo/Api.java": "package demo;\n\nclass Api {\n"
        '  @GetMapping("/orders")\n  public String orders() { return ""; }\n'
        '  @RequestMapping(path = "/any")\n  public String any() { return ""; }\n}\n',
        "src/web.rs": '#[get("/status")]\nfn status() -> String { String::new() }\n',
    }
    routes = analyse(write(tmp_path, files), name="web").roles.routes
    told = {(r.method, r.path, r.handler, r.file) for r in routes}
    assert told == {
        ("GET", "/users", "users", "app.py"),
        ("GET", "/", "home", "app.py"),
        ("POST", "/login", None, "server.js"),
        ("ANY", "/health", None, "main.go"),
        ("GET", "/items", None, "main.go"),
        ("GET", "/orders", "orders", "src/main/java/demo/Api.java"),
        ("ANY", "/any", "any", "src/main/java/demo/Api.java"),
        ("GET", "/status", "status", "src/web.rs"),
    }


def test_python_decorators_declare_subcommands_and_background_tasks(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "syncer/cli.py": "import click\n\n@click.group()\ndef cli():\n    pass\n\n"
        "@cli.command('sync-all')\ndef sync():\n    pass\n\n"
        "@cli.command()\ndef show_items():\n    pass\n",
        "syncer/jobs.py": "@app.task\ndef rebuild():\n    pass\n\n"
        "@dramatiq.actor\ndef notify(self):\n    pass\n",
    }
    roles = analyse(write(tmp_path, files), name="syncer").roles
    assert [(c.name, c.detail) for c in roles.commands] == [
        ("sync", "sync-all"),
        ("show_items", "show-items"),
    ]  # the nameless `@click.group()` is the program itself
    assert [(t.name, t.detail) for t in roles.tasks] == [
        ("rebuild", "app.task"),
        ("notify", "dramatiq.actor"),
    ]


def test_each_ecosystem_names_its_test_frameworks_and_runners(tmp_path: Path) -> None:
    trees: dict[str, dict[str, str | bytes]] = {
        "java": {
            "pom.xml": "<project><artifactId>j</artifactId></project>",
            "src/main/java/j/A.java": "package j;\npublic class A {}\n",
            "src/test/java/j/ATest.java": "package j;\nimport org.junit.jupiter.api.Test;\n"
            "class ATest { @Test void a() {} }\n",
        },
        "cpp": {
            "CMakeLists.txt": "project(c)\nenable_testing()\nadd_executable(c main.cc)\n",
            "main.cc": "int main() { return 0; }\n",
            "tests/a_test.cc": '#include "catch2/catch.hpp"\nTEST_CASE("a") {}\n',
        },
        "node": {
            "package.json": '{"name": "n", "scripts": {"test": "node --test"}}',
            "index.js": "module.exports = 1\n",
            "test/a.test.js": "import test from 'node:test'\ntest('a', () => {})\n",
        },
        "rust": {
            "Cargo.toml": '[package]\nname = "r"\nversion = "0.1.0"\n',
            "src/lib.rs": "pub fn a() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n"
            "    fn a() {}\n}\n",
        },
        "python": {
            "setup.py": "from setuptools import setup\nsetup(name='p')\n",
            "tox.ini": "[tox]\n",
            "Makefile": "check:\n\ttox\n",
            "p/__init__.py": "",
            "tests/test_p.py": "import unittest\n\nclass T(unittest.TestCase):\n"
            "    def test_p(self):\n        pass\n",
        },
    }
    told = {}
    for name, files in trees.items():
        tests = analyse(write(tmp_path / name, files), name=name).tests
        told[name] = (tests.frameworks, tests.commands)
    assert told["java"] == (["JUnit 5"], ["mvn test"])
    assert told["cpp"] == (["Catch2"], ["ctest"])
    assert told["node"] == (["Node's built-in test runner"], ["npm test"])
    assert told["rust"] == (["Rust's built-in test harness"], ["cargo test"])
    # unittest is the authors' runner already; their Makefile target and tox follow it.
    assert told["python"] == (["unittest"], ["python -m unittest", "make check", "tox"])
    rust = analyse(tmp_path / "rust", name="rust").tests
    assert (rust.inline_test_files, rust.example_file, rust.example_inline) == (
        1,
        "src/lib.rs",
        True,
    )


def test_a_bare_group_decorator_on_a_method_is_no_command(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "render/trace.py": "from render.console import group\n\nclass Trace:\n"
        "    @group()\n    def _render_stack(self):\n        yield 1\n",
        "render/cli.py": "from click import command\n\n@command('go')\ndef go():\n    pass\n",
    }
    roles = analyse(write(tmp_path, files), name="render").roles
    assert [(c.name, c.detail) for c in roles.commands] == [("go", "go")]


def test_unittest_mock_alone_does_not_make_a_unittest_suite(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "p"\n',
        "p/__init__.py": "",
        "tests/test_p.py": "from unittest import mock\n\ndef test_p():\n    assert mock\n",
        "tests/test_q.py": "from unittest.mock import patch\n\ndef test_q():\n    assert patch\n",
    }
    assert analyse(write(tmp_path, files), name="p").tests.frameworks == ["pytest"]


def test_python_requirements_beside_a_package_are_its_working_environment(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "web"\ndependencies = ["anyio"]\n',
        "requirements.txt": "-e .[full]\npytest==8.0\nmypy==1.0\n",
        "web/__init__.py": "def serve():\n    pass\n",
    }
    facts = analyse(write(tmp_path / "beside", files), name="web")
    assert (facts.dependencies, facts.dev_dependencies) == (["anyio"], ["pytest", "mypy"])
    # With no packaging, a requirements file that installs the project is still for work.
    alone = {"requirements.txt": "-e .\nruff\n", "app.py": "print(1)\n"}
    facts = analyse(write(tmp_path / "alone", alone), name="app")
    assert (facts.dependencies, facts.dev_dependencies) == ([], ["ruff"])
    app = {"requirements.txt": "flask\n", "app.py": "print(1)\n"}
    assert analyse(write(tmp_path / "app", app), name="app").dependencies == ["flask"]
    # PEP 621's static metadata says all a package needs, even nothing; a dynamic list is
    # the one the build backend reads from the requirements file.
    files["pyproject.toml"] = '[project]\nname = "web"\n'
    files["requirements.txt"] = "pytest==8.0\n"
    facts = analyse(write(tmp_path / "static", files), name="web")
    assert (facts.dependencies, facts.dev_dependencies) == ([], ["pytest"])
    files["pyproject.toml"] = '[project]\nname = "web"\ndynamic = ["dependencies"]\n'
    files["requirements.txt"] = "anyio\n"
    assert analyse(write(tmp_path / "dynamic", files), name="web").dependencies == ["anyio"]


def test_a_poetry_dependency_marked_optional_is_an_extra() -> None:
    poetry = parse_manifest(
        "pyproject.toml",
        '[tool.poetry]\nname = "r"\n[tool.poetry.dependencies]\npython = ">=3.8"\n'
        'pygments = "^2"\nwidgets = { version = ">=7", optional = true }\n',
    )
    assert poetry is not None
    assert (poetry.dependencies, poetry.optional_dependencies) == (["pygments"], ["widgets"])


def test_a_javascript_packages_typings_come_after_its_code(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "srv", "main": "lib/reply.js", "types": "types/index.d.ts"}',
        "lib/reply.js": "/** A reply to a request. */\nclass Reply {\n  send () {\n"
        "    return 1\n  }\n}\n\nmodule.exports = Reply\n",
        "lib/route.js": "const Reply = require('./reply')\n\n"
        "function route () {\n  return new Reply()\n}\n\nmodule.exports = { route }\n",
        "types/utils.d.ts": "/** The server. */\nexport interface RawServer {\n  port: number\n}\n",
    }
    for name in ("a", "b", "c"):
        files[f"types/{name}.d.ts"] = (
            "import { RawServer } from './utils'\n"
            f"export interface {name.upper()}Options {{\n  server: RawServer\n}}\n"
        )
    facts = analyse(write(tmp_path, files), name="srv")
    assert facts.key_symbols[0].name == "Reply"


def test_npm_inits_placeholder_is_no_test_script(tmp_path: Path) -> None:
    placeholder = '"echo \\"Error: no test specified\\" && exit 1"'
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "p", "scripts": {"test": ' + placeholder + "},"
        ' "devDependencies": {"mocha": "10"}}',
        "index.js": "module.exports = 1\n",
        "test/a.js": "const assert = require('assert')\ndescribe('a', () => {})\n",
    }
    tests = analyse(write(tmp_path, files), name="p").tests
    assert (tests.frameworks, tests.commands) == (["Mocha"], ["mocha"])


def test_setup_py_extras_for_development_and_tests_require_are_for_development() -> None:
    setup = parse_manifest(
        "setup.py",
        "from setuptools import setup\n\ninstall_requires = ['twisted>=18', 'lxml']\n\n"
        "setup(\n    name='crawl',\n    install_requires=install_requires,\n"
        "    tests_require=['pytest'],\n    extras_require={\n"
        "        'test': ['crawl[speedups]', 'testfixtures'],\n        'speedups': ['uvloop'],\n"
        "    },\n)\n",
    )
    assert setup is not None
    assert setup.dependencies == ["twisted", "lxml"]
    assert (setup.dev_dependencies, setup.optional_dependencies) == (
        ["pytest", "testfixtures"],
        ["uvloop"],
    )


def test_typescripts_output_folder_names_the_sources_it_is_built_from() -> None:
    from codestory.analysis.ecosystems.node_imports import NodeImports
    from codestory.analysis.entry_point import source_of_build
    from codestory.analysis.syntax import ImportRef

    paths = {"index.mjs", "lib/factory.ts", "packages/a/src/cli.ts"}
    imports = NodeImports(paths)
    assert imports.resolve("index.mjs", ImportRef("./build/lib/factory.js")) == ["lib/factory.ts"]
    assert source_of_build("packages/a/dist/cli.js", paths) == "packages/a/src/cli.ts"
    assert source_of_build("dist/other.js", paths) is None


def test_a_package_main_in_the_output_folder_is_its_source(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "t", "main": "dist/index.js"}',
        "src/index.ts": "export function start(): number {\n  return 1\n}\n",
    }
    facts = analyse(write(tmp_path, files), name="t")
    assert [(e.kind, e.path) for e in facts.entry_points] == [("library main", "src/index.ts")]


def test_a_python_package_may_read_its_version_from_a_version_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.cfg": "[metadata]\nname = crawl\nversion = file: crawl/VERSION\n",
        "crawl/__init__.py": "import pkgutil\n\n"
        "__version__ = pkgutil.get_data(__package__, 'VERSION')\n",
        "crawl/VERSION": "2.11.0rc1\n",
        "docs/VERSION": "1.0\n",  # not a package's
    }
    assert analyse(write(tmp_path, files), name="crawl").version == "2.11.0rc1"


def test_npm_exports_name_the_package_entry_where_there_is_no_main() -> None:
    conditional = parse_manifest(
        "package.json",
        '{"name": "p", "exports": {".": {"types": "./index.d.ts", "import": "./src/index.mjs"},'
        ' "./package.json": "./package.json"}}',
    )
    plain = parse_manifest("package.json", '{"name": "q", "exports": "./source/index.js"}')
    assert conditional is not None and conditional.main == "./src/index.mjs"
    assert plain is not None and plain.main == "./source/index.js"


def test_pep_621_gui_scripts_are_programs_too() -> None:
    manifest = parse_manifest(
        "pyproject.toml", '[project]\nname = "g"\n[project.gui-scripts]\ng-ui = "g.app:main"\n'
    )
    assert manifest is not None and manifest.executables == {"g-ui": "g.app:main"}


def test_every_test_folder_holds_tests_not_only_the_largest_four(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "m", "scripts": {"test": "ospec"}}',
        "index.js": "module.exports = 1\n",
    }
    for part in ("api", "render", "util", "router", "stream", "promise"):
        files[f"{part}/{part}.js"] = f"module.exports = function {part} () {{}}\n"
        for i in range(2):
            files[f"{part}/tests/test-{part}{i}.js"] = "var o = require('ospec')\n"
    tests = analyse(write(tmp_path, files), name="m").tests
    assert (tests.files, len(tests.directories), tests.beside_code) == (12, 6, 0)


def test_a_pytest_ini_runs_a_unittest_suite_under_pytest(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": "from setuptools import setup\nsetup(name='p')\n",
        "pytest.ini": "[pytest]\ntestpaths = tests\n",
        "p/__init__.py": "def p():\n    return 1\n",
        "tests/test_p.py": "import unittest\n\nclass T(unittest.TestCase):\n"
        "    def test_p(self):\n        pass\n",
    }
    tests = analyse(write(tmp_path, files), name="p").tests
    assert (tests.frameworks, tests.commands[0]) == (["unittest"], "pytest")


def test_pdm_and_uv_tables_of_development_packages() -> None:
    manifest = parse_manifest(
        "pyproject.toml",
        '[project]\nname = "t"\ndependencies = ["anyio"]\n'
        '[tool.pdm.dev-dependencies]\ntest = ["pytest>=8", "-e file:///${PROJECT_ROOT}"]\n'
        '[tool.uv]\ndev-dependencies = ["ruff"]\n',
    )
    assert manifest is not None and manifest.dev_dependencies == ["pytest", "ruff"]


def test_test_files_are_named_by_each_ecosystems_convention() -> None:
    tests = [
        "pkg/test_core.py",
        "pkg/core_test.py",
        "pkg/conftest.py",
        "web/button.spec.tsx",
        "web/types.test-d.ts",
        "web/reply.tst.ts",
        "cmd/run_test.go",
        "src/parse_test.rs",
        "core/x/ParserTests.java",
        "core/x/TestClock.java",  # Surefire's Test* and *TestCase classes
        "core/x/MoneyTestCase.java",
        "lib/buf_test.cc",
    ]
    assert {p: classify_path(p) for p in tests} == dict.fromkeys(tests, FileKind.TEST)
    # Maven keeps production code in src/main, whatever its names: JUnit's RepeatedTest.
    sources = ["pkg/testing_tools.py", "web/spec.ts", "cmd/test.go", "src/main/java/x/Test.kt"]
    sources += ["src/main/java/junit/extensions/RepeatedTest.java"]
    assert {p: classify_path(p) for p in sources} == dict.fromkeys(sources, FileKind.SOURCE)


def test_type_tests_beside_runtime_tests_are_counted(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "f", "scripts": {"test": "node --test && tstyche"},'
        ' "devDependencies": {"tstyche": "3"}}',
        "index.js": "module.exports = 1\n",
        "test/a.test.js": "const test = require('node:test')\ntest('a', () => {})\n",
        "test/b.test.js": "const test = require('node:test')\ntest('b', () => {})\n",
        "test/types/a.tst.ts": "import { expect } from 'tstyche'\nexpect(1).type.toBe<number>()\n",
        "test/helper.js": "module.exports = {}\n",
    }
    tests = analyse(write(tmp_path, files), name="f").tests
    assert tests.files == 3 and tests.frameworks[-1] == "TSTyche"


def test_a_jar_manifest_names_the_programs_main_among_several(tmp_path: Path) -> None:
    main = (
        "package org.x.tool;\n\npublic class {name} {{\n"
        "    public static void main(String[] a) {{\n"
        "        System.out.println(a.length);\n    }}\n}}\n"
    )
    files: dict[str, str | bytes] = {
        "pom.xml": "<project><artifactId>x</artifactId></project>",
        "migrator/pom.xml": "<project><artifactId>tool</artifactId></project>",
        "migrator/src/main/resources/META-INF/MANIFEST.MF": "Main-Class: org.x.tool.Main\n",
        "migrator/src/main/java/org/x/tool/Converter.java": main.format(name="Converter"),
        "migrator/src/main/java/org/x/tool/Main.java": main.format(name="Main"),
    }
    facts = analyse(write(tmp_path, files), name="x")
    mains = [e.path for e in facts.entry_points if e.kind == "main module"]
    # The named main only: the converter's own main is a utility's.
    assert mains == ["migrator/src/main/java/org/x/tool/Main.java"]


def _callees(files: dict[str, tuple[str, str]], caller: str) -> list[tuple[str, str]]:
    """The callees the call graph links from `caller` (`path::name`) in these files."""
    syntaxes = {}
    for path, (language, text) in files.items():
        parsed = parse_source(path, language, text.encode())
        assert parsed is not None
        syntaxes[path] = parsed
    resolver = Resolver(syntaxes, syntaxes)
    resolver.set_go_module("example.org/m")
    graph = CallGraph(syntaxes, resolver)
    path, _, name = caller.partition("::")
    start = next(d for d in syntaxes[path].definitions if d.qualified_name == name)
    return [(s.path, s.definition.qualified_name) for s in graph.callees(Symbol(path, start))]


@pytest.mark.parametrize(
    ("files", "caller", "expected"),
    [
        pytest.param(  # a bare name may be defined in another file of the package
            {
                "a/run.go": ("Go", "package a\n\nfunc Run() {\n\thelp()\n}\n"),
                "a/help.go": ("Go", "package a\n\nfunc help() {\n\tx := 1\n\t_ = x\n}\n"),
            },
            "a/run.go::Run",
            [("a/help.go", "help")],
            id="go-package-scope",
        ),
        pytest.param(  # a bare call inside a class names a method of that class
            {
                "T.java": (
                    "Java",
                    "class T {\n  void run() {\n    step();\n  }\n"
                    "  void step() {\n    int x = 1;\n  }\n}\n",
                ),
            },
            "T.java::T.run",
            [("T.java", "T.step")],
            id="java-class-scope",
        ),
        pytest.param(  # a function only one file defines is global across files
            {
                "main.c": ("C", "int main(void) {\n  work();\n  return 0;\n}\n"),
                "work.c": ("C", "void work(void) {\n  int x = 1;\n}\n"),
            },
            "main.c::main",
            [("work.c", "work")],
            id="c-global-functions",
        ),
        pytest.param(  # `use` binds its last segment to the item the module defines
            {
                "src/main.rs": (
                    "Rust",
                    "mod work;\nuse crate::work::go;\n\nfn main() {\n    go();\n}\n",
                ),
                "src/work.rs": ("Rust", "pub fn go() {\n    let x = 1;\n}\n"),
            },
            "src/main.rs::main",
            [("src/work.rs", "go")],
            id="rust-use-last-segment",
        ),
        pytest.param(  # a bare name of another file is not reached without an import
            {
                "main.py": ("Python", "def main():\n    work()\n"),
                "work.py": ("Python", "def work():\n    x = 1\n"),
            },
            "main.py::main",
            [],
            id="python-needs-an-import",
        ),
    ],
)
def test_each_ecosystem_binds_names_by_its_scoping(
    files: dict[str, tuple[str, str]], caller: str, expected: list[tuple[str, str]]
) -> None:
    assert _callees(files, caller) == expected


def test_headers_are_read_as_the_projects_c_or_cpp(tmp_path: Path) -> None:
    body = "int work(int n) {\n  return n + 1;\n}\n"
    cpp = write(tmp_path / "cpp", {"a.cpp": body, "b.cpp": body, "work.h": "int work(int);\n"})
    c = write(tmp_path / "c", {"a.c": body, "b.cpp": body, "work.h": "int work(int);\n"})
    assert analyse(cpp, name="cpp").modules["work.h"].language == "C++"
    assert analyse(c, name="c").modules["work.h"].language == "C"


def test_a_main_that_calls_nothing_of_the_project_is_not_a_way_in(tmp_path: Path) -> None:
    runner = "".join(
        f"    static int step{i}(int x) {{\n        return step{i + 1}(x);\n    }}\n"
        for i in range(4)
    )
    files: dict[str, str | bytes] = {
        "pom.xml": "<project><artifactId>x</artifactId></project>",
        "src/main/java/org/x/Runner.java": (
            "package org.x;\n\npublic class Runner {\n"
            "    public static void main(String[] a) {\n        step0(1);\n    }\n"
            + runner
            + "    static int step4(int x) {\n        return x;\n    }\n}\n"
        ),
        "src/main/java/org/x/Version.java": (
            "package org.x;\n\npublic class Version {\n"
            "    public static void main(String[] a) {\n"
            '        System.out.println("1.0");\n    }\n}\n'
        ),
    }
    facts = analyse(write(tmp_path, files), name="x")
    mains = [e.path for e in facts.entry_points if e.kind == "main module"]
    assert mains == ["src/main/java/org/x/Runner.java"]


def test_a_go_module_is_named_without_its_major_version_suffix(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/owner/router/v5\n",
        "router.go": "package router\n\nfunc New() int { return 1 }\n",
    }
    assert analyse(write(tmp_path, files), name="checkout").name == "router"


def test_go_requirements_no_non_test_file_imports_serve_the_tests(tmp_path: Path) -> None:
    """`go mod tidy` lists what tests import too: the tests' modules are for development,
    even where they are all the module requires, and so are the tools a `tools` file pins;
    examples are the module's own packages, a nested module and what the go tool skips
    (`testdata`, `_x`) are not."""
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/cli\n\nrequire (\n\texample.com/assert v1.0.0\n"
        "\texample.com/color v1.0.0\n\texample.com/yaml v3.0.0 // indirect\n)\n",
        "cli.go": "package cli\n\nfunc Run() int { return 1 }\n",
        "cli_test.go": 'package cli\n\nimport (\n\t"testing"\n\n\t"example.com/assert"\n)\n\n'
        "func TestRun(t *testing.T) { assert.True(t) }\n",
        "examples/color/main.go": 'package main\n\nimport "example.com/color"\n\n'
        "func main() { color.Red() }\n",
        "docs/go.mod": "module example.com/cli/docs\n\nrequire example.com/site v1.0.0\n",
        "docs/gen.go": 'package docs\n\nimport "example.com/assert"\n\nfunc G() { assert.X() }\n',
        "testdata/fixture.go": 'package fixture\n\nimport "example.com/assert"\n',
        "tools.go": '//go:build tools\n\npackage tools\n\nimport _ "example.com/stringer"\n',
    }
    files["go.mod"] = str(files["go.mod"]).replace(")", "\texample.com/stringer v0.1.0\n)")
    facts = analyse(write(tmp_path, files), name="cli")
    assert facts.dependencies == ["example.com/color"]
    assert facts.dev_dependencies == ["example.com/assert", "example.com/stringer"]
    only_tests = {k: v for k, v in files.items() if not k.startswith("examples/")}
    only_tests["go.mod"] = "module example.com/cli\n\nrequire example.com/assert v1.0.0\n"
    facts = analyse(write(tmp_path / "bare", only_tests), name="cli")
    assert facts.dependencies == [] and facts.dependencies_from is None
    assert facts.dev_dependencies == ["example.com/assert"]


def test_a_go_module_root_package_is_told_first_however_large_its_subpackages(
    tmp_path: Path,
) -> None:
    """A router at the module root and a larger `middleware` subpackage: the root package is
    what `import "example.com/router"` brings in."""
    small = "package router\n\n" + "".join(f"func R{i}() int {{ return {i} }}\n" for i in range(5))
    big = "package middleware\n\n" + "".join(
        f"func M{i}() int {{ return {i} }}\n" for i in range(60)
    )
    files: dict[str, str | bytes] = {
        "README.md": "# router\n\nrouter is a small HTTP router for Go services.\n",
        "go.mod": "module example.com/router\n",
        "router.go": small,
        "middleware/a.go": big,
        "middleware/b.go": big.replace("M", "N"),
    }
    script = write_script(analyse(write(tmp_path, files), name="router"))
    layout = next(c for c in script.chapters if c.title == "How it is organised")
    assert layout.paragraphs[:2] == [
        "The code itself sits at the top level: 1 source file next to the README.",
        "More of the code lives in `middleware`, 2 files of mostly Go.",
    ]


def test_a_cargo_crate_kept_among_the_tests_builds_no_program_of_the_project(
    tmp_path: Path,
) -> None:
    """A library checked by a test crate of its own (`test_features/Cargo.toml` with a
    `[[bin]]` that CI runs) is still a library."""
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[package]\nname = "logger"\nversion = "0.4.0"\n',
        "src/lib.rs": "pub fn log() {}\n",
        "test_features/Cargo.toml": '[package]\nname = "t"\nversion = "0.1.0"\n\n'
        '[[bin]]\nname = "test_features"\npath = "main.rs"\n',
        "test_features/main.rs": "fn main() { logger::log(); }\n",
    }
    facts = analyse(write(tmp_path, files), name="logger")
    assert facts.entry_points == [] and facts.kind == "library"


def test_rust_names_every_file_has_or_every_crate_defines_are_no_evidence_of_use(
    tmp_path: Path,
) -> None:
    """A parser's `fn u64` is not used wherever the type `u64` is written, nor is each
    workspace crate's `Error` named by every file that says `Error`."""
    user = "use search::Searcher;\n\npub fn run(s: Searcher) -> Result<u64, Error> {{ {n} }}\n"
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[package]\nname = "grep"\nversion = "1.0.0"\n\n[workspace]\n'
        'members = ["crates/search", "crates/glob"]\n',
        "src/main.rs": "mod flags;\n\nfn main() {}\n",
        "src/flags.rs": "pub fn u64(v: &str) -> u64 { 0 }\n",
        "crates/search/src/lib.rs": "/// Runs a search.\npub struct Searcher;\n\n"
        "/// A search failed.\npub struct Error;\n",
        "crates/glob/src/lib.rs": "/// A glob failed.\npub struct Error;\n",
        **{f"src/use{n}.rs": user.format(n=n) for n in range(4)},
    }
    symbols = analyse(write(tmp_path, files), name="grep").key_symbols
    users = {(s.name, s.path): (s.named_by, s.typed_by) for s in symbols}
    assert users[("Searcher", "crates/search/src/lib.rs")] == (4, 4)
    assert users[("Error", "crates/search/src/lib.rs")] == (0, 0)
    assert users[("u64", "src/flags.rs")] == (0, 0)


def test_cargo_tables_for_platforms_build_scripts_and_workspaces(tmp_path: Path) -> None:
    """A platform's table adds what the crate needs there (its optional entries are
    features, its dev-dependencies development's); a build script's needs are told apart;
    a workspace member's version comes from `[workspace.package]`; a root package with
    members runs its own tests with `cargo test` and every member's with `--workspace`."""
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[package]\nname = "finder"\nversion.workspace = true\n\n'
        '[workspace]\nmembers = ["crates/walk"]\n\n[workspace.package]\n'
        'version = "1.0.0-alpha.3"\n\n[dependencies]\nregex = "1"\n\n'
        "[target.'cfg(unix)'.dependencies]\nnix = \"0.29\"\n"
        'jemalloc = { version = "0.5", optional = true }\n\n'
        "[target.'cfg(windows)'.dev-dependencies]\nwinapi-test = \"1\"\n\n"
        '[build-dependencies]\ncc = "1"\n\n[dev-dependencies]\ntempfile = "3"\n',
        "src/main.rs": "fn main() {}\n",
        "tests/cli.rs": "#[test]\nfn runs() {}\n",
        "crates/walk/Cargo.toml": '[package]\nname = "walk"\nversion = "0.1.0"\n',
        "crates/walk/src/lib.rs": "pub fn walk() {}\n\n#[cfg(test)]\nmod tests {}\n",
    }
    facts = analyse(write(tmp_path, files), name="finder")
    assert facts.version == "1.0.0-alpha.3"
    assert facts.dependencies == ["regex"] and facts.platform_dependencies == ["nix"]
    assert facts.optional_dependencies == ["jemalloc"] and facts.build_dependencies == ["cc"]
    assert facts.dev_dependencies == ["tempfile", "winapi-test"]
    assert facts.tests.commands[:2] == ["cargo test", "cargo test --workspace"]
    told = " ".join(c.text for c in write_script(facts).chapters)
    assert "On some platforms it also needs `nix`." in told
    assert "Its build script uses `cc`." in told
    assert "version 1.0.0-alpha.3" in told
    virtual = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/walk"]\n',
        **{k: v for k, v in files.items() if k.startswith("crates/")},
    }
    assert analyse(write(tmp_path / "v", virtual), name="w").tests.commands == ["cargo test"]


def test_an_unreleased_workspace_crate_beside_a_released_library_is_no_way_in(
    tmp_path: Path,
) -> None:
    """Cargo's `publish = false` keeps a crate from release: beside a released library its
    binary is the authors' playground, so the project stays a library entered through its
    API. An unreleased top package (an application) keeps its members' programs."""
    member = (
        '[package]\nname = "lister"\nversion = "0.0.0"\npublish = false\n\n'
        '[[bin]]\nname = "list"\npath = "main.rs"\n\n[dependencies]\nwalk = { path = ".." }\n'
    )
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[package]\nname = "walk"\nversion = "1.0.0"\n\n'
        '[workspace]\nmembers = ["lister"]\n',
        "src/lib.rs": "/// Walks a tree.\npub fn walk() {}\n",
        "lister/Cargo.toml": member,
        "lister/main.rs": "use walk::walk;\n\nfn main() {\n    run();\n}\n\n"
        "fn run() {\n    walk();\n}\n",
    }
    facts = analyse(write(tmp_path / "lib", files), name="walk")
    assert facts.entry_points == [] and facts.kind == "library"
    app = {
        **files,
        "Cargo.toml": files["Cargo.toml"].replace(  # type: ignore[union-attr]
            'version = "1.0.0"\n', 'version = "1.0.0"\npublish = false\n'
        ),
    }
    kept = analyse(write(tmp_path / "app", app), name="walk")
    assert [p.path for p in kept.entry_points] == ["lister/main.rs"]


def test_a_program_in_a_language_no_build_makes_is_no_way_into_a_crate(tmp_path: Path) -> None:
    """Beside a Cargo crate, a C program and a Python script that no build of their own
    makes (kept to compare the crate against) are the authors' helpers, not ways in."""
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[package]\nname = "walk"\nversion = "1.0.0"\n',
        "src/lib.rs": "/// Walks a tree.\npub fn walk() {\n    step();\n}\n\nfn step() {}\n",
        "src/step.rs": "pub fn one() {}\n",
        "compare/walk.c": "#include <stdio.h>\n\nstatic int shown(const char *p) {\n"
        + '    return printf("%s\\n", p);\n}\n\n'
        + "int main(int argc, char **argv) {\n"
        + "".join(f"    shown(argv[{n}]);\n" for n in range(20))
        + "    return 0;\n}\n",
        "compare/walk.py": "import os\n\n\ndef main():\n    print(os.getcwd())\n\n\n"
        'if __name__ == "__main__":\n    main()\n',
    }
    facts = analyse(write(tmp_path / "crate", files), name="walk")
    assert facts.entry_points == [] and facts.kind == "library"
    # Nor is the helper a module to know, nor its folder the project's own code.
    assert "compare/walk.c" in facts.modules
    assert not any(m.path.startswith("compare/") for m in facts.key_modules)
    (folder,) = [a for a in facts.areas if a.path == "compare"]
    assert folder.kind is FileKind.TOOLING
    assert folder.holds == "code in C and Python that its build does not make"
    told = " ".join(c.text for c in write_script(facts).chapters)
    assert "More of the code lives in `compare`" not in told
    # A program the project's own build makes is still one.
    files["src/bin/walk.rs"] = "fn main() {\n    walk::walk();\n}\n"
    program = analyse(write(tmp_path / "tool", files), name="walk")
    assert [p.path for p in program.entry_points] == ["src/bin/walk.rs"]


def test_only_go_mods_require_directives_declare_dependencies() -> None:
    from codestory.analysis.manifests import parse_manifest

    text = (
        "module example.com/x\n\nrequire example.com/a v1.0.0 // pinned for a fix\n\n"
        "require (\n\texample.com/b v1.2.0\n\texample.com/c v0.1.0 // indirect\n)\n\n"
        "replace (\n\texample.com/d v1.0.0 => ../d\n)\n\nexclude example.com/e v1.0.0\n"
    )
    manifest = parse_manifest("go.mod", text)
    assert manifest is not None
    assert manifest.dependencies == ["example.com/a", "example.com/b"]


def test_a_cargo_workspace_names_its_crates_and_its_own_are_no_outside_dependency(
    tmp_path: Path,
) -> None:
    """A search tool's shape: a binary at the top, library crates under `crates/*`, two of them
    among the top package's dependencies by path."""
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[package]\nname = "rg"\nversion = "1.0.0"\n\n[workspace]\n'
        'members = ["crates/*"]\n\n[dependencies]\nerrs = "1"\n'
        'search = { version = "0.1", path = "crates/search" }\n',
        "src/main.rs": "fn main() {}\n",
        "crates/search/Cargo.toml": '[package]\nname = "search"\nversion = "0.1.0"\n',
        "crates/search/src/lib.rs": "pub fn search() {}\n" * 5,
        "crates/glob/Cargo.toml": '[package]\nname = "glob"\nversion = "0.1.0"\n',
        "crates/glob/src/lib.rs": "pub fn glob() {}\n",
        "tests/fixtures/Cargo.toml": '[package]\nname = "errs"\nversion = "0.0.1"\n',
    }
    facts = analyse(write(tmp_path, files), name="rg")
    assert facts.workspace == ["crates/search", "crates/glob"]
    told = " ".join(c.text for c in write_script(facts).chapters)
    assert (
        "The build's workspace adds 2 packages to the top one: `crates/search` and `crates/glob`."
    ) in told
    assert "needs just 2 dependencies: `errs`; `search` is a package of its own." in told


def test_cargo_default_features_switch_on_their_optional_dependencies() -> None:
    from codestory.analysis.manifests import parse_manifest

    text = (
        '[package]\nname = "finder"\n\n[dependencies]\nregex = "1"\n'
        'clap_complete = { version = "4", optional = true }\n'
        'jemalloc = { version = "0.5", optional = true }\n'
        'serde = { version = "1", optional = true }\n'
        'git2 = { version = "0.18", optional = true }\n\n'
        '[features]\ndefault = ["completions", "serde?/std", "git"]\n'
        'completions = ["dep:clap_complete"]\ngit = ["git2/https"]\n'
        'use-jemalloc = ["jemalloc"]\n'
    )
    manifest = parse_manifest("Cargo.toml", text)
    assert manifest is not None
    assert manifest.default_optional == ["clap_complete", "git2"]


def test_a_virtual_cargo_workspace_builds_its_members_programs(tmp_path: Path) -> None:
    """No package at the top: the program is a member's `[[bin]]`, and the version is the
    one `[workspace.package]` gives its members."""
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\n'
        'version = "1.2.0-rc.1"\n',
        "crates/cli/Cargo.toml": '[package]\nname = "thin"\nversion.workspace = true\n\n'
        '[[bin]]\nname = "pdata_tools"\npath = "src/main.rs"\n',
        "crates/cli/src/main.rs": "fn main() { thin_core::check(); }\n",
        "crates/core/Cargo.toml": '[package]\nname = "thin-core"\nversion = "1.2.0"\n',
        "crates/core/src/lib.rs": "pub fn check() {}\n",
    }
    facts = analyse(write(tmp_path, files), name="thin")
    assert [(e.name, e.path) for e in facts.entry_points] == [
        ("pdata_tools", "crates/cli/src/main.rs")
    ]
    assert facts.kind == "cli" and facts.version == "1.2.0-rc.1"


def test_go_files_in_folders_the_go_tool_skips_are_not_the_modules_code(tmp_path: Path) -> None:
    """`_js` (a GopherJS build) and `_scripts` are tooling, `_examples` examples; fixture
    programs are the tests' inputs and no test files, however they are named."""
    assert classify_path("_js/main.go") is FileKind.TOOLING
    assert classify_path("tools/_scripts/make.go") is FileKind.TOOLING
    assert classify_path("_examples/hello/main.go") is FileKind.EXAMPLE
    assert classify_path("_fixtures/testvariables.go") is FileKind.TEST
    assert classify_path("lib/_private.py") is FileKind.SOURCE  # a Go convention only
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/debugger\n",
        "debugger.go": "package debugger\n\nfunc Attach() int { return 1 }\n",
        "debugger_test.go": 'package debugger\n\nimport "testing"\n\n'
        "func TestAttach(t *testing.T) {}\n",
        **{f"_fixtures/testprog{n}.go": "package main\n\nfunc main() {}\n" for n in range(3)},
        "_scripts/make.go": "package main\n\nfunc main() {}\n",
    }
    facts = analyse(write(tmp_path, files), name="debugger")
    assert facts.tests.files == 1 and facts.entry_points == []
    areas = {a.path: a.holds for a in facts.areas}
    assert areas["_fixtures"] == "inputs for the tests"


def test_a_cargo_xtask_crate_automates_the_build_and_is_no_way_in(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "Cargo.toml": '[workspace]\nmembers = ["lib", "xtask"]\n',
        "lib/Cargo.toml": '[package]\nname = "parser"\nversion = "0.3.0"\n',
        "lib/src/lib.rs": "pub fn parse() {}\n",
        "xtask/Cargo.toml": '[package]\nname = "xtask"\nversion = "0.1.0"\n',
        "xtask/src/main.rs": "fn main() { release(); }\n\nfn release() {}\n",
    }
    facts = analyse(write(tmp_path, files), name="parser")
    assert classify_path("xtask/src/main.rs") is FileKind.TOOLING
    assert facts.entry_points == [] and facts.kind == "library"


def test_a_configure_scripts_makefile_template_gives_the_make_targets(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "configure": "#!/bin/sh\nsed < Makefile.in > Makefile\n",
        "Makefile": "all:\n\t@echo 'Please use ./configure first.'\n",
        "Makefile.in": "all: static\n\ntest: all\n\t./example\n\ninstall:\n\tcp libz.a /usr\n",
        "zip.c": "int zip(int x) { return x; }\n",
        "zip.h": "int zip(int x);\n",
        "test/example.c": '#include "zip.h"\nint main(void) { return zip(0); }\n',
    }
    facts = analyse(write(tmp_path, files), name="zip")
    assert facts.tests.commands[:1] == ["make test"]


def test_cmake_finds_tools_for_docs_and_tests_not_run_time_dependencies() -> None:
    cmake = (
        "project(js C)\nfind_package(Threads REQUIRED)\n"
        "if (BUILD_DOCS)\n  find_package(Sphinx)\n  find_package(LATEX)\nendif()\n"
        "find_package(GTest)\n"
    )
    manifest = parse_cmake("CMakeLists.txt", cmake)
    assert manifest.dependencies == ["Threads"]
    assert manifest.dev_dependencies == ["Sphinx", "LATEX", "GTest"]


def test_a_regress_folder_with_its_own_makefile_is_the_test_suite(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "configure.ac": "AC_INIT([mux], next-3.8)\n",
        "mux.c": "int main(void) { return 0; }\n",
        "regress/Makefile": "TESTS!= echo *.sh\nall:\n\tfor t in $(TESTS); do sh $$t; done\n",
        "regress/panes.sh": "#!/bin/sh\n$MUX new -d || exit 1\n",
        "regress/keys.sh": "#!/bin/sh\n$MUX send-keys x || exit 1\n",
        "README": "Welcome to mux!\n\nmux is a terminal multiplexer.\n",
    }
    facts = analyse(write(tmp_path / "mux", files), name="mux-3.8")
    assert facts.name == "mux"
    assert facts.tests.files == 2 and facts.tests.commands == ["make -C regress"]
    assert facts.tests.example_file == "regress/panes.sh"
    # A test folder's Makefile that builds fuzzers first does not run the tests.
    fuzzing: dict[str, str | bytes] = {
        "lib.c": "int parse(int x) { return x; }\n",
        "tests/Makefile": "fuzzers: parse_fuzzer\n\nparse_fuzzer:\n\tcc fuzz.c\n",
        "tests/unit.c": "int parse(int x);\nint main(void) { return parse(0); }\n",
    }
    assert analyse(write(tmp_path / "lib", fuzzing), name="lib").tests.commands == []


def test_a_java_suite_mixing_junit_4_and_5_is_written_with_the_one_most_files_import(
    tmp_path: Path,
) -> None:
    body = "public class {0}Test {{\n  @Test public void a() {{}}\n}}\n"
    junit4 = "package p;\n\nimport org.junit.Test;\n\n" + body
    jupiter = "package p;\n\nimport org.junit.jupiter.api.Test;\n\n" + body
    files: dict[str, str | bytes] = {
        "pom.xml": "<project><artifactId>p</artifactId></project>\n",
        "src/main/java/p/A.java": "package p;\n\npublic class A {}\n",
        **{f"src/test/java/p/{n}Test.java": junit4.format(n) for n in ("A", "B", "C")},
        "native/src/test/java/p/NativeTest.java": jupiter.format("Native"),
    }
    assert analyse(write(tmp_path, files), name="p").tests.frameworks == ["JUnit"]


def test_a_leftover_maven_pom_beside_the_maintained_gradle_build_speaks_for_nothing(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "pom.xml": "<project><artifactId>cli</artifactId><version>4.0.0-alpha-3</version>"
        "<description>Command line parsing for Java.</description>"
        "<dependencies><dependency><artifactId>junit</artifactId><scope>test</scope>"
        "</dependency><dependency><artifactId>hamcrest</artifactId><scope>test</scope>"
        "</dependency></dependencies></project>\n",
        "build.gradle": 'version = "$projectVersion"\ndependencies {\n'
        "    testImplementation 'junit:junit:4.12'\n}\n",
        "gradle.properties": "projectVersion = 4.6.2\n",
        "src/main/java/p/Cli.java": "package p;\n\npublic class Cli {}\n",
        "src/test/java/p/CliTest.java": "package p;\n\nimport org.junit.Test;\n\n"
        "public class CliTest {\n  @Test public void a() {}\n}\n",
    }
    facts = analyse(write(tmp_path, files), name="cli")
    assert facts.version == "4.6.2" and facts.description == "Command line parsing for Java."
    assert facts.tests.commands == ["gradle test"]
    assert facts.dev_dependencies == ["junit"]


def test_automake_tests_in_a_subdirectory_are_run_by_make_check(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "configure.ac": "AC_INIT([sh], [1.4.0])\n",
        "Makefile.am": "SUBDIRS = src\n",
        "src/Makefile.am": "SUBDIRS = tests\nbin_PROGRAMS = sh\nsh_SOURCES = sh.c\n",
        "src/sh.c": "int main(void) { return 0; }\n",
        "src/tests/Makefile.am": "e2e = hello.test \\\n\tresize.test\nTESTS = $(e2e) unit\n",
        "src/tests/hello.test": "#!/bin/sh\n./sh hello\n",
        "src/tests/resize.test": "#!/bin/sh\n./sh resize\n",
        "src/tests/unit.c": "int main(void) { return 0; }\n",
    }
    tests = analyse(write(tmp_path, files), name="sh").tests
    assert tests.commands[:1] == ["make check"] and tests.files == 3


def test_a_c_typedef_that_renames_a_type_is_not_a_key_idea(tmp_path: Path) -> None:
    header = (
        "typedef unsigned int uInt;\ntypedef unsigned char Byte;\n"
        "typedef struct stream_s {\n    Byte *next_in;\n    uInt avail_in;\n} stream_t;\n"
        "int deflate(stream_t *strm, int flush);\n"
    )
    files: dict[str, str | bytes] = {"zip.h": header}
    for name in ("deflate", "inflate", "trees", "adler"):
        files[f"{name}.c"] = (
            '#include "zip.h"\n'
            f"uInt {name}_size(Byte *b, uInt n) {{ Byte c = b[0]; return n + c; }}\n"
        )
    files["deflate.c"] += "int deflate(stream_t *strm, int flush) { return flush; }\n"
    files["inflate.c"] += "int inflate(stream_t *strm) { return deflate(strm, 0); }\n"
    facts = analyse(write(tmp_path, files), name="z")
    ideas = [s.name for s in facts.key_symbols]
    assert ideas.index("stream_t") < ideas.index("uInt")
    assert ideas.index("stream_t") < ideas.index("Byte")


def test_the_first_test_to_read_is_neither_a_helper_header_nor_a_fuzzer(tmp_path: Path) -> None:
    helpers = "".join(f"static int check_{n}(int x) {{ return x; }}\n" for n in range(9))
    files: dict[str, str | bytes] = {
        "json.c": "int parse(const char *s) { return s[0]; }\n",
        "tests/helpers.h": helpers,
        "tests/parse_fuzz_test.c": "int parse(const char *s);\n" + helpers.replace("check", "f"),
        "tests/parse_test.c": 'int parse(const char *s);\nint main(void) { return parse("1"); }\n',
        "contrib/wrap/wrap_test.cpp": "int parse(const char *s);\n" + helpers,
    }
    tests = analyse(write(tmp_path, files), name="json").tests
    assert tests.example_file == "tests/parse_test.c"


@pytest.mark.parametrize(("expose", "kind"), [("", "cli"), ("EXPOSE 8080\n", "service")])
def test_an_image_serves_when_it_opens_a_port(tmp_path: Path, expose: str, kind: str) -> None:
    files = {
        "go.mod": "module example.org/tail\n\ngo 1.21\n",
        "main.go": 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("x")\n}\n',
        "Dockerfile": f'FROM scratch\nCOPY tail /tail\n{expose}ENTRYPOINT ["/tail"]\n',
    }
    root = write(tmp_path / "repo", files)
    # A container that runs a command-line tool serves nothing.
    assert analyse(root, name="tail").kind == kind


_COBRA_MAIN = """package main

import "github.com/spf13/cobra"

var rootCmd = &cobra.Command{
	Use:  "shelf [DIR]",
	Short: "List a shelf",
	RunE: listShelf,
}

var dustCmd = &cobra.Command{
	Use: "dust",
	RunE: func(cmd *cobra.Command, args []string) error {
		return sweepShelf(args)
	},
}

func listShelf(cmd *cobra.Command, args []string) error {
	books := readBooks(args)
	return printBooks(books)
}

func readBooks(args []string) []string {
	found := []string{}
	return append(found, args...)
}

func printBooks(books []string) error {
	_ = books
	return nil
}

func sweepShelf(args []string) error {
	_ = args
	return nil
}

func main() {
	rootCmd.AddCommand(dustCmd)
	_ = rootCmd.Execute()
}
"""


def test_go_command_tables_declare_commands_and_their_handlers(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/shelf\n",
        "cmd/shelf/main.go": _COBRA_MAIN,
    }
    facts = analyse(write(tmp_path, files), name="shelf")
    assert [(r.detail, r.name) for r in facts.roles.commands] == [
        ("shelf", "listShelf"),
        ("dust", "func"),
    ]
    told = " ".join(p for c in write_script(facts).chapters for p in c.paragraphs)
    # The program's own (root) command is the program, which the entry point names; it is
    # toured first, through its named handler.
    assert "It offers 1 command-line command: `dust`." in told
    assert "Take the `shelf` command: `listShelf` in `cmd/shelf/main.go` handles it" in told


def test_a_go_command_written_in_place_is_told_as_a_function_literal(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/shelf\n",
        "main.go": _COBRA_MAIN.replace("RunE: listShelf,", "Run: nil,"),
    }
    facts = analyse(write(tmp_path, files), name="shelf")
    told = " ".join(p for c in write_script(facts).chapters for p in c.paragraphs)
    # The handler's first call follows in the same sentence.
    assert re.search(
        r"Take the `dust` command: a function literal in `main.go` handles it, "
        r"and (calls|hands the work to|goes on to) `sweepShelf`",
        told,
    )


def test_a_go_framework_s_own_command_type_declares_no_commands(tmp_path: Path) -> None:
    source = (
        "package cli\n\ntype Command struct{ Name string; Action func() }\n\n"
        'func Help() *Command {\n\treturn &Command{Name: "help", Action: show}\n}\n\n'
        "func show() {}\n"
    )
    files: dict[str, str | bytes] = {"go.mod": "module example.com/cli\n", "cli.go": source}
    assert analyse(write(tmp_path, files), name="cli").roles.commands == []


def test_a_urfave_cli_command_is_named_by_its_name_and_made_or_hidden_ones_are_not() -> None:
    source = (
        'package main\n\nvar serve = &cli.Command{Name: "serve", Usage: "x", Action: run}\n'
        'var vet = &cli.Command{Name: "vet", Action: tool("go", "vet")}\n'
        "var bad = &cli.Command{Name: shell, Action: run}\n"
        'var man = &cobra.Command{Use: "man", Hidden: true, RunE: run}\n'
    )
    syntax = parse_source("main.go", "Go", source.encode())
    assert syntax is not None and syntax.commands == [("serve", "run", 3, 3)]


def test_a_go_program_is_named_for_its_cmd_folder_or_its_module(tmp_path: Path) -> None:
    main = "package main\n\nfunc main() { run() }\n\nfunc run() {\n\tprintln(1)\n}\n"
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/tracer\n",
        "cmd/trc/main.go": main,
    }
    facts = analyse(write(tmp_path / "a", files), name="tracer")
    assert [(e.kind, e.name, e.path) for e in facts.entry_points] == [
        ("executable", "trc", "cmd/trc/main.go")
    ]
    at_top: dict[str, str | bytes] = {"go.mod": "module example.com/tracer/v2\n", "main.go": main}
    facts = analyse(write(tmp_path / "b", at_top), name="tracer")
    assert [(e.kind, e.name) for e in facts.entry_points] == [("executable", "tracer")]
    told = " ".join(p for c in write_script(facts).chapters for p in c.paragraphs)
    # The run from its `main` carries on the sentence that names the entry point.
    assert "The entry point is the executable `tracer`, built from `main.go`" in told


def test_a_changelog_behind_the_go_module_s_major_version_gives_no_release(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/router/v3\n",
        "router.go": "package router\n\nfunc Route() int { return 1 }\n",
        "CHANGELOG.md": "# Changelog\n\n## 2.4.0 (2021-03-01)\n\n- Faster.\n",
    }
    assert analyse(write(tmp_path / "a", files), name="router").release is None
    files["CHANGELOG.md"] = "# Changelog\n\n## v3.1.0 (2024-03-01)\n\n- Faster.\n"
    release = analyse(write(tmp_path / "b", files), name="router").release
    assert release is not None and release.version == "3.1.0"


def test_a_go_command_s_handler_may_live_in_another_file_of_its_package(tmp_path: Path) -> None:
    root = (
        'package cmd\n\nimport "github.com/spf13/cobra"\n\n'
        'var serveCmd = &cobra.Command{Use: "serve", RunE: serve}\n'
    )
    serve = (
        "package cmd\n\nfunc serve(cmd *cobra.Command, args []string) error {\n"
        "\treturn listen(args)\n}\n\nfunc listen(args []string) error {\n"
        "\t_ = args\n\treturn nil\n}\n"
    )
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/srv\n",
        "main.go": 'package main\n\nimport "example.com/srv/cmd"\n\nfunc main() { cmd.Run() }\n',
        "cmd/root.go": root,
        "cmd/serve.go": serve,
        "cmd/run.go": "package cmd\n\nfunc Run() {\n\t_ = serveCmd.Execute()\n}\n",
    }
    told = " ".join(
        p
        for c in write_script(analyse(write(tmp_path, files), name="srv")).chapters
        for p in c.paragraphs
    )
    assert "Take the `serve` command: `serve` in `cmd/serve.go` handles it" in told


def test_each_element_of_a_go_command_table_is_a_command() -> None:
    source = (
        "package main\n\nvar app = &cli.App{\n\tCommands: []*cli.Command{\n"
        '\t\t{Name: "add", Action: func(c *cli.Context) error { return add(c) }},\n'
        '\t\t{Name: "rm", Action: remove},\n\t},\n}\n\n'
        'var legacy = []cli.Command{{Name: "ls", Action: list}}\n'
    )
    syntax = parse_source("main.go", "Go", source.encode())
    assert syntax is not None
    assert syntax.commands == [("add", None, 5, 5), ("rm", "remove", 6, 6), ("ls", "list", 10, 10)]


def test_sample_inputs_of_the_tests_do_not_say_how_tests_run(tmp_path: Path) -> None:
    files = {
        "Cargo.toml": '[package]\nname = "count"\nversion = "1.0.0"\n',
        "src/lib.rs": "pub fn count() -> usize {\n    1\n}\n",
        "tests/count.rs": "#[test]\nfn counts() {\n    assert_eq!(count::count(), 1);\n}\n",
        # A sample the line counter is tested on, in a folder of inputs.
        "tests/data/sample.go": 'package main\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n',
    }
    root = write(tmp_path / "repo", files)
    tests = analyse(root, name="count").tests
    assert tests.commands == ["cargo test"]  # no `go test ./...` without a go.mod
    assert "Go's testing package" not in tests.frameworks


def test_a_c_library_with_a_switch_a_version_header_and_one_test_program(tmp_path: Path) -> None:
    files = {
        "CMakeLists.txt": (
            'project(redis_client)\noption(ENABLE_SSL "Build SSL support" OFF)\n'
            "find_package(Threads)\nif(ENABLE_SSL)\n  find_package(OpenSSL REQUIRED)\nendif()\n"
        ),
        "client.h": "#define CLIENT_MAJOR 1\n#define CLIENT_MINOR 5\n#define CLIENT_PATCH 0\n"
        "int client_connect(void);\n",
        "client.c": '#include "client.h"\nint client_connect(void) {\n  return 0;\n}\n',
        "test.c": '#include "client.h"\nint main(void) {\n  return client_connect();\n}\n',
        "Makefile": "test: test.c\n\tcc test.c client.c -o t && ./t\n",
    }
    root = write(tmp_path / "repo", files)
    facts = analyse(root, name="client")
    # OpenSSL is found only when the ENABLE_SSL switch is on: a feature, not a need.
    assert facts.dependencies == ["Threads"] and facts.optional_dependencies == ["OpenSSL"]
    assert facts.version == "1.5.0"  # CLIENT_MAJOR, CLIENT_MINOR, CLIENT_PATCH
    assert facts.tests.files == 1 and facts.tests.commands[0] == "make test"


def test_a_go_mod_without_a_module_path_names_nothing() -> None:
    from codestory.analysis.manifests import parse_go_mod

    # The module line is cut short: the next line's word is no module path.
    assert parse_go_mod("go.mod", "module\nrequire (\n").name is None
    assert parse_go_mod("go.mod", "module example.org/x/v2\n").name is not None


def test_the_module_with_most_code_speaks_for_dependencies_even_when_it_needs_none(
    tmp_path: Path,
) -> None:
    """A build whose core module needs nothing is not told by a side module's list."""
    pom = (
        "<project><modelVersion>4.0.0</modelVersion><groupId>org.x</groupId>"
        "<artifactId>{name}</artifactId><version>1.0</version>{deps}</project>"
    )
    needs = (
        "<dependencies><dependency><groupId>org.y</groupId><artifactId>helper</artifactId>"
        "<version>2.0</version></dependency></dependencies>"
    )
    body = "".join(
        f"    public int f{i}(int x) {{\n        return x + {i};\n    }}\n" for i in range(60)
    )
    root = write(
        tmp_path / "repo",
        {
            "pom.xml": pom.format(
                name="parent", deps="<modules><module>core</module><module>ext</module></modules>"
            ),
            "core/pom.xml": pom.format(name="core", deps=""),
            "core/src/main/java/org/x/Core.java": (
                f"package org.x;\n\npublic class Core {{\n{body}}}\n"
            ),
            "ext/pom.xml": pom.format(name="ext", deps=needs),
            "ext/src/main/java/org/x/Ext.java": (
                "package org.x;\n\npublic class Ext {\n    public int g() {\n        return 1;\n"
                "    }\n}\n"
            ),
        },
    )
    facts = analyse(root, name="repo")
    assert facts.dependencies == [] and facts.dependencies_from is None


def test_a_rust_2015_use_path_starts_at_the_crate_root(tmp_path: Path) -> None:
    """`use config::Config` in src/cmd/cat.rs names src/config.rs (Rust 2015's paths)."""
    user = (
        "use config::{Config, Delimiter};\n\npub fn run(c: Config) -> Delimiter {{\n    c.d\n}}\n"
    )
    root = write(
        tmp_path / "repo",
        {
            "Cargo.toml": '[package]\nname = "cut"\nversion = "1.0.0"\n',
            "src/main.rs": "mod cmd;\nmod config;\n\nfn main() {}\n",
            "src/config.rs": "pub struct Config {\n    pub d: Delimiter,\n}\n"
            "pub struct Delimiter(u8);\n",
            "src/cmd/mod.rs": "pub mod cat;\npub mod cut;\npub mod sort;\n",
            **{
                f"src/cmd/{n}.rs": user.replace("{{", "{").replace("}}", "}")
                for n in ("cat", "cut", "sort")
            },
        },
    )
    facts = analyse(root, name="cut")
    assert facts.modules["src/config.rs"].importers >= 3
