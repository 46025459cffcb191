"""Stories of real repositories, fact-checked sentence by sentence against their files.

The trees are real releases from PyPI, npm and Debian, pinned by sha256 and unpacked by
`make truth-trees` (part of `make test`) into .cache/truth. The checker in checker.py is
independent of the analyser: if both were wrong the same way, it would be by accident.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

from codestory.analysis import RepoFacts, analyse
from codestory.core.domain import ExpertiseLevel, Style
from codestory.narrative.template import write_script
from codestory.speech.text import Speaker
from tests.truth.checker import Checker, Tree, defines, sentences

HERE = Path(__file__).parent
CACHE = HERE.parent.parent / ".cache" / "truth"
TREES = {t["name"]: t for t in tomllib.loads((HERE / "trees.toml").read_text())["tree"]}
VARIANTS = {
    "overview": (Style.OVERVIEW, ExpertiseLevel.INTERMEDIATE, []),
    "deep-expert": (Style.DEEP_DIVE, ExpertiseLevel.EXPERT, []),
    "beginner-focus": (Style.OVERVIEW, ExpertiseLevel.BEGINNER, ["tests", "cli", "api"]),
}


def tree_root(name: str) -> Path:
    root = CACHE / name
    if not root.is_dir():
        pytest.fail(f"{root} is missing: run `make truth-trees` (make test does it first)")
    return root


@cache
def facts_of(name: str) -> RepoFacts:
    return analyse(tree_root(name), name=name)


@cache
def tree_of(name: str) -> Tree:
    return Tree.read(tree_root(name))


def test_at_least_six_trees_in_six_languages() -> None:
    assert len(TREES) >= 6
    assert len({t["language"] for t in TREES.values()}) >= 6


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", sorted(TREES))
def test_every_claim_holds(name: str, variant: str) -> None:
    style, level, focus = VARIANTS[variant]
    script = write_script(facts_of(name), style=style, level=level, focus_areas=focus)
    chapters = [(c.title, c.text) for c in script.chapters]
    findings = Checker(tree_of(name), TREES[name]).check_script(chapters)
    assert not findings, "\n".join(str(f) for f in findings)


@pytest.mark.parametrize("name", sorted(TREES))
def test_spoken_story_is_easy_to_follow(name: str) -> None:
    script = write_script(facts_of(name), style=Style.DEEP_DIVE, level=ExpertiseLevel.EXPERT)
    speaker = Speaker()
    spoken = [speaker.speak(c.text) for c in script.chapters]
    words = " ".join(spoken).lower().split()
    noise = sum(1 for w in words if w.strip(".,;:") in {"slash", "dot"})
    assert noise / len(words) < 0.02, f"{noise} of {len(words)} words are slash or dot"
    assert not re.search(r"https?:|www\.|colon slash", " ".join(spoken))
    written_ends = sum(len(sentences(c.text)) for c in script.chapters)
    spoken_ends = sum(len(re.findall(r"[.!?](?:\s|$)", s)) for s in spoken)
    assert spoken_ends >= written_ends, "a sentence end was lost on the way to speech"


def test_checker_catches_false_claims() -> None:
    """The checker must fail the lies a story could tell, or its silence means nothing."""
    name = "flask"
    lies = [
        "`src/flask/nothing.py` is where it starts.",
        "`src/flask/globals.py` has 999 lines.",
        "`Flask`, a class in `src/flask/globals.py`.",
        "There are also the classes `Blueprint` and `Flask` in `src/flask/app.py`.",
        "`NoSuchThing` is a class.",
        "At run time it needs 40 dependencies.",
        "At run time it needs a long list of 40 dependencies.",
        "It declares no run-time dependencies of its own, only 40 packages for development.",
        "It calls itself version 9.9.9.",
        "It is written in Python: 12 mysteries.",
        "Its signature is `def nowhere(x)` in `src/flask/app.py`.",
        "`src/flask/typing.py` has 90 lines. 400 other modules import it.",
        "`src/flask/typing.py` is short, 90 lines, yet 400 other modules import it.",
        "`src/flask/globals.py` is long, about 9,000 lines, and defines `Flask`.",
        "`src/flask/app.py`, about 1,500 lines, imported by 400 other modules: A WSGI app.",
        "This is a tour. In its own words: bananas grow quietly in winter.",
        "It offers 1 command-line command: `derive(Parser)`.",
        "It offers 2 command-line commands: `run` and `teleport`.",
        "The code itself sits at the top level: 3 source files next to the README.",
    ]
    checker = Checker(tree_of(name), TREES[name])
    for lie in lies:
        before = len(checker.findings)
        checker.check_script([("t", lie)])
        caught = [f for f in checker.findings[before:] if f.sentence != "(whole story)"]
        assert caught, f"the checker let this through: {lie}"


def test_checker_catches_what_folders_and_test_counts_are() -> None:
    """jq's `sig` holds release signatures, not tooling; its Makefile.am runs 7 test scripts."""
    name = "jq"
    lies = [
        "You will find build and helper tooling in `sig`, 40 files.",
        "Next to it, `sig` has build and helper tooling: 40 files.",
        "The test suite has 1 file in `tests` and 1 file beside the code they check.",
    ]
    for lie in lies:
        checker = Checker(tree_of(name), TREES[name])
        checker.check_script([("t", lie)])
        caught = [
            f for f in checker.findings if "tooling" in f.problem or "test files" in f.problem
        ]
        assert caught, f"the checker let this through: {lie}"
    truth = Checker(tree_of(name), TREES[name])
    truth.check_script([("t", "You will find build and helper tooling in `scripts`, 3 files.")])
    assert not [f for f in truth.findings if "tooling" in f.problem]


