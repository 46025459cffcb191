from __future__ import annotations

import re
from pathlib import Path

import pytest

from codestory.analysis import AnalysisError, analyse
from codestory.analysis.classify import FileKind, classify, holdings
from codestory.analysis.comments import describe, restates_name
from codestory.analysis.manifests import automake_tests, make_targets, parse_manifest
from codestory.analysis.readme import summarise_readme
from codestory.analysis.resolve import normalise
from codestory.analysis.syntax import parse_source
from codestory.narrative.template import write_script
from tests.support import SAMPLE_PROJECT
from tests.support import write_files as write
from tests.truth.checker import sentences


def test_sample_project_facts(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path, SAMPLE_PROJECT), name="checkout")
    assert facts.name == "tally"  # the declared name beats the directory's
    assert facts.languages[0].name == "Python"
    kinds = {a.path: a.kind for a in facts.areas}
    assert kinds["src"] is FileKind.SOURCE and kinds["tests"] is FileKind.TEST
    manifest = next(m for m in facts.manifests if m.path == "pyproject.toml")
    assert manifest.dependencies == ["click", "rich"]
    script = facts.entry_points[0]
    assert (script.kind, script.name, script.path, script.symbol) == (
        "console script",
        "tally",
        "src/tally/cli.py",
        "main",
    )
    assert facts.readme is not None and facts.readme.title == "Tally"
    assert facts.description and facts.description.startswith("Tally counts words")
    assert facts.tests.files == 1 and facts.tests.directories == ["tests"]
    assert facts.tests.frameworks == ["pytest"] and facts.tests.commands[0] == "pytest"
    assert facts.ci == ["GitHub Actions"]
    assert facts.make_targets == ["test", "lint"]
    counting = facts.modules["src/tally/counting.py"]
    assert counting.importers == 2  # cli and report; the test does not make a hub
    assert counting.doc == "Word counting: split text into words and count them."
    assert counting.definitions == ["WordCounter", "count_words"]
    assert counting.lines == 11  # a final newline does not start another line
    # main -> render -> count_words, across three files, from the console script
    assert [(s.name, s.path) for s in facts.control_paths[0]] == [
        ("main", "src/tally/cli.py"),
        ("render", "src/tally/report.py"),
        ("count_words", "src/tally/counting.py"),
    ]


def test_relative_imports_in_a_src_layout_are_counted(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"src/pkg/__init__.py": "", "src/pkg/core.py": "X = 1\n"}
    files |= {f"src/pkg/m{i}.py": "from .core import X\n" for i in range(6)}
    files |= {f"src/pkg/sub/n{i}.py": "from ..core import X\n" for i in range(6)}
    files["src/pkg/sub/__init__.py"] = ""
    facts = analyse(write(tmp_path, files), name="pkg")
    assert facts.modules["src/pkg/core.py"].importers == 12


def test_relative_and_javascript_imports_are_followed(tmp_path: Path) -> None:
    facts = analyse(
        write(
            tmp_path,
            {
                "pkg/__init__.py": "",
                "pkg/core.py": "X = 1\n",
                "pkg/a.py": "from . import core\n",
                "pkg/b.py": "from .core import X\n",
                "web/util.js": "export function f() {}\n",
                "web/app.js": "import { f } from './util'\n",
                "web/page.js": "const u = require('./util.js')\n",
                "ts/core.ts": "export const a = 1\n",
                "ts/main.ts": "import { a } from './core.js'\n",
            },
        ),
        name="mixed",
    )
    assert facts.modules["pkg/core.py"].importers == 2
    assert facts.modules["web/util.js"].importers == 2
    assert facts.modules["ts/core.ts"].importers == 1  # `.js` in TypeScript names the .ts file


def test_tests_examples_and_vendored_code_are_told_apart(tmp_path: Path) -> None:
    facts = analyse(
        write(
            tmp_path,
            {
                "lib/core.js": "/*! Copyright (c) 2020 Someone. MIT License */\n"
                "/** Core routines. */\nexport function run() {}\n",
                "lib/vendor/jquery.js": "function $() {}\n",
                "static/app.min.js": "var a=" + "1+" * 400 + "1;\n",
                "examples/demo.js": "import { run } from '../lib/core.js'\nrun()\n",
                "test/core.js": "describe('x', () => {})\n",
                "package.json": '{"name": "x", "devDependencies": {"mocha": "1"},'
                ' "scripts": {"test": "mocha"}}',
            },
        ),
        name="x",
    )
    assert facts.kinds == {"source": 1, "vendored": 1, "minified": 1, "example": 1, "test": 1}
    assert facts.modules["lib/core.js"].doc is None  # a licence header is not a description
    assert facts.tests.files == 1 and facts.tests.frameworks == ["Mocha"]
    assert facts.tests.commands == ["npm test"]


def test_rust_inline_tests_and_go_tests_beside_code_count(tmp_path: Path) -> None:
    rust = analyse(
        write(
            tmp_path / "r",
            {
                "Cargo.toml": '[package]\nname = "r"\nversion = "1.0.0"\n'
                '[dev-dependencies]\nx = "1"\n',
                "src/lib.rs": "/// Adds.\npub fn add() {}\n#[cfg(test)]\nmod tests {\n"
                "    #[test]\n    fn works() {}\n}\n",
                # Tests written by a macro: only the module's `cfg(test)` is an attribute.
                "src/owner.rs": "pub fn own() {}\n#[cfg(test)]\nmod tests {\n"
                "    macro_rules! owner_tests { () => { #[test] fn t() {} }; }\n"
                "    owner_tests! {}\n}\n",
            },
        ),
        name="r",
    )
    assert rust.tests.exist and rust.tests.inline_test_files == 2
    assert rust.tests.commands == ["cargo test"] and rust.dev_dependencies == ["x"]
    go = analyse(
        write(
            tmp_path / "g",
            {
                "go.mod": "module example.com/g\n",
                "g.go": "// Package g greets.\npackage g\n",
                "g_test.go": "package g\n",
            },
        ),
        name="g",
    )
    assert go.tests.files == 1 and go.tests.beside_code == 1
    assert go.tests.commands[0] == "go test ./..."


def test_skips_vendored_and_generated_folders(tmp_path: Path) -> None:
    facts = analyse(
        write(
            tmp_path,
            {
                "main.go": "package main\nfunc main() {}\n",
                "node_modules/x/i.js": "x",
                ".venv/lib/y.py": "y",
            },
        ),
        name="go",
    )
    assert facts.total_files == 1
    assert facts.entry_points[0].path == "main.go"


def test_empty_repository_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="empty") as info:
        analyse(tmp_path, name="empty")
    assert info.value.error_type == "no_source"


def test_binary_only_repository_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"blob.bin": b"\x00\x01\x02" * 100, "image.png": b"\x89PNG\x00\x00"})
    with pytest.raises(AnalysisError, match="only binary files"):
        analyse(tmp_path, name="binary")


def test_docs_only_repository_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "# Notes\n\nJust notes.\n", "data.json": "{}"})
    with pytest.raises(AnalysisError, match="no source code"):
        analyse(tmp_path, name="docs")


def test_limits_are_enforced(tmp_path: Path) -> None:
    write(tmp_path, {f"m{i}.py": "x = 1\n" for i in range(12)})
    with pytest.raises(AnalysisError, match="more than 10 files") as info:
        analyse(tmp_path, name="big", max_files=10)
    assert info.value.error_type == "repository_too_large"
    with pytest.raises(AnalysisError, match="larger than"):
        analyse(tmp_path, name="big", max_bytes=20)


def test_readme_summary_skips_badges_and_code() -> None:
    summary = summarise_readme(
        "README.md",
        "# Proj\n\n[![ci](x)](y)\n\n```\ncode here.\n```\n\nProj does **one** thing. "
        "It does it [well](http://x).\n\nMore text.\n",
    )
    assert summary.title == "Proj"
    assert summary.summary == "Proj does one thing. It does it well."


def test_an_rst_readme_reads_named_references_as_words_and_leaves_a_list_lead_in() -> None:
    text = (
        "Parser README\n=============\n\nParser_ is a C library for encoding and "
        "decoding JSON data. Its main features are:\n\n- Simple API\n\n"
        ".. _Parser: https://example.org/parser/\n"
    )
    summary = summarise_readme("README.rst", text).summary
    assert summary == "Parser is a C library for encoding and decoding JSON data."


def test_a_readme_opening_with_its_banner_is_described_by_the_banner_words() -> None:
    text = (
        "[![Fast JSON for C++](docs/json.gif)](https://example.org)\n\n"
        "[![CI](ci.svg)](https://ci.example.org)\n\n## Design goals\n\n"
        "There are myriads of libraries out there. Ours had these goals:\n\n"
        "- **Speed**. It is fast enough for most uses.\n\n## Support\n\n"
        "See the contribution guidelines for more information.\n"
    )
    assert summarise_readme("README.md", text).summary == "Fast JSON for C++"
    logo = "![The project logo](logo.png)\n\n## About\n\nSee the guide for more on this.\n"
    assert summarise_readme("README.md", logo).summary == "See the guide for more on this."


