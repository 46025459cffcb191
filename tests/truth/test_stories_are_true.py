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
from codestory.domain import ExpertiseLevel, Style
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
        "`NoSuchThing` is a class.",
        "At run time it needs 40 dependencies.",
        "It calls itself version 9.9.9.",
        "It is written in Python: 12 mysteries.",
        "Its signature is `def nowhere(x)` in `src/flask/app.py`.",
        "`src/flask/typing.py` has 90 lines. 400 other modules import it.",
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


def test_parallel_parsing_tells_the_same_story() -> None:
    root = tree_root("commons-lang")
    alone = analyse(root, name="commons-lang", processes=1)
    shared = analyse(root, name="commons-lang", processes=2)
    assert alone == shared


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