def test_checker_counts_python_dependencies_by_packagings_conventions(tmp_path: Path) -> None:
    """Poetry's `optional = true` is an extra; `pkg[tests]` in pkg's own extras is no
    package; a requirements file beside a package pins the authors' environment."""
    pyproject = (
        '[project]\nname = "m"\ndependencies = ["packaging"]\n'
        '[project.optional-dependencies]\ntests = ["pytest"]\ndev = ["m[tests]", "tox"]\n'
    )
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "requirements.txt").write_text("-e .\nmypy==1\n")
    assert Tree.read(tmp_path).dependencies() == ({"packaging"}, {"pytest", "tox", "mypy"})
    poetry = (
        '[tool.poetry]\nname = "r"\n[tool.poetry.dependencies]\npython = ">=3.8"\n'
        'pygments = "^2"\nwidgets = { version = ">=7", optional = true }\n'
    )
    (tmp_path / "requirements.txt").unlink()
    (tmp_path / "pyproject.toml").write_text(poetry)
    assert Tree.read(tmp_path).dependencies() == ({"pygments"}, set())
    # setuptools' literal keywords where pyproject.toml only configures tools.
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 99\n")
    (tmp_path / "setup.py").write_text(
        "setup(name='c', install_requires=['lxml'], extras_require={'test': ['c[x]', 'tox']})\n"
    )
    assert Tree.read(tmp_path).dependencies() == ({"lxml"}, {"tox"})
    # setuptools fills a dynamic list in from the files it names.
    (tmp_path / "setup.py").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "d"\ndynamic = ["dependencies"]\n'
        '[tool.setuptools.dynamic]\ndependencies = {file = ["requirements.txt"]}\n'
    )
    (tmp_path / "requirements.txt").write_text("anyio\n")
    (tmp_path / "requirements-dev.txt").write_text("pytest\n")
    assert Tree.read(tmp_path).dependencies() == ({"anyio"}, {"pytest"})
    # PDM's and uv's tables of development packages.
    (tmp_path / "requirements-dev.txt").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "d"\ndependencies = ["anyio"]\n[tool.pdm.dev-dependencies]\n'
        'test = ["pytest", "-e file:///${PROJECT_ROOT}"]\n[tool.uv]\ndev-dependencies = ["ruff"]\n'
    )
    assert Tree.read(tmp_path).dependencies() == ({"anyio"}, {"pytest", "ruff", "anyio"})