def test_readme_summary_passes_over_notices_and_prefers_what_the_project_is() -> None:
    """viper's shape: an announcement in a quote with its own heading, a bold tagline, a
    paragraph leading into a list of users, and the definition two sections down."""
    text = (
        "> ## Version 2 feedback\n>\n> We would love to hear what you would like to see in "
        "the next version. Share your thoughts here:\n\n"
        "> [!NOTE]\n> Support for the old file format ends next year, please do migrate.\n\n"
        "**Configuration with fangs!**\n\n"
        "Many projects of all sizes are built using Viper including:\n\n* Hugo\n* Vitess\n\n"
        "## Install\n\n```\ngo get example.com/viper\n```\n\n"
        "## Why use Viper?\n\nViper is a complete configuration solution for applications. "
        "It can handle all types of configuration needs.\n"
    )
    summary = summarise_readme("README.md", text, "viper")
    assert summary.summary == (
        "Viper is a complete configuration solution for applications. "
        "It can handle all types of configuration needs."
    )
    assert summary.title is None  # neither the notice's heading nor a later section's
    # Without a paragraph that defines it, the tagline before the first section.
    unnamed = summarise_readme("README.md", text.replace("Viper is", "This library is"))
    assert unnamed.summary == "Configuration with fangs!"
    # cJSON's shape: a short tagline under the title; its licence paragraph is no
    # description, nor is a row of links or a licence line under the title (clap's).
    cjson = (
        "# cJSON\n\nUltralightweight JSON parser in ANSI C.\n\n## License\n\n"
        "Copyright (c) 2009-2017 Dave Gamble and cJSON contributors.\n"
    )
    assert summarise_readme("README.md", cjson, "cJSON").summary == (
        "Ultralightweight JSON parser in ANSI C."
    )
    clap = (
        "# clap\n\n[Docs](d) • [Examples](e) • [Chat](c)\n\n"
        "Dual-licensed under [Apache 2.0](A) or [MIT](M).\n\n## About\n\n"
        "Create your command-line parser, with all of the bells and whistles.\n"
    )
    assert summarise_readme("README.md", clap, "clap").summary == (
        "Create your command-line parser, with all of the bells and whistles."
    )
    # A quote that is the description (no notice word, no heading) still counts.
    quoted = summarise_readme("README.md", "# q\n\n> q reads and writes quaint files fast.\n")
    assert quoted.summary == "q reads and writes quaint files fast."


def test_type_tests_are_tests_and_their_commands_are_not_the_projects(tmp_path: Path) -> None:
    """commander's shape: tsd type tests (`index.test-d.ts`) call `.command('exec')`."""
    assert classify("typings/index.test-d.ts", "") is FileKind.TEST
    assert classify("src/index.ts", "") is FileKind.SOURCE
    # A folder named for its tests with a dot (`manual.test/`) holds tests too.
    assert classify("manual.test/load/run.js", "") is FileKind.TEST
    assert classify("testsuite/parse.c", "") is FileKind.TEST
    # A script that generates the build's tables is tooling; `test.py` is a test script.
    assert classify("re/make_unicode_groups.py", "") is FileKind.TOOLING
    assert classify("test.py", "") is FileKind.TEST
    assert classify("src/unittests/ParseTest.cpp", "") is FileKind.TEST
    facts = analyse(
        write(
            tmp_path,
            {
                "package.json": '{"name": "cmdr", "main": "index.js"}',
                "index.js": "class Command {\n  command(name) { return new Command(); }\n}\n"
                "module.exports = { Command };\n",
                "typings/index.d.ts": "export declare class Command {}\n",
                "typings/index.test-d.ts": "import { Command } from '.';\n"
                "const program = new Command();\nprogram.command('exec');\n",
                "tests/command.test.js": "import { test } from 'node:test';\n"
                "import { Command } from '../index.js';\n"
                "test('makes one', () => new Command());\n",
            },
        ),
        name="cmdr",
    )
    assert facts.roles.commands == []
    # Node's own runner, seen in the imports: no package declares it.
    assert facts.tests.frameworks == ["Node's built-in test runner"]


def test_a_whole_project_copied_into_the_tests_is_someone_elses_code(tmp_path: Path) -> None:
    """cJSON's shape: the Unity test framework, with its own README, src and tests, copied
    into `tests/unity`; its files are not cJSON's tests or its Ruby."""
    facts = analyse(
        write(
            tmp_path,
            {
                "README.md": "# cJSON\n\nUltralightweight JSON parser in ANSI C.\n",
                "cJSON.c": '#include "cJSON.h"\n\nint cJSON_Parse(void) { return 0; }\n',
                "cJSON.h": "int cJSON_Parse(void);\n",
                "tests/parse_number.c": '#include "unity/src/unity.h"\n\nint main(void) '
                "{ return 0; }\n",
                "tests/unity/README.md": "Unity Test\n==========\n\nA test framework for C.\n",
                "tests/unity/src/unity.c": "int UnityBegin(void) { return 0; }\n",
                "tests/unity/src/unity.h": "int UnityBegin(void);\n",
                "tests/unity/test/tests/testunity.c": "int main(void) { return 0; }\n",
                "tests/unity/auto/generate_test_runner.rb": "puts 'runner'\n",
            },
        ),
        name="cjson",
    )
    assert facts.kinds["vendored"] == 4
    assert {a.path: a.kind for a in facts.areas}["tests"] is FileKind.TEST
    assert facts.tests.files == 1 and facts.tests.example_file == "tests/parse_number.c"
    assert [share.name for share in facts.languages] == ["C"]


def test_manifests_parse_or_degrade() -> None:
    node = parse_manifest(
        "package.json", '{"name": "w", "dependencies": {"react": "1"}, "bin": {"w": "x.js"}}'
    )
    assert node and node.dependencies == ["react"] and node.executables == {"w": "x.js"}
    broken = parse_manifest("pyproject.toml", "[project\nname=")
    assert broken and broken.kind == "pyproject.toml (unreadable)"
    assert parse_manifest("notes.txt", "x") is None
    go = parse_manifest("go.mod", "module example.com/x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n)\n")
    assert go and go.name == "example.com/x" and go.dependencies == ["github.com/a/b"]
    assert make_targets(".PHONY: a\na: b\nb:\n\tx\nVAR := 1\n") == ["a", "b"]


def test_docs_tooling_does_not_speak_for_the_code(tmp_path: Path) -> None:
    """jq's shape: C code, no root manifest, a Ruby Gemfile that builds the documentation."""
    facts = analyse(
        write(
            tmp_path,
            {
                "README.md": "jq\n==\n\njq is a lightweight and flexible command-line JSON "
                "processor.\n",
                "src/main.c": "int main(void) { return 0; }\n",
                "docs/Gemfile": "gem 'rake'\ngem 'ronn'\n",
            },
        ),
        name="jq-jq-1.6",
    )
    assert facts.name == "jq"  # a short README title beats the checkout's name
    assert facts.dependencies == []
    assert facts.description == "jq is a lightweight and flexible command-line JSON processor."


def test_facts_do_not_depend_on_hash_order(tmp_path: Path) -> None:
    """Two worker processes (different hash seeds) must tell the same story."""
    import json
    import os
    import subprocess
    import sys

    files: dict[str, str | bytes] = dict(SAMPLE_PROJECT)
    files |= {
        f"src/tally/cmd{i}.py": f"@cli.command('c{i}')\ndef c{i}():\n    pass\n" for i in range(8)
    }
    write(tmp_path, files)
    program = (
        "import sys; from pathlib import Path; from codestory.analysis import analyse; "
        "print(analyse(Path(sys.argv[1]), name='t').model_dump_json())"
    )
    dumps = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", program, str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        dumps.append(json.loads(result.stdout))
    assert len(dumps[0]["roles"]["commands"]) == 8
    assert dumps[0] == dumps[1] == dumps[2]


def test_java_classes_of_one_package_use_each_other_without_imports(tmp_path: Path) -> None:
    package = "src/main/java/com/example/text"  # a package name (Spring's default), not examples
    root = write(
        tmp_path / "repo",
        {
            "pom.xml": "<project><artifactId>text</artifactId></project>",
            f"{package}/Strings.java": (
                "package com.example.text;\n\n"
                "/** Helpers for strings. */\npublic class Strings {\n"
                "    /** Whether it is empty. */\n"
                "    public static boolean isEmpty(String s) { return s == null; }\n"
                "    /** Whether it is empty, trimmed. */\n"
                "    public static boolean isEmpty(String s, boolean trim) { return s == null; }\n"
                "}\n"
            ),
            **{
                f"{package}/User{i}.java": (
                    f"package com.example.text;\n\npublic class User{i} {{\n"
                    f"    public boolean check(String s) {{ return Strings.isEmpty(s); }}\n}}\n"
                )
                for i in range(3)
            },
        },
    )
    facts = analyse(root, name="text")
    by_name = {(s.name, s.path.rsplit("/", 1)[-1]): s for s in facts.key_symbols}
    assert by_name[("Strings", "Strings.java")].used_by == 3  # through its static method
    assert by_name[("Strings.isEmpty", "Strings.java")].used_by == 3
    assert [s.name for s in facts.key_symbols].count("Strings.isEmpty") == 1  # overloads: one


def test_go_types_count_as_used_where_they_are_named(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "go.mod": "module example.org/tool\n\ngo 1.21\n",
            "shape/shape.go": (
                "package shape\n\n// Shape is anything with an area.\n"
                "type Shape struct {\n\tName string\n}\n"
            ),
            "shape/square.go": "package shape\n\nfunc Square() *Shape {\n\treturn &Shape{}\n}\n",
            "main.go": (
                'package main\n\nimport "example.org/tool/shape"\n\n'
                "func main() {\n\tvar s shape.Shape\n\t_ = s\n}\n"
            ),
        },
    )
    facts = analyse(root, name="tool")
    shape = next(s for s in facts.key_symbols if s.name == "Shape")
    assert shape.used_by == 2  # square.go in its package, main.go through the import
    assert shape.doc == "Shape is anything with an area."


def test_a_javascript_package_main_leads_to_what_it_exports(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "mini", "main": "index.js"}',
            "index.js": "'use strict';\n\nmodule.exports = require('./lib/mini');\n",
            "lib/mini.js": (
                "var helpers = require('./helpers');\n\n"
                "exports = module.exports = createApp;\n\n"
                "/** Make an app. */\nfunction createApp() {\n  return helpers.prepare();\n}\n"
            ),
            "lib/helpers.js": (
                "const { tidy } = require('./tidy');\n\n"
                "/** Get things ready. */\nfunction prepare() {\n  return tidy();\n}\n\n"
                "exports.prepare = prepare;\n"
            ),
            "lib/tidy.js": (
                "/** Put away. */\nfunction tidy() {\n  return 1;\n}\n\n"
                "module.exports = { tidy };\n"
            ),
        },
    )
    facts = analyse(root, name="mini")
    # index.js -> lib/mini.js's export, then an aliased require, then a destructured one
    assert [step.name for step in facts.control_paths[0]] == ["createApp", "prepare", "tidy"]


def test_a_commonjs_module_may_export_a_class_whole(tmp_path: Path) -> None:
    """`module.exports = class App {}`: the class is the package's, entered through the
    method a server is set to work with."""
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "web", "main": "lib/app.js"}',
            "lib/app.js": (
                "const Emitter = require('events')\n\n"
                "module.exports = class App extends Emitter {\n"
                "  listen (port) {\n    const handler = this.callback()\n"
                "    return serve(handler, port)\n  }\n\n"
                "  callback () {\n    const done = finish(this)\n    return done\n  }\n}\n\n"
                "function finish (app) {\n  app.emit('done')\n  return app\n}\n\n"
                "function serve (handler, port) {\n  return port\n}\n"
            ),
        },
    )
    facts = analyse(root, name="web")
    assert facts.library_entry is not None and facts.library_entry.name == "App"
    assert facts.control_paths[0][0].name == "App.listen"


def test_a_go_library_is_entered_through_its_central_type(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "go.mod": "module example.org/runner\n\ngo 1.21\n",
            "runner.go": (
                "package runner\n\n// Runner runs jobs.\ntype Runner struct {\n\tjobs int\n}\n\n"
                "// Run does the work.\nfunc (r *Runner) Run() int {\n"
                "\ttotal := r.count()\n\treturn total\n}\n\n"
                "func (r *Runner) count() int {\n\tn := r.jobs\n\treturn n\n}\n"
            ),
            "report.go": "package runner\n\nfunc Report(r *Runner) int {\n\treturn 1\n}\n",
            "other.go": "package runner\n\nfunc Other(r *Runner) int {\n\treturn 2\n}\n",
        },
    )
    facts = analyse(root, name="runner")
    assert facts.is_library
    assert [step.name for step in facts.control_paths[0]] == ["Runner.Run", "Runner.count"]


def test_a_folder_without_code_is_described_by_what_it_holds() -> None:
    signatures = ["sig/v1.5/jq-linux64.asc", "sig/v1.5/sha256sum.txt", "sig/jq-release.key"]
    assert holdings(signatures) == "release signatures and checksums"
    assert holdings(["assets/logo.png", "assets/icon.svg", "assets/notes.md"]) == "images"
    assert holdings(["misc/a.bin", "misc/b.png"]) == "files that are not code"


def test_automake_tests_are_read_across_continuation_lines() -> None:
    text = (
        "check_PROGRAMS = x\n"
        "TESTS = tests/jqtest tests/shtest \\\n\ttests/utf8test $(EXTRA)\n"
        "TESTS += tests/more\nNOT_TESTS = no\n"
    )
    assert automake_tests(text) == [
        "tests/jqtest",
        "tests/shtest",
        "tests/utf8test",
        "tests/more",
    ]


def test_a_file_the_parser_chokes_on_is_left_out_and_the_rest_is_told(tmp_path: Path) -> None:
    # An unterminated comment repeated a few hundred thousand times makes the JavaScript
    # parser take minutes; the per-file budget leaves it out.
    root = write(tmp_path / "repo", SAMPLE_PROJECT)
    (root / "src" / "tally" / "evil.js").write_text("function f(){}\n" + "/* a " * 200_000)
    facts = analyse(root, name="tally", processes=1, seconds_per_file=0.5)
    assert facts.skipped_files >= 1
    assert "src/tally/counting.py" in facts.modules


def test_a_name_that_is_not_utf8_is_skipped_not_fatal(tmp_path: Path) -> None:
    import os

    root = write(tmp_path / "repo", SAMPLE_PROJECT)
    odd = os.path.join(os.fsencode(root / "src" / "tally"), b"caf\xe9.py")
    with open(odd, "wb") as handle:
        handle.write(b"def odd():\n    return 1\n")
    facts = analyse(root, name="tally", processes=1)
    assert facts.skipped_files >= 1
    facts.model_dump_json()  # every path in the facts can be written as UTF-8


def test_an_analysis_stops_when_asked(tmp_path: Path) -> None:
    from codestory.analysis import AnalysisStoppedError

    root = write(tmp_path / "repo", SAMPLE_PROJECT)
    with pytest.raises(AnalysisStoppedError):
        analyse(root, name="tally", processes=1, should_stop=lambda: True)


def test_a_comment_that_only_repeats_the_name_is_not_a_description() -> None:
    assert restates_name("InvalidArgumentError class.", "InvalidArgumentError")
    assert restates_name("Creates a new Command.", "Command")
    assert restates_name("The http_client module.", "http_client")
    assert not restates_name("Thrown when an argument is not valid.", "InvalidArgumentError")
    assert not restates_name("Command class, holding options and actions.", "Command")
    syntax = parse_source(
        "lib/error.js",
        "JavaScript",
        b"/** InvalidArgumentError class. */\nclass InvalidArgumentError {}\n"
        b"/** Thrown when a command is unknown. */\nclass UnknownCommandError {}\n",
    )
    assert syntax is not None
    assert [d.doc for d in syntax.definitions] == [None, "Thrown when a command is unknown."]


def test_a_docstring_that_opens_with_code_or_a_drawing_is_described_by_its_prose() -> None:
    example = 'url = URL("https://example.org/a")\n\nassert url.host == "example.org"\n'
    assert describe(example) is None
    assert describe(example + "\nThe parts of a URL.\n") == "The parts of a URL."
    drawing = "\nOur exception hierarchy:\n\n* HTTPError\n  x RequestError\n    + Timeout\n"
    assert describe(drawing) == "Our exception hierarchy."
    # An opening that points at the drawing or list after it is no description without it.
    assert describe("The components of a URL are broken down like this:\n\n[scheme] [host]") is None
    assert describe("It works as follows.\n\n1. read\n2. write") is None
    assert describe("Options are shown below:\n\n- a\n- b") is None
    assert describe("A worker is responsible for:\n\n- launching\n- waiting") is None
    # `{@code <body>}` names an element; the HTML tags around it go, its word stays.
    assert describe("Get this document's {@code <body>} or {@code <frameset>} element.") == (
        "Get this document's body or frameset element."
    )
    # A clause whose rest went to the tags below it ends where it stops.
    assert describe("Initialize `Route` with the given `path`,\n\n@param {String} path") == (
        "Initialize Route with the given path."
    )
    assert (
        describe("Parses headers like a browser would.") == "Parses headers like a browser would."
    )
    assert describe("/**\n * Builds things.\n *\n * More about it.\n */") == "Builds things."
    # A version-control keyword line says which revision, not what the file is.
    assert describe("/* $Id: tree.h,v 1.13 2011/07/09 00:19:45 alice Exp $ */") is None
    box = "/*****\\\n * Note on the docs: they are online.   *\n\\*****/"
    assert describe(box) == "Note on the docs: they are online."
    assert describe("Returns the value.\n\nx = 1") == "Returns the value."


def test_a_maven_build_of_modules_is_told_by_its_core(tmp_path: Path) -> None:
    """Gson's shape: an aggregator POM named "... Parent", a core module whose tests
    outnumber its code, modules of tests named test-*, and benchmarks with main methods."""

    def pom(name: str, deps: str = "") -> str:
        return (
            f"<project><artifactId>{name}</artifactId><name>{name}</name>"
            f"<dependencies>{deps}</dependencies></project>"
        )

    dep = "<dependency><artifactId>{}</artifactId></dependency>"
    java = "package org.demo;\n\n/** {doc} */\npublic class {name} {{\n{body}}}\n"
    main = "  public static void main(String[] args) {}\n"
    files = {
        "README.md": "# Demo\n\nDemo is a library for turning objects into text.\n",
        "pom.xml": "<project><artifactId>demo-parent</artifactId><name>Demo Parent</name>"
        "<modules><module>core</module></modules></project>",
        "core/pom.xml": pom("demo", dep.format("annotations")),
        "extras/pom.xml": pom("demo-extras", dep.format("demo") + dep.format("jsr250-api")),
        "extras/src/main/java/org/demo/Extra.java": java.format(
            doc="Extra adapters.", name="Extra", body=""
        ),
        "metrics/src/main/java/org/demo/ParseBenchmark.java": java.format(
            doc="Times parsing.", name="ParseBenchmark", body=main
        ),
        "test-shrinker/src/main/java/org/demo/Kept.java": java.format(
            doc="A class the shrinker must keep.", name="Kept", body=main
        ),
    }
    for name in ("Writer", "Reader"):
        files[f"core/src/main/java/org/demo/{name}.java"] = java.format(
            doc=f"Turns objects into text: the {name.lower()}.", name=name, body=""
        )
    for index in range(5):
        files[f"core/src/test/java/org/demo/Case{index}Test.java"] = java.format(
            doc="A test.", name=f"Case{index}Test", body=""
        )
    # A module built on its own with one class and many tests is still a part of the code.
    files["proto/pom.xml"] = pom("demo-proto", dep.format("demo"))
    files["proto/src/main/java/org/demo/ProtoAdapter.java"] = java.format(
        doc="Protocol buffers support.", name="ProtoAdapter", body=""
    )
    for index in range(6):
        files[f"proto/src/test/java/org/demo/Proto{index}Test.java"] = java.format(
            doc="A test.", name=f"Proto{index}Test", body=""
        )
    facts = analyse(write(tmp_path, files), name="demo")
    kinds = {a.path: a.kind for a in facts.areas}
    assert facts.name == "Demo"
    assert kinds["core"] is FileKind.SOURCE  # 2 of 7 files are code, the rest its tests
    assert kinds["test-shrinker"] is FileKind.TEST
    assert kinds["proto"] is FileKind.SOURCE
    assert kinds["metrics"] is FileKind.BENCHMARK
    assert facts.entry_points == []  # a benchmark's or a test module's main is not a way in
    assert facts.dependencies == ["annotations"]  # the core module's, not extras'