def test_checker_counts_every_language_a_story_says_sits_beside(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text("let a = 1\n" * 100)
    (tmp_path / "index.d.ts").write_text("type A = 1\n" * 100)
    key = {"language": "JavaScript"}
    told = (
        "It is mostly JavaScript, with TypeScript beside it: "
        "about {} lines of the project's own code."
    )
    for lines, false in ((200, False), (20, True)):
        checker = Checker(Tree.read(tmp_path), key)
        checker.check_script([("t", told.format(lines))])
        assert (
            any("lines of JavaScript and TypeScript" in f.problem for f in checker.findings)
            == false
        )


def test_checker_reads_a_signature_as_written(tmp_path: Path) -> None:
    """A `//` inside a string is no comment; Node's own runner is `node --test`; Python
    runs a package's `__main__.py` with `python -m`."""
    (tmp_path / "package.json").write_text('{"name": "h"}')
    (tmp_path / "src" / "paint").mkdir(parents=True)
    (tmp_path / "src" / "paint" / "__main__.py").write_text("print(1)\n")
    (tmp_path / "a.ts").write_text("const h = (u = 'http://x') => u\n")
    checker = Checker(Tree.read(tmp_path), {"language": "TypeScript"})
    told = (
        "Its signature is `h = (u = 'http://x') => u`. Run it with `node --test`. "
        "`src/paint/__main__.py`, which `python -m paint` runs."
    )
    checker.check_script([("t", told)])
    assert not [f for f in checker.findings if f.sentence != "(whole story)"]


def test_parallel_parsing_tells_the_same_story() -> None:
    root = tree_root("commons-lang")
    alone = analyse(root, name="commons-lang", processes=1)
    shared = analyse(root, name="commons-lang", processes=2)
    assert alone == shared


def test_checker_reads_go_generic_types_and_rust_inline_tests() -> None:
    """A Go generic type is declared with its parameters right after its name; Rust's
    unit tests sit in the file they test, and a story counts those files too."""
    files = {
        "flag.go": "package cli\n\ntype FlagBase[T any, C any] struct {\n\tValue T\n}\n",
        "src/lib.rs": "pub fn f() {}\n\n#[cfg(test)]\nmod tests {}\n",
        "tests/it.rs": "#[test]\nfn it() {}\n",
    }
    tree = Tree(Path("."), files=files, paths=set(files))
    told = [
        ("t", "`FlagBase`, a struct in `flag.go`.\n\n"
         "The test suite has 1 file in `tests`, plus tests inside 1 source file.")
    ]  # fmt: skip
    checker = Checker(tree, {"language": "Rust", "min_test_files": 2})
    assert [f.problem for f in checker.check_script(told) if "whole" not in f.sentence] == []
    lie = Checker(tree, {"language": "Rust"})
    lie.check_script([("t", "The test suite has 1 file, plus tests inside 5 source files.")])
    assert any("carry their own tests" in f.problem for f in lie.findings)


def test_checker_reads_a_cargo_workspace_and_platform_tables() -> None:
    files = {
        "Cargo.toml": '[package]\nname = "a"\n\n[workspace]\nmembers = ["b"]\n\n'
        '[dev-dependencies]\nx = "1"\n\n'
        "[target.'cfg(unix)'.dev-dependencies]\ny = \"1\"\n",
    }
    tree = Tree(Path("."), files=files, paths=set(files))
    told = [("t", "For development it adds 2 more packages: `x` and `y`.")]
    checker = Checker(tree, {"language": "Rust"})
    assert checker.check_script(told) == [] or all("whole" in f.sentence for f in checker.findings)
    assert "cargo test --workspace" in checker.allowed_commands()
    members = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
        "crates/a/Cargo.toml": '[package]\nname = "a"\n',
        "crates/b/Cargo.toml": '[package]\nname = "b"\n',
        "tests/c/Cargo.toml": '[package]\nname = "c"\n',
    }
    tree = Tree(Path("."), files=members, paths=set(members))
    for count, false in ((2, False), (3, True)):
        said = Checker(tree, {"language": "Rust"})
        said.check_script([("t", f"The build is a workspace of {count} packages: `a` and `b`.")])
        assert any("workspace joins" in f.problem for f in said.findings) is false


def test_checker_reads_a_pnpm_workspace_and_its_exclusions() -> None:
    members = {
        "package.json": '{"private": true}',
        "pnpm-workspace.yaml": "packages:\n- 'packages/*'\n  - \"!packages/site\"\nlink: true\n",
        "packages/a/package.json": '{"name": "a"}',
        "packages/b/package.json": '{"name": "b"}',
        "packages/site/package.json": '{"name": "site"}',
    }
    tree = Tree(Path("."), files=members, paths=set(members))
    for count, false in ((2, False), (3, True), (0, True)):
        said = Checker(tree, {"language": "JavaScript"})
        said.check_script([("t", f"The build is a workspace of {count} packages: `a` and `b`.")])
        assert any("workspace joins" in f.problem for f in said.findings) is false


def test_checker_keeps_comment_markers_inside_strings() -> None:
    """A route `"/*"` or a glob `r"**/*"` opens no comment: the code after it is still there."""
    files = {
        "mux.go": 'package router\n\nvar all = "/*"\n\n// Mount attaches.\n'
        'func (mx *Mux) Mount(pattern string) {}\n\nvar end = "*/"\n',
        "src/glob.rs": 'const ALL: &str = r#"**/*"#;\n\npub fn matches(path: &str) -> bool {\n'
        '    true\n}\n\nconst END: &str = "*/";\n',
    }
    tree = Tree(Path("."), files=files, paths=set(files))
    told = [
        ("t", "Its signature is `func (mx *Mux) Mount(pattern string)`.\n\n"
         "Its signature is `pub fn matches(path: &str) -> bool`.")
    ]  # fmt: skip
    checker = Checker(tree, {"language": "Go"})
    assert [f for f in checker.check_script(told) if "whole" not in f.sentence] == []


def test_checker_reads_go_requirements_by_the_go_tools_rules() -> None:
    """Only `require` requires; a module only tests, skipped folders or a nested module's
    files import is not needed at run time."""
    files = {
        "go.mod": "module example.com/x\n\nrequire (\n\texample.com/a v1.0.0 // pinned\n"
        "\texample.com/t v1.0.0\n\texample.com/i v1.0.0 // indirect\n)\n\n"
        "replace example.com/r v1.0.0 => ../r\n",
        "x.go": 'package x\n\nimport "example.com/a"\n',
        "x_test.go": 'package x\n\nimport "example.com/t"\n',
        "testdata/gen.go": 'package main\n\nimport "example.com/t"\n',
        "docs/go.mod": "module example.com/x/docs\n",
        "docs/site.go": 'package docs\n\nimport "example.com/t"\n',
        "tools.go": '//go:build tools\n\npackage tools\n\nimport _ "example.com/gen"\n',
    }
    files["go.mod"] += "\nrequire example.com/gen v0.1.0\n"
    assert Tree(Path("."), files=files, paths=set(files)).dependencies() == (
        {"example.com/a"},
        {"example.com/t", "example.com/gen"},
    )


def test_checker_counts_no_skipped_go_folder_or_fixtures_as_own_code() -> None:
    own = "package x\n" + "var a = 1\n" * 99
    files = {
        "x.go": own,
        "_scripts/gen.go": own * 5,
        "pkg/_fixtures/prog.go": own * 5,
        "test-fixtures/data.go": own * 5,
    }
    tree = Tree(Path("."), files=files, paths=set(files))
    checker = Checker(tree, {"language": "Go"})
    checker.check_script([("t", "It is written in Go: 100 lines of the project's own code.")])
    assert [f for f in checker.findings if "whole" not in f.sentence] == []


def test_checker_reads_c_export_macros() -> None:
    """C libraries wrap a public function's return type in an export macro; the function is
    still defined there, and a call after another macro is not a definition."""
    text = "LIB_PUBLIC(lib_t *) lib_parse(const char *value)\n{\n    CHECK(helper(value));\n}\n"
    tree = Tree(Path("."), files={"lib.c": text}, paths={"lib.c"})
    checker = Checker(tree, {"language": "C", "library": True})
    checker.check_placements("`lib_parse` is a function in `lib.c`.")
    assert not checker.findings
    checker.check_placements("`helper` is a function in `lib.c`.")
    assert checker.findings
    # Other C and C++ habits: an attribute macro, a name in parentheses, C linkage, a
    # template's alias, a variadic template.
    forms = {
        "log_add": "void printflike(1, 2) log_add(const char *, ...);",
        "lib_callmeta": "LIB_API int (lib_callmeta) (lib_State *L, int obj);",
        "fuzz": 'extern "C" int fuzz(const uint8_t *data, size_t size) {',
        "Table": "  typedef OrderedList<const char*, Comparator> Table;",
        "count_args": "template <typename... Args> constexpr auto count_args() -> size_t {",
    }
    for name, line in forms.items():
        assert defines(line, "x.h", name), line