def test_a_library_without_main_is_entered_by_what_index_js_hands_out(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "mini"}',
            "index.js": "module.exports = require('./lib/mini');\n",
            # Express's style: the doc comment one blank line above its function.
            "lib/mini.js": (
                "exports = module.exports = createApp;\n\n"
                "/**\n * Make an app.\n *\n * @api public\n */\n\nfunction createApp() {\n"
                "  var app = function() {};\n  app.init();\n  return app;\n}\n"
            ),
        },
    )
    facts = analyse(root, name="mini")
    entry = facts.library_entry
    assert entry is not None and (entry.path, entry.name) == ("lib/mini.js", "createApp")
    assert entry.doc == "Make an app."
    assert normalise("/./lib/mini") == "lib/mini" and normalise("//a/../b") == "b"


def test_a_parse_cut_off_by_its_budget_does_not_leak_into_the_next_file() -> None:
    from codestory.analysis.syntax import ParseTimeoutError, parse_source

    with pytest.raises(ParseTimeoutError):
        parse_source("evil.js", "JavaScript", b"function f(){}\n" + b"/* a " * 200_000, 0.2)
    after = parse_source("good.js", "JavaScript", b"function good() { return 1; }\n", 5.0)
    assert after is not None and [d.name for d in after.definitions] == ["good"]


def test_a_maven_layout_is_told_as_its_main_and_test_source_sets(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "pom.xml": "<project><artifactId>lib</artifactId></project>\n",
            "src/main/java/org/x/Lib.java": "package org.x;\n\npublic class Lib {}\n",
            "src/test/java/org/x/LibTest.java": "package org.x;\n\nclass LibTest {}\n",
            "src/site/index.md": "# Site\n",
        },
    )
    areas = {a.path: a.kind for a in analyse(root, name="lib").areas}
    assert areas == {"src/main": FileKind.SOURCE, "src/test": FileKind.TEST}


def test_the_analyser_version_follows_its_source(tmp_path: Path) -> None:
    """Cached facts are keyed by the analyser's own source: any change is a new version."""
    import shutil

    from codestory.analysis.facts import ANALYSER_VERSION
    from codestory.analysis.version import source_digest

    package = Path(__file__).resolve().parents[3] / "services" / "codestory" / "analysis"
    copy = Path(shutil.copytree(package, tmp_path / "analysis"))
    assert source_digest(copy) == ANALYSER_VERSION  # the same source, the same version
    readme = copy / "readme.py"
    readme.write_text(readme.read_text() + "\n# one more line\n")
    assert source_digest(copy) != ANALYSER_VERSION
    # An ecosystem model is part of the analyser too.
    fresh = Path(shutil.copytree(package, tmp_path / "again"))
    model = fresh / "ecosystems" / "go.py"
    model.write_text(model.read_text() + "\n# one more line\n")
    assert source_digest(fresh) != ANALYSER_VERSION


def test_a_description_is_not_cut_inside_an_abbreviation() -> None:
    doc = "Format a number of bytes like a human readable filesize (e.g. 10 kB). More here."
    assert describe(doc) == "Format a number of bytes like a human readable filesize (e.g. 10 kB)."
    assert describe("Split on commas, tabs, i.e. separators. Then join.") == (
        "Split on commas, tabs, i.e. separators."
    )


def test_naming_habits_of_a_control_path() -> None:
    from codestory.analysis.callgraph import does_work, implements, is_setup, is_side_step
    from codestory.analysis.syntax import Definition

    def named(name: str, lines: int = 20, parent: str | None = None) -> Definition:
        return Definition(name=name, kind="function", line=1, end_line=lines, parent=parent)

    # A wrapper and its implementation, as C, Go, Python and Java name them.
    assert implements("Execute", "ExecuteC") and implements("Execute", "execute")
    assert implements("item_get", "do_item_get") and implements("run", "_run")
    assert implements("parse", "parseImpl") and not implements("parse", "parseOptions")
    assert not implements("run", "runner_free")
    # Chores and short accessors are side steps; a long function named get_ is not.
    assert is_side_step(named("log_error")) and is_side_step(named("showUsage"))
    assert is_side_step(named("HasParent", lines=4)) and is_side_step(named("get_name", 3))
    assert not is_side_step(named("get_cosmetic_problems", lines=40))
    assert not is_side_step(named("process"))
    # Reading options and building state come before the work.
    assert is_setup(named("ParseOptions")) and is_setup(named("parse", parent="Options"))
    assert is_setup(named("luaL_newstate")) and not is_setup(named("jq_next"))
    assert does_work(named("runInteractive")) and not does_work(named("extractColor"))


def test_a_path_goes_where_the_work_is_not_into_options_or_chores(tmp_path: Path) -> None:
    helpers = "".join(
        f"def step{i}(x):\n    y = x + {i}\n    z = y * 2\n    return z\n\n" for i in range(4)
    )
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": (
                '[project]\nname = "tally"\nversion = "1.0"\n'
                '[project.scripts]\ntally = "tally.cli:main"\n'
            ),
            "tally/__init__.py": "",
            "tally/cli.py": (
                "from tally.options import parse_options\n"
                "from tally.engine import run_jobs\nfrom tally.report import log_error\n\n"
                "def main():\n    opts = parse_options()\n    log_error(opts)\n"
                "    return run_jobs(opts)\n"
            ),
            # Reading options is long work of its own, but it is not where the program works.
            "tally/options.py": "".join(
                f"def o{i}(x):\n    y = x\n    return o{i + 1}(y)\n\n" for i in range(8)
            )
            + "def o8(x):\n    y = x\n    return y\n\n"
            + "def parse_options():\n"
            + "".join(f"    a{i} = {i}\n" for i in range(60))
            + "    return o0(a1)\n",
            "tally/report.py": "def log_error(x):\n    print(x)\n    print(x)\n    return x\n",
            "tally/engine.py": (
                helpers + "def run_jobs(opts):\n    a = step0(opts)\n    b = step1(a)\n"
                "    b = step2(b)\n"
                "    return _run_jobs(b)\n\n"
                "def _run_jobs(b):\n    c = step2(b)\n    return step3(c)\n"
            ),
        },
    )
    facts = analyse(root, name="tally")
    names = [step.name for step in facts.control_paths[0]]
    # main -> run_jobs (not the options, not the chore) -> its implementation _run_jobs
    assert names[:3] == ["main", "run_jobs", "_run_jobs"], names


def test_a_go_import_is_named_by_its_package_clause(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "go.mod": "module example.org/tool\n\ngo 1.21\n",
            "main.go": (
                'package main\n\nimport (\n\t"example.org/tool/src"\n)\n\n'
                "func main() {\n\tcore.Run(3)\n}\n"
            ),
            "src/core.go": (
                "package core\n\n// Run does the work.\nfunc Run(n int) int {\n"
                "\tm := n + 1\n\treturn m\n}\n"
            ),
        },
    )
    facts = analyse(root, name="tool")
    assert [(s.name, s.path) for s in facts.control_paths[0]] == [
        ("main", "main.go"),
        ("Run", "src/core.go"),
    ]


def test_the_readme_examples_are_read_by_their_markup() -> None:
    from codestory.analysis.usage_example import example_blocks, read_examples

    markdown = (
        "# Tally\n\nInstall it:\n\n```sh\npip install tally\n```\n\n"
        "```python\n>>> import tally\n>>> tally.count_words('a b')\n2\n```\n\n"
        "```\nplain = tally.Counter()\n```\n"
    )
    blocks = example_blocks("README.md", markdown, "Python")
    # The shell block is skipped; the session loses its prompts and output; an unmarked
    # block is read in the project's language.
    assert [language for language, _ in blocks] == ["Python", "Python"]
    calls = [(c.qualifier, c.name) for c in read_examples(blocks)[0]]
    assert calls == [("tally", "count_words"), ("tally", "Counter")]
    rst = "Tally\n=====\n\nUse it::\n\n    import tally\n    tally.count_words(text)\n\nDone.\n"
    assert [
        (c.qualifier, c.name) for c in read_examples(example_blocks("README.rst", rst, "Python"))[0]
    ] == [("tally", "count_words")]


def test_a_rustdoc_fence_with_attributes_is_read_as_rust() -> None:
    from codestory.analysis.usage_example import example_blocks, read_examples

    # rustdoc's attributes follow the language after a comma; `text` is no code.
    markdown = (
        '# tally\n\n```rust,no_run\nlet n = tally::count("a b");\n```\n\n'
        "```text,ignore\nnot::code()\n```\n"
    )
    blocks = example_blocks("README.md", markdown, "Rust")
    assert [language for language, _ in blocks] == ["Rust"]
    assert [(c.qualifier, c.name) for c in read_examples(blocks)[0]] == [("tally", "count")]


def test_a_library_is_entered_through_its_readme_example(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "tally"\nversion = "1.0"\n',
            "README.md": (
                "# Tally\n\nTally counts words in text.\n\n"
                "```python\nimport tally\nc = tally.Counter()\n"
                "print(tally.count_words('a b'))\n```\n"
            ),
            "tally/__init__.py": "from tally.api import count_words, Counter\n",
            "tally/api.py": (
                "from tally.split import split_words\n\n"
                "class Counter:\n    def __init__(self):\n"
                "        self.n = 0\n        self.m = 0\n\n"
                "def count_words(text):\n    words = split_words(text)\n    return len(words)\n"
            ),
            "tally/split.py": (
                "from tally.clean import clean\n\n"
                "def split_words(text):\n    text = clean(text)\n    return text.split()\n"
            ),
            "tally/clean.py": "def clean(text):\n    text = text.strip()\n    return text\n",
        },
    )
    facts = analyse(root, name="tally")
    first = facts.control_paths[0]
    # The class is only made; the call that does the work is the one followed.
    assert first[0].via == "tally.count_words"
    assert [s.name for s in first] == ["count_words", "split_words", "clean"]