def test_checker_reads_the_gradle_build_beside_a_leftover_pom() -> None:
    """A pom.xml that declares another version than the release is a leftover: the Gradle
    build's dependencies are the project's, and `gradle test` runs its tests."""
    files = {
        "pom.xml": "<project><version>4.0.0-alpha-3</version><dependencies><dependency>"
        "<artifactId>junit</artifactId><scope>test</scope></dependency><dependency>"
        "<artifactId>hamcrest</artifactId><scope>test</scope></dependency></dependencies>"
        "</project>",
        "build.gradle": "buildscript {\n  dependencies {\n    classpath 'org.x:plugin:1.0'\n"
        "  }\n}\ndependencies {\n    testImplementation 'junit:junit:4.12'\n}\n",
    }
    tree = Tree(Path("."), files=files, paths=set(files))
    checker = Checker(tree, {"language": "Java", "version": "4.6.2", "library": True})
    checker.check_script([("t", "For development it adds 1 more package, such as `junit`.")])
    checker.check_script([("t", "Run it with `gradle test`.")])
    assert [f.problem for f in checker.findings if f.sentence != "(whole story)"] == []
    assert tree.dependencies() == (set(), {"junit"})


def test_checker_hears_the_narrator_again_after_a_quote() -> None:
    """ "Its method `stop` stops workers" after a quoted comment is the narrator's summary,
    not more of the authors' words."""
    files = {"a.py": 'class Pool:\n    """Pool keeps the workers alive."""\n\n'
             '    def stop(self):\n        """Stop workers."""\n\n    def run(self):\n'
             "        pass\n"}  # fmt: skip
    tree = Tree(Path("."), files=files, paths=set(files))
    checker = Checker(tree, {"language": "Python", "library": True})
    story = (
        "The class `Pool` lives in `a.py`. Its comment reads: Pool keeps the workers "
        "alive. Its method `stop` stops workers; it also has `run`."
    )
    checker.check_script([("t", story)])
    assert [f.problem for f in checker.findings if f.sentence != "(whole story)"] == []


def test_checker_leaves_the_amalgamated_single_header_out_of_the_own_code() -> None:
    header = "int f(int x);\n" * 100
    files = {"include/lib/lib.hpp": header, "single_include/lib/lib.hpp": header * 3}
    tree = Tree(Path("."), files=files, paths=set(files))
    checker = Checker(tree, {"language": "C++", "library": True})
    checker.check_numbers("It is written in C++: about 100 lines of the project's own code.")
    assert checker.findings == []


def test_checker_reads_an_attribute_between_struct_and_its_name() -> None:
    files = {"sds.h": "struct __attribute__ ((__packed__)) sdshdr8 {\n    int len;\n};\n"}
    tree = Tree(Path("."), files=files, paths=set(files))
    told = [("t", "`sds.h` has 3 lines; it defines `sdshdr8`.")]
    checker = Checker(tree, {"language": "C"})
    assert [f for f in checker.check_script(told) if "whole" not in f.sentence] == []


def test_checker_reads_a_default_export_made_by_a_factory() -> None:
    """A value a factory makes (`ky`, the value `createInstance` in `index.ts` makes) is
    true when the file binds ky to that call and exports ky by default."""
    files = {
        "index.ts": "const createInstance = () => {\n  return {};\n};\n\n"
        "const ky = createInstance();\n\nexport default ky;\n",
        "other.ts": "export const make = () => ({});\n",
        "alias.ts": "import {make} from './other';\nconst ky = make();\nexport {ky};\n",
    }
    tree = Tree(Path("."), files=files, paths=set(files))
    said = "What it hands its users is `ky`, the value `createInstance` in `{}` makes."
    truth = Checker(tree, {"language": "TypeScript", "library": True})
    truth.check_made_value(said.format("index.ts"))
    assert truth.findings == []
    lie = Checker(tree, {"language": "TypeScript", "library": True})
    lie.check_made_value(said.format("other.ts").replace("createInstance", "make"))
    assert any("no file hands out `ky`" in f.problem for f in lie.findings)