def test_a_key_type_names_the_types_that_build_on_it(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "shapes/base.py": '"""Shapes."""\n\n\nclass Shape:\n    """A thing with an area."""\n\n'
        "    def area(self):\n        return 0\n",
        "shapes/square.py": "from shapes.base import Shape\n\n\nclass Square(Shape):\n"
        "    def area(self):\n        return 4\n",
        "shapes/circle.py": "from shapes import base\n\n\nclass Circle(base.Shape):\n"
        "    def area(self):\n        return 3\n",
        # Two types called Node: a base named Node cannot be told apart, so none is claimed.
        "shapes/tree.py": "class Node:\n    pass\n\n\nclass Leaf(Node):\n    pass\n",
        "shapes/graph.py": "class Node:\n    pass\n",
    }
    facts = analyse(write(tmp_path, files), name="shapes")
    heirs = {s.name: s.heirs for s in facts.key_symbols}
    assert heirs["Shape"] == ["Circle", "Square"]
    assert all(not h for name, h in heirs.items() if name == "Node")


def test_an_inherited_javadoc_marker_is_no_description() -> None:
    assert describe("/* (non-Javadoc)\n * @see org.junit.runner.Describable#x()\n */") is None


def test_a_suite_named_as_tests_counts_only_its_tests(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"t/case{i}.t": "use Test::More;\nok(1);\n" for i in range(5)}
    files["t/lib/Helper.pm"] = "package Helper;\n1;\n"
    files["t/stress.pl"] = "print 1;\n"
    files["src/main.c"] = "int main(void) { return 0; }\n"
    facts = analyse(write(tmp_path / "tap", files), name="tap")
    assert facts.tests.files == 5  # prove runs t/*.t; the module and the script serve them
    plain = {f"tests/check_{c}.c": "int x;\n" for c in "abc"} | {"src/main.c": "int y;\n"}
    plain["tests/util.c"] = "int z;\n"
    facts = analyse(write(tmp_path / "plain", plain), name="plain")
    assert facts.tests.files == 4  # no naming habit: every file of the folder counts


def test_dependencies_are_required_optional_peer_or_for_development() -> None:
    pyproject = parse_manifest(
        "pyproject.toml",
        '[project]\nname = "web"\ndependencies = ["click"]\n'
        '[project.optional-dependencies]\nsocks = ["socksio"]\ntest = ["pytest"]\n'
        '[dependency-groups]\nlint = ["ruff"]\n',
    )
    assert pyproject is not None
    assert pyproject.dependencies == ["click"]
    assert pyproject.optional_dependencies == ["socksio"]  # an extra is a feature
    assert pyproject.dev_dependencies == ["pytest", "ruff"]
    npm = parse_manifest(
        "package.json",
        '{"name": "ui", "dependencies": {"a": "1"}, "peerDependencies": {"react": "18",'
        ' "vue": "3"}, "peerDependenciesMeta": {"vue": {"optional": true}},'
        ' "devDependencies": {"react": "18", "jest": "29"},'
        ' "optionalDependencies": {"fsevents": "2"}}',
    )
    assert npm is not None
    assert npm.dependencies == ["a"] and npm.peer_dependencies == ["react"]
    assert npm.optional_dependencies == ["fsevents", "vue"]
    assert npm.dev_dependencies == ["react", "jest"]  # installed for its own tests
    cargo = parse_manifest(
        "Cargo.toml",
        '[package]\nname = "x"\n[dependencies]\nserde = "1"\n'
        'git2 = { version = "0.18", optional = true }\n'
        '[dev-dependencies]\ntempfile = "3"\n[build-dependencies]\ncc = "1"\n',
    )
    assert cargo is not None
    assert (cargo.dependencies, cargo.optional_dependencies) == (["serde"], ["git2"])
    assert cargo.dev_dependencies == ["tempfile"]  # a build script's cc serves every user
    pom = parse_manifest(
        "pom.xml",
        "<project><artifactId>core</artifactId><dependencies>"
        "<dependency><artifactId>servlet-api</artifactId><scope>provided</scope></dependency>"
        "<dependency><artifactId>ssl</artifactId><optional>true</optional></dependency>"
        "<dependency><artifactId>junit</artifactId><scope>test</scope></dependency>"
        "</dependencies></project>",
    )
    assert pom is not None and pom.artifact == "core"
    assert (pom.dependencies, pom.optional_dependencies, pom.dev_dependencies) == (
        ["servlet-api"],
        ["ssl"],
        ["junit"],
    )


def test_a_signature_is_quoted_as_written_up_to_a_comment_inside_it() -> None:
    python = parse_source(
        "a.py",
        "Python",
        b"def f(\n    a: int = 1,  # the count\n    b=2,\n):\n    pass\n\n"
        b"def g(a, b='#'):\n    # a note in the body\n    pass\n",
    )
    script = parse_source(
        "a.ts",
        "TypeScript",
        b"function f (a /* first */, b) {\n  return a\n}\nconst h = (u = 'http://x') => u\n"
        b"X.prototype.send = function (payload) {\n  // a note in the body\n  return 1\n}\n",
    )
    assert python is not None and script is not None
    assert [d.signature for d in python.definitions] == ["f( a: int = 1,…", "g(a, b='#')"]
    assert [d.signature for d in script.definitions] == [
        "function f (a…",
        "h = (u = 'http://x') => u",
        "X.prototype.send = function (payload)",
    ]


def test_a_c_function_behind_an_export_macro_keeps_its_name() -> None:
    source = b"LUALIB_API lua_Integer luaL_len (lua_State *L, int idx) {\n  return 1;\n}\n"
    syntax = parse_source("src/lauxlib.c", "C", source)
    assert syntax is not None
    assert [d.name for d in syntax.definitions] == ["luaL_len"]


def test_a_method_is_followed_through_what_the_code_says_a_name_holds(tmp_path: Path) -> None:
    go = write(
        tmp_path / "go",
        {
            "go.mod": "module example.org/tool\n\ngo 1.21\n",
            "main.go": (
                'package main\n\nimport "example.org/tool/core"\n\n'
                "func main() {\n\tt := core.NewTerminal(3)\n\tt.Loop()\n}\n"
            ),
            "core/terminal.go": (
                "package core\n\n// Terminal draws.\ntype Terminal struct {\n\tn int\n}\n\n"
                "// NewTerminal makes one.\nfunc NewTerminal(n int) *Terminal {\n"
                "\treturn &Terminal{n: n}\n}\n"
            ),
            "core/loop.go": (
                "package core\n\n// Loop runs until done.\nfunc (t *Terminal) Loop() {\n"
                "\tt.n = t.n + 1\n\tt.n = t.n * 2\n}\n"
            ),
        },
    )
    names = [s.name for s in analyse(go, name="tool").control_paths[0]]
    # The factory's result type, then the method in another file of its package.
    assert names == ["main", "Terminal.Loop"], names
    python = write(
        tmp_path / "py",
        {
            "pyproject.toml": '[project]\nname = "p"\n[project.scripts]\np = "p.cli:main"\n',
            "p/__init__.py": "",
            "p/cli.py": (
                "from p.engine import Engine\n\n"
                "def main():\n    engine = Engine()\n    return run(engine)\n\n"
                "def run(e: Engine):\n    e.start()\n    return e.start()\n"
            ),
            "p/engine.py": (
                "class Engine:\n    def start(self):\n        a = 1\n        return a\n"
            ),
        },
    )
    names = [s.name for s in analyse(python, name="p").control_paths[0]]
    assert names == ["main", "run", "Engine.start"], names


def test_a_function_handed_on_as_a_value_is_followed_and_said_so(tmp_path: Path) -> None:
    root = write(
        tmp_path / "c",
        {
            "src/main.c": (
                "static int pmain(void *state) {\n  int a = work(state);\n  return a;\n}\n\n"
                "int main(int argc, char **argv) {\n  int s = protect(&pmain, argv);\n"
                "  return s;\n}\n"
            ),
            "src/work.c": "int work(void *state) {\n  int b = 1;\n  return b;\n}\n",
            "src/protect.c": "int protect(int (*f)(void *), void *u) {\n  return f(u);\n}\n",
        },
    )
    facts = analyse(root, name="c")
    steps = facts.control_paths[0]
    assert [s.name for s in steps][:3] == ["main", "pmain", "work"]
    assert steps[1].handed and not steps[2].handed
    told = "\n".join(c.text for c in write_script(facts).chapters)
    # Said of `main`, in the sentence that reaches `pmain`.
    handed = [t for t in sentences(told) if "passes `pmain` on to be run" in t]
    assert handed and "`main`" in handed[0].split("passes `pmain`")[0]


def test_a_task_runner_or_wrapper_is_how_the_authors_run_tests(tmp_path: Path) -> None:
    go = {
        "go.mod": "module example.org/x\n\ngo 1.21\n",
        "x.go": "package x\n\nfunc X() int {\n\treturn 1\n}\n",
        "x_test.go": 'package x\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n',
        "Taskfile.yml": "version: '3'\n\ntasks:\n  build:\n    cmds: [go build]\n"
        "  test:\n    cmds: [go test -race ./...]\n",
    }
    facts = analyse(write(tmp_path / "task", go), name="x")
    assert facts.tests.commands[:2] == ["task test", "go test ./..."]
    just = {**go, "justfile": "build:\n    go build\n\ntest *args:\n    go test {{args}}\n"}
    del just["Taskfile.yml"]
    assert analyse(write(tmp_path / "just", just), name="x").tests.commands[0] == "just test"
    maven = {
        "pom.xml": "<project><artifactId>x</artifactId></project>",
        "mvnw": "#!/bin/sh\n",
        "src/main/java/x/X.java": "package x;\n\npublic class X {}\n",
        "src/test/java/x/XTest.java": (
            "package x;\n\nimport org.junit.Test;\n\npublic class XTest {}\n"
        ),
    }
    assert analyse(write(tmp_path / "mvn", maven), name="x").tests.commands[0] == "./mvnw test"


def test_a_tooling_manifest_does_not_speak_for_the_code(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.org/x\n\ngo 1.21\n\nrequire github.com/spf13/pflag v1.0.5\n",
        "x.go": 'package x\n\nimport "github.com/spf13/pflag"\n\nvar F = pflag.Bool\n',
        # The docs site's tooling: no JavaScript in the project's code.
        "package.json": '{"name": "docs", "dependencies": {"vitepress": "1"},'
        ' "devDependencies": {"eslint": "8"}}',
    }
    facts = analyse(write(tmp_path, files), name="x")
    assert facts.dependencies == ["github.com/spf13/pflag"]
    assert "eslint" not in facts.dev_dependencies


def test_the_parts_of_a_project_and_how_they_lean_on_each_other() -> None:
    from codestory.analysis.layers import parts

    sources = ["cmd/main.go", "core/a.go", "core/b.go", "util/u.go", "util/v.go"]
    lines = dict.fromkeys(sources, 10)
    importers = {
        "core/a.go": {"cmd/main.go"},
        "util/u.go": {"core/b.go", "cmd/main.go"},
    }
    found = {p.folder: (p.uses, p.used_by) for p in parts(sources, lines, importers)}
    assert found["cmd"] == (["core", "util"], [])  # ties by name: the same story every time
    assert found["core"] == (["util"], ["cmd"])
    assert found["util"][1] and not found["util"][0]
    assert parts(["a.py", "b.py"], {}, {}) == []  # one folder is no architecture


def test_fields_and_module_names_say_what_they_hold() -> None:
    source = (
        b"import falcon\n\napp = falcon.App()\n\n"
        b"class A:\n    def __init__(self):\n        self.router = Router()\n"
    )
    syntax = parse_source("x.py", "Python", source)
    assert syntax is not None
    assert syntax.module_types == [("app", "()falcon.App")]
    assert next(d for d in syntax.definitions if d.name == "A").types == [("router", "()Router")]


def test_a_parenthesised_c_api_name_is_the_name() -> None:
    source = b"LUA_API size_t (lua_stringtonumber) (lua_State *L, const char *s);\n"
    syntax = parse_source("src/lua.h", "C", source)
    assert syntax is not None
    assert [d.name for d in syntax.definitions] == ["lua_stringtonumber"]


def test_a_type_the_code_works_on_everywhere_is_a_key_idea(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        # `conn` is a plain word, so naming it proves little; declaring it proves a lot.
        "src/conn.h": "typedef struct conn {\n  int fd;\n  int state;\n} conn;\n",
        "src/util.h": "int clamp(int x);\n",
    }
    for name in ("read", "write", "close", "event"):
        files[f"src/{name}.c"] = (
            f'#include "conn.h"\n#include "util.h"\n\nint {name}_conn(conn *c) {{\n'
            f"  return clamp(c->fd);\n}}\n"
        )
    files["src/util.c"] = '#include "util.h"\n\nint clamp(int x) {\n  return x;\n}\n'
    facts = analyse(write(tmp_path, files), name="c")
    conn = next(s for s in facts.key_symbols if s.name == "conn")
    assert conn.typed_by == 4
    assert facts.key_symbols.index(conn) < 3


def test_a_manifest_describing_its_build_file_is_no_description(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pom.xml": "<project><artifactId>x</artifactId>"
        "<description>Top X project pom.xml file.</description></project>",
        "README.md": "# X\n\nThe X facade serves as a simple abstraction for logging frameworks.\n",
        "src/main/java/org/x/X.java": "package org.x;\n\npublic class X {}\n",
    }
    facts = analyse(write(tmp_path, files), name="x")
    assert facts.description is not None and facts.description.startswith("The X facade")


def test_a_readme_that_points_elsewhere_is_completed_by_that_document(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README": (
            "This is Tern 1.2, released on 3 May.\n\nFor more about Tern, see doc/readme.html.\n"
        ),
        "doc/readme.html": (
            "<html><body><h2>About</h2><p>Tern is a small, embeddable scripting\n"
            '<a href="x">language</a> for configuration files.</p></body></html>'
        ),
        "src/tern.c": "int main(void) { return 0; }\n",
    }
    facts = analyse(write(tmp_path, files), name="tern")
    assert facts.description == (
        "Tern is a small, embeddable scripting language for configuration files."
    )


def test_a_command_line_tool_is_toured_through_one_of_its_commands(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "maker"\n[project.scripts]\nmaker = "maker.cli:cli"\n',
        "maker/__init__.py": "",
        "maker/cli.py": (
            "import click\nfrom maker.work import build\n\n@click.group()\ndef cli():\n    pass\n\n"
            '@cli.command("make")\ndef make_command():\n    return build(1)\n'
        ),
        "maker/work.py": (
            "def build(x):\n    y = shape(x)\n    return y\n\n"
            "def shape(x):\n    z = x + 1\n    return z\n"
        ),
    }
    facts = analyse(write(tmp_path, files), name="maker")
    path = next(p for p in facts.control_paths if p[0].command)
    assert (path[0].command, [s.name for s in path]) == ("make", ["make_command", "build", "shape"])
    told = "\n".join(c.text for c in write_script(facts).chapters)
    # The handler's first call carries on the sentence that names it.
    assert re.search(
        r"Take the `make` command: `make_command` in `maker/cli\.py` handles it, "
        r"and (calls|hands the work to|goes on to) `build`",
        told,
    )


def test_a_java_program_is_followed_from_its_class_main_through_overloads(
    tmp_path: Path,
) -> None:
    body = "".join(f"    int k{i} = {i};\n" for i in range(8))
    root = write(
        tmp_path / "repo",
        {
            "pom.xml": "<project><artifactId>lexer</artifactId></project>\n",
            "src/main/java/lex/Main.java": (
                "package lex;\n\npublic class Main {\n"
                "  public static void main(String[] args) {\n"
                "    new Main().run(args);\n  }\n\n"
                "  public Main() {\n    Setup.prepare();\n  }\n\n"
                # The overload taking names hands each on to the one taking a file.
                "  void run(String[] args) {\n    for (String a : args) run(new File(a));\n  }\n\n"
                "  void run(File file) {\n    Emitter emitter = new Emitter();\n"
                "    emitter.emit(file);\n  }\n}\n"
            ),
            "src/main/java/lex/Setup.java": (
                "package lex;\n\nclass Setup {\n  static void prepare() {\n" + body + "  }\n}\n"
            ),
            "src/main/java/lex/Emitter.java": (
                "package lex;\n\nclass Emitter {\n"
                "  // Output methods\n  //--------------\n"
                "  /** Writes the scanner for one file. */\n"
                "  void emit(File file) {\n" + body + "  }\n}\n"
            ),
        },
    )
    facts = analyse(root, name="lexer")
    names = [step.name for step in facts.control_paths[0]]
    # main in the file's class -> the receiver made in place -> both overloads of run.
    assert names == ["Main.main", "Main.run", "Emitter.emit"], names
    emit = facts.control_paths[0][-1]
    # The Javadoc documents it, not the section banner above.
    assert emit.doc == "Writes the scanner for one file."


def test_a_main_that_prints_the_version_is_not_a_way_in(tmp_path: Path) -> None:
    work = "".join(f"    int k{i} = {i};\n" for i in range(6))
    root = write(
        tmp_path / "repo",
        {
            "src/main/java/tally/Runner.java": (
                "package tally;\n\npublic class Runner {\n"
                "  public static void main(String[] args) {\n    new Runner().count(args);\n  }\n"
                "  void count(String[] args) {\n" + work + "  }\n}\n"
            ),
            "src/main/java/tally/Version.java": (
                "package tally;\n\npublic class Version {\n"
                "  public static void main(String[] args) {\n    System.out.println(id());\n  }\n"
                '  static String id() {\n    return "1.0";\n  }\n}\n'
            ),
        },
    )
    facts = analyse(root, name="tally")
    assert [e.path for e in facts.entry_points] == ["src/main/java/tally/Runner.java"]


def test_a_library_index_hands_out_its_exports_not_its_set_up_calls(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "tally", "main": "index.js"}\n',
            "index.js": (
                "const { makeCounter } = require('./lib/make');\n"
                "const count = makeCounter({ words: true });\n"
                "module.exports = { count };\n"
            ),
            "lib/make.js": (
                "function makeCounter(options) {\n  const words = options.words;\n"
                "  return (text) => (words ? text.split(' ').length : text.length);\n}\n"
                "module.exports = { makeCounter };\n"
            ),
        },
    )
    facts = analyse(root, name="tally")
    # `makeCounter` builds what index.js hands out; it is not what users call.
    assert facts.library_entry is None or facts.library_entry.name != "makeCounter"


def test_a_type_is_told_by_the_project_types_its_fields_hold(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "src/main/java/kv/Store.java": (
                "package kv;\n\npublic class Store {\n  private final Cache cache;\n"
                "  private Journal journal = new Journal();\n  private String name;\n"
                "  public Store(Cache cache) {\n    this.cache = cache;\n  }\n}\n"
            ),
            "src/main/java/kv/Cache.java": "package kv;\n\npublic class Cache {\n}\n",
            "src/main/java/kv/Journal.java": "package kv;\n\npublic class Journal {\n}\n",
        },
    )
    facts = analyse(root, name="kv")
    store = next(s for s in facts.key_symbols if s.name == "Store")
    # The project's own types, in the order declared; `String` is not the project's.
    assert store.holds == ["Cache", "Journal"]


def test_a_go_method_is_followed_through_a_field_of_its_receiver(tmp_path: Path) -> None:
    work = "".join(f"\tn{i} := {i}\n\t_ = n{i}\n" for i in range(4))
    root = write(
        tmp_path / "repo",
        {
            "go.mod": "module example.org/term\n\ngo 1.21\n",
            "terminal.go": (
                "package term\n\n// Terminal draws the list.\ntype Terminal struct {\n"
                "\tmerger *Merger\n\tname   string\n}\n\n"
                "// Loop runs the terminal.\nfunc (t *Terminal) Loop() {\n\tt.merger.Merge()\n}\n"
            ),
            "merger.go": (
                "package term\n\n// Merger joins results.\ntype Merger struct {\n\tcount int\n}\n\n"
                "// Merge joins them.\nfunc (m *Merger) Merge() {\n" + work + "}\n"
            ),
        },
    )
    facts = analyse(root, name="term")
    terminal = next(s for s in facts.key_symbols if s.name == "Terminal")
    assert terminal.holds == ["Merger"]
    paths = [[step.name for step in path] for path in facts.control_paths]
    assert ["Terminal.Loop", "Merger.Merge"] in paths, paths


def test_a_script_that_calls_its_own_main_where_it_defines_it_starts_there(
    tmp_path: Path,
) -> None:
    work = "".join(f"  const n{i} = {i}\n" for i in range(4))
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "runx", "bin": {"runx": "cli.js"}}\n',
            "cli.js": (
                "(async function main() {\n  await runScript(process.argv[2])\n"
                "})().catch((err) => {\n  console.error(err)\n})\n\n"
                "async function runScript(name) {\n" + work + "  return name\n}\n"
            ),
        },
    )
    facts = analyse(root, name="runx")
    assert [step.name for step in facts.control_paths[0]] == ["main", "runScript"]
    from codestory.analysis.syntax import parse_source

    module = b"await (async function main() {\n  run()\n})().catch(report)\n"
    parsed = parse_source("cli.ts", "TypeScript", module)
    assert parsed is not None and [d.name for d in parsed.definitions] == ["main"]


def test_a_readme_names_the_project_with_its_owner_and_leads_into_its_features() -> None:
    """A definition that names the repository's owner and ends in a list of features."""
    text = (
        "# Welcome to owner/tool\n\n"
        "owner/tool is a **declarative**, simple package for building command line tools "
        "in Go featuring:\n\n- commands\n- flags\n\n## Documentation\n\n"
        "See the hosted documentation website at <https://tool.example.org>. Contents of "
        "this website are built from the docs directory.\n"
    )
    summary = summarise_readme("README.md", text, "tool")
    assert summary.defines
    assert summary.summary == (
        "owner/tool is a declarative, simple package for building command line tools in Go."
    )


def test_a_changelog_no_longer_kept_tells_of_no_current_release() -> None:
    from codestory.analysis.changelog import latest_release

    kept = "# Change Log\n\n## [2.2.0] - 2020-03-08\n\n### Fixed\n"
    assert latest_release("CHANGELOG.md", kept) is not None
    abandoned = "> This document is no longer being actively maintained.\n\n" + kept
    assert latest_release("CHANGELOG.md", abandoned) is None


def test_a_folder_of_test_inputs_is_said_to_hold_them(tmp_path: Path) -> None:
    """Go's `testdata`: expected outputs and certificates the tests read, not notes."""
    files = {
        "go.mod": "module example.com/doc\n",
        "doc.go": 'package doc\n\nfunc Render() string { return "" }\n',
        "doc_test.go": 'package doc\n\nimport "testing"\n\nfunc TestRender(t *testing.T) {}\n',
        "testdata/expected.md": "# Expected\n",
        "testdata/full.man": ".TH doc\n",
    }
    areas = {a.path: a for a in analyse(write(tmp_path, files), name="doc").areas}
    assert areas["testdata"].holds == "inputs for the tests"


def test_a_comment_leading_into_a_list_ends_before_the_words_that_open_it() -> None:
    text = "/// The standard printer, which implements grep-like formatting, including:\n///\n"
    assert describe(text + "/// * headings\n") == (
        "The standard printer, which implements grep-like formatting."
    )
    assert describe("// Our exception hierarchy:\n") == "Our exception hierarchy."
    assert describe("/// See above.\n") is None  # a pointer to another comment says nothing


def test_a_rust_doc_comment_is_read_across_its_lines() -> None:
    from codestory.analysis.syntax import parse_source

    source = (
        b"/// A cell that holds text in a table, used in the details and\n"
        b"/// lines views before it is printed.\n///\n/// More detail.\npub struct Cell {}\n"
    )
    parsed = parse_source("src/cell.rs", "Rust", source)
    assert parsed is not None
    assert parsed.definitions[0].doc == (
        "A cell that holds text in a table, used in the details and lines views before it is "
        "printed."
    )


def test_headers_of_a_cpp_project_are_cpp(tmp_path: Path) -> None:
    header = "".join(f"int f{i}();\n" for i in range(40))
    root = write(
        tmp_path / "repo",
        {
            "src/db.h": header,
            "src/table.h": header,
            "src/db.cc": '#include "db.h"\nint f0() { return 0; }\n',
        },
    )
    facts = analyse(root, name="db")
    assert [language.name for language in facts.languages] == ["C++"]


def test_a_project_is_written_in_the_language_of_its_own_code(tmp_path: Path) -> None:
    checks = "".join(f"def test_{i}():\n    assert run({i}) == {i}\n" for i in range(60))
    root = write(
        tmp_path / "repo",
        {
            "src/lib.c": "int run(int x) {\n  return x;\n}\n",
            "tests/test_run.py": checks,
        },
    )
    facts = analyse(root, name="lib")
    # The Python tests are longer than the C library; it is still a C project.
    assert facts.languages[0].name == "C"


def test_a_maven_site_beside_src_main_is_its_own_area(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pom.xml": "<project><artifactId>cli</artifactId></project>\n",
        "src/main/java/org/x/Cli.java": "package org.x;\n\npublic class Cli {}\n",
        "src/test/java/org/x/CliTest.java": "package org.x;\n\npublic class CliTest {}\n",
        "src/site/resources/js/menu.js": "function menu() { return 1; }\n",
        "src/site/site.xml": "<project/>\n",
        "src/changes/changes.xml": "<document/>\n",
    }
    facts = analyse(write(tmp_path, files), name="cli")
    assert {a.path for a in facts.areas} == {"src/main", "src/test", "src/site"}


def test_a_lowercase_makefile_is_the_projects_makefile(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "go.mod": "module example.org/x\n\ngo 1.21\n",
            "x.go": "package x\n\nfunc F() int { return 1 }\n",
            "x_test.go": 'package x\n\nimport "testing"\n\nfunc TestF(t *testing.T) {}\n',
            "makefile": "test:\n\tgo test -race ./...\n",  # GNU make reads it as Makefile
        },
    )
    assert analyse(root, name="x").tests.commands[0] == "make test"


def test_a_rust_generic_impl_gives_its_methods_to_the_type() -> None:
    from codestory.analysis.syntax import parse_source

    source = (
        b"pub struct Printer<'a, W> { out: &'a mut W }\n\n"
        b"impl<'a, W: Write> Printer<'a, W> {\n    pub fn print_all(&mut self) {}\n}\n"
    )
    parsed = parse_source("src/lib.rs", "Rust", source)
    assert parsed is not None
    assert [d.qualified_name for d in parsed.definitions] == ["Printer", "Printer.print_all"]


def test_helper_scripts_are_not_ways_in(tmp_path: Path) -> None:
    work = "".join(f"  int k{i} = {i};\n" for i in range(5))
    root = write(
        tmp_path / "repo",
        {
            "src/main.c": "int run(void);\nint main(void) {\n  return run();\n}\n",
            "src/run.c": "int run(void) {\n" + work + "  return 0;\n}\n",
            **{f"src/util{i}.c": f"int util{i}(void) {{\n  return {i};\n}}\n" for i in range(9)},
            # A plotting script in a language the project barely uses.
            "charts/plot.py": (
                "def main():\n    print(1)\n\nif __name__ == '__main__':\n    main()\n"
            ),
        },
    )
    assert [e.path for e in analyse(root, name="run").entry_points] == ["src/main.c"]
    packaged = write(
        tmp_path / "lib",
        {
            "pyproject.toml": '[project]\nname = "tally"\nversion = "1.0"\n',
            "tally/__init__.py": "def count(text):\n    return len(text.split())\n",
            # The authors' script in a folder of a packaged distribution is not installed.
            "downstream/run.py": "import tally\n\nif __name__ == '__main__':\n"
            "    print(tally.count('a b'))\n",
        },
    )
    assert analyse(packaged, name="tally").entry_points == []


def test_a_packaging_folder_says_what_it_holds(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "src/main.rs": 'fn main() {\n    println!("x");\n}\n',
            "Cargo.toml": '[package]\nname = "serve"\nversion = "1.0.0"\n',
            "packaging/serve@.service": "[Unit]\nDescription=serve\n",
        },
    )
    area = next(a for a in analyse(root, name="serve").areas if a.path == "packaging")
    # A systemd unit is no build tool: the folder is told by what it holds.
    assert (area.kind, area.holds) == (FileKind.DATA, "service and package definitions")


def test_a_readme_call_to_an_overloaded_method_is_followed(tmp_path: Path) -> None:
    work = "".join(f"    int k{i} = {i};\n" for i in range(5))
    root = write(
        tmp_path / "repo",
        {
            "README.md": "# doc\n\n```java\nDocument doc = Parser.parse(text);\n"
            "String t = doc.title();\n```\n",
            "src/main/java/doc/Document.java": (
                "package doc;\n\npublic class Document {\n"
                '  public String title() {\n    return find("title");\n  }\n'
                "  public void title(String text) {\n    find(text);\n  }\n"
                "  String find(String name) {\n" + work + "    return name;\n  }\n}\n"
            ),
            "src/main/java/doc/Parser.java": (
                "package doc;\n\npublic class Parser {\n"
                "  public static Document parse(String text) {\n"
                "    return new Document();\n  }\n}\n"
            ),
        },
    )
    facts = analyse(root, name="doc")
    first = facts.control_paths[0]
    # `title()` and `title(String)` are one name of one type: the example is followed.
    assert first[0].name == "Document.title" and first[0].via == "doc.title"


def test_a_function_type_has_no_fields_to_tell(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "go.mod": "module example.org/mw\n\ngo 1.21\n",
            "mw.go": (
                'package mw\n\nimport "net/http"\n\n// Writer wraps a response.\n'
                "type Writer interface {\n\tStatus() int\n}\n\n"
                "// HandlerFunc adapts a function.\n"
                "type HandlerFunc func(rw Writer, r *http.Request)\n"
            ),
        },
    )
    handler = next(s for s in analyse(root, name="mw").key_symbols if s.name == "HandlerFunc")
    assert handler.holds == []  # `rw Writer` is a parameter, not a field


def test_shell_test_scripts_without_a_grammar_count_in_a_test_folder(tmp_path: Path) -> None:
    """fish's `tests/checks/*.fish` and zsh's `Test/*.ztst` are the suite their driver runs."""
    files: dict[str, str | bytes] = {
        "src/main.rs": 'fn main() {\n    println!("hi");\n}\n',
        "Cargo.toml": '[package]\nname = "shell"\nversion = "1.0.0"\n',
        "share/functions/greet.fish": "function greet\n    echo hi\nend\n",
        "tests/test_driver.py": "import sys\n\ndef main():\n    return 0\n",
    }
    files |= {f"tests/checks/case{i}.fish": f"echo {i}\n# CHECK: {i}\n" for i in range(5)}
    files |= {f"Test/A0{i}case.ztst": f"%test\n  print {i}\n0:case\n>{i}\n" for i in range(3)}
    facts = analyse(write(tmp_path, files), name="shell")
    # The five checks, the three zsh cases and the driver; never the shipped function.
    assert facts.tests.files == 9


def test_a_java_annotation_type_is_told_as_one_and_nested_types_are_no_methods(
    tmp_path: Path,
) -> None:
    body = "".join(f"    public int f{i}() {{\n        return {i};\n    }}\n" for i in range(3))
    root = write(
        tmp_path / "repo",
        {
            "pom.xml": "<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId>"
            "<artifactId>auto</artifactId><version>1.0</version></project>",
            "src/main/java/x/AutoThing.java": (
                "package x;\n\n/** Generates value types. */\npublic @interface AutoThing {\n"
                "  /** Builds one. */\n  @interface Builder {}\n\n"
                "  /** Copies annotations. */\n  @interface CopyAnnotations {}\n}\n"
            ),
            **{
                f"src/main/java/x/User{i}.java": (
                    f"package x;\n\n@AutoThing\n@AutoThing.Builder\npublic class User{i} {{\n"
                    f"{body}}}\n"
                )
                for i in range(4)
            },
        },
    )
    facts = analyse(root, name="auto")
    thing = next(s for s in facts.key_symbols if s.name == "AutoThing")
    assert thing.kind == "annotation"
    assert [m.name for m in thing.methods] == []
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert (
        "`AutoThing`, an annotation" in told
        or "the annotation `AutoThing`" in told
        or ("`AutoThing` is an annotation" in told)
    )
    assert "an interface" not in told


def test_a_changelog_that_calls_itself_obsolete_or_names_steps_between_releases() -> None:
    from codestory.analysis.changelog import latest_release

    obsolete = "# Changes\n\nThis document is obsolete: see the releases page.\n\n## 1.4 → 1.5\n"
    assert latest_release("CHANGES.md", obsolete) is None
    step = latest_release("CHANGES.md", "# Changes\n\n## 1.4 -> 1.5 (2020-01-02)\n\n* x\n")
    assert step is not None and (step.version, step.date) == ("1.5", "2020-01-02")
    plain = latest_release("CHANGES.md", "# Changes\n\n## 2.0.1 - 2020-01-02\n\n* x\n")
    assert plain is not None and plain.version == "2.0.1"


def test_a_comment_keeps_angle_bracketed_words_that_are_no_html() -> None:
    said = describe("Add a completion when the user typed <tab>.")
    assert said is not None and said.endswith("typed <tab>.")
    marked = describe("Returns the <b>first</b> element of a <a href='x'>list</a>.")
    assert marked == "Returns the first element of a list."


def test_a_make_target_that_only_echoes_is_no_chore() -> None:
    text = "all:\n\t@echo Nothing to do...\n\ndocs:\n\tcargo doc\n\ntest: build\nclean:\n"
    assert make_targets(text) == ["docs", "test", "clean"]


def test_a_readme_that_opens_with_a_maintenance_notice_is_told_so(tmp_path: Path) -> None:
    from codestory.analysis.readme import maintenance_notice

    assert maintenance_notice("# `tally` is now unmaintained\n\nUse other.\n", "tally") == (
        "`tally` is now unmaintained"
    )
    assert maintenance_notice("> **Note**: This project is no longer maintained.\n") == (
        "This project is no longer maintained."
    )
    # A deprecated part of the API, or a notice far below, is no notice about the project.
    assert maintenance_notice("# Tally\n\nIts old API is deprecated.\n", "tally") is None
    late = "# Tally\n\n" + "Tally counts words in files.\n\n" * 60 + "Tally is deprecated.\n"
    assert maintenance_notice(late, "tally") is None
    root = write(
        tmp_path / "repo",
        {
            "README.md": "# tally is no longer maintained\n\nTally counts words in files.\n",
            "tally.py": "def count(text):\n    return len(text.split())\n",
        },
    )
    told = write_script(analyse(root, name="tally")).chapters[0].text
    assert "Its README opens with a notice: tally is no longer maintained." in told


def test_a_rust_test_module_declared_in_its_own_file_is_no_inline_test(tmp_path: Path) -> None:
    facts = analyse(
        write(
            tmp_path / "r",
            {
                "Cargo.toml": '[package]\nname = "r"\nversion = "1.0.0"\n',
                # `mod tests;` under `cfg(test)` only names the file the tests live in.
                "src/lib.rs": "/// Adds.\npub fn add() {}\n\n#[cfg(test)]\nmod tests;\n",
                "src/tests/mod.rs": "use crate::add;\n\n#[test]\nfn adds() {\n    add();\n}\n",
            },
        ),
        name="r",
    )
    assert facts.tests.exist and facts.tests.inline_test_files == 0
    assert facts.tests.example_file == "src/tests/mod.rs" and not facts.tests.example_inline
    told = " ".join(c.text for c in write_script(facts).chapters)
    assert "inside `src/lib.rs`" not in told and "inside 1 source file" not in told


def test_a_dated_notice_naming_the_project_with_its_owner_is_told() -> None:
    from codestory.analysis.readme import maintenance_notice

    text = (
        "Tally\n=====\n\n`Tally` counts words.\n\nDeprecated\n----------\n\n"
        "As of 2020-10-10, Acme's Tally project is deprecated. We have moved on.\n"
    )
    assert maintenance_notice(text, "Tally") == (
        "As of 2020-10-10, Acme's Tally project is deprecated."
    )
    # Another owner's project, or a part of this one, is still no notice about it.
    assert maintenance_notice("Since 2021, Acme's parser is deprecated.\n", "Tally") is None
    assert maintenance_notice("As of 2.0, Tally's old API is deprecated.\n", "Tally") is None


def test_command_line_arguments_read_by_serde_are_no_data_model(tmp_path: Path) -> None:
    args = "#[derive(Deserialize)]\nstruct Args {\n    flag_x: bool,\n}\n\nfn run() {}\n"
    root = write(
        tmp_path / "repo",
        {
            "Cargo.toml": '[package]\nname = "cut"\nversion = "1.0.0"\n',
            "src/main.rs": "mod cmd;\nfn main() {}\n",
            "src/cmd/a.rs": args,
            "src/cmd/b.rs": args,
            "src/model.rs": "#[derive(Deserialize)]\npub struct Record {\n    pub id: u64,\n}\n",
            "src/other.rs": "#[derive(Deserialize)]\npub struct Record {\n    pub n: u8,\n}\n",
        },
    )
    facts = analyse(root, name="cut")
    assert sorted((m.name, m.file) for m in facts.roles.models) == [
        ("Record", "src/model.rs"),
        ("Record", "src/other.rs"),
    ]
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert "2 data models" in told and "`Args`" not in told


def test_a_folder_of_pip_requirement_lists_is_told_as_such() -> None:
    lists = ["requirements/requirements.txt", "requirements/requirements-tests.txt"]
    assert holdings(lists) == "lists of the packages it installs"
    assert holdings(["notes/a.md", "notes/b.txt"]) == "written notes"


def test_the_first_test_to_read_is_the_one_named_for_the_project(tmp_path: Path) -> None:
    many = "".join(f"def test_{i}():\n    assert {i} == {i}\n\n" for i in range(30))
    root = write(
        tmp_path / "repo",
        {
            "tally/__init__.py": "def count(text):\n    return len(text.split())\n",
            "tests/test_locales.py": many,  # the largest, about a corner of the project
            "tests/test_tally.py": "def test_count():\n    assert True\n",
        },
    )
    assert analyse(root, name="tally").tests.example_file == "tests/test_tally.py"
