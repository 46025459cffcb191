from __future__ import annotations

import re
from pathlib import Path

import pytest

from codestory.analysis import RepoFacts, analyse
from codestory.core.domain import ExpertiseLevel, Style
from codestory.narrative import Script
from codestory.narrative.phrases import join_words
from codestory.narrative.template import MAX_CHAPTERS, MIN_CHAPTERS, write_script
from tests.support import SAMPLE_PROJECT
from tests.support import write_files as write
from tests.truth.checker import sentences

CODE_SPAN = re.compile(r"`([^`]+)`")
RUNNERS = {"make", "pytest", "npm", "go", "cargo", "mvn", "tox", "nox", "ctest"}


@pytest.fixture
def facts(tmp_path: Path) -> RepoFacts:
    return analyse(write(tmp_path, SAMPLE_PROJECT), name="tally")


def spans(script: Script) -> set[str]:
    return {m for c in script.chapters for m in CODE_SPAN.findall(c.text)}


def test_every_name_in_backticks_exists(facts: RepoFacts, tmp_path: Path) -> None:
    """Paths must be files or folders of the checkout; other names must be defined in it."""
    script = write_script(facts, style=Style.DEEP_DIVE, level=ExpertiseLevel.EXPERT)
    source = "\n".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    for name in spans(script):
        if (tmp_path / name).exists() or name.split()[0] in RUNNERS:
            continue
        if "/" in name or name.endswith((".py", ".md", ".toml")):
            assert (tmp_path / name).exists(), f"{name!r} is invented"
        else:
            words = re.findall(r"[A-Za-z_]\w*", name)
            assert all(w in source for w in words), f"{name!r} is not in the code"


def test_chapters_explain_the_project(facts: RepoFacts) -> None:
    script = write_script(facts)
    titles = [c.title for c in script.chapters]
    assert MIN_CHAPTERS <= len(titles) <= MAX_CHAPTERS
    assert titles[0] == "What tally is"
    assert titles[-1] == "Where to start reading"
    text = "\n".join(c.text for c in script.chapters)
    for fact in ["Tally counts words", "`main`", "`render`", "`pytest`", "GitHub Actions"]:
        assert fact in text
    assert "No automated tests" not in text


def test_missing_tests_are_said_only_when_there_are_none(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path, {"hello.py": "print('hi')\n"}), name="hello")
    script = write_script(facts)
    assert len(script.chapters) >= MIN_CHAPTERS
    assert any("No automated tests were found" in c.text for c in script.chapters)
    text = "\n".join(c.text for c in script.chapters)
    assert "It has no README" in text
    assert "Start with `hello.py`" in text  # the reading list is never empty


def test_focus_areas_match_roles_and_words_not_substrings(facts: RepoFacts) -> None:
    focused = write_script(facts, focus_areas=["report", "nowhere", "port"])
    titles = [c.title for c in focused.chapters]
    assert "A closer look at report" in titles
    assert "A closer look at nowhere" not in titles  # nothing matches: nothing invented
    assert "A closer look at port" not in titles  # `report` is not about ports
    assert len(focused.chapters) <= MAX_CHAPTERS


def test_levels_and_styles_change_substance(facts: RepoFacts) -> None:
    beginner = write_script(facts, level=ExpertiseLevel.BEGINNER)
    expert = write_script(facts, level=ExpertiseLevel.EXPERT, style=Style.DEEP_DIVE)
    beginner_text = "\n".join(c.text for c in beginner.chapters)
    expert_text = "\n".join(c.text for c in expert.chapters)
    assert "the place where a program starts running" in beginner_text  # terms defined
    assert "the place where a program starts running" not in expert_text
    assert "Modules to know" not in [c.title for c in beginner.chapters]  # no internals
    assert "signature is" in expert_text


def test_join_words() -> None:
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"
    assert join_words(["a, x", "b", "c"], separator="; ") == "a, x; b; and c"


def test_authors_words_keep_their_case_and_sphinx_roles_are_read_as_words(
    tmp_path: Path,
) -> None:
    facts = analyse(
        write(
            tmp_path,
            {
                "README.md": "# jq\n\njq is a lightweight and flexible command-line JSON "
                "processor.\n",
                "jq.py": '"""Run jq."""\n\n\ndef debug():\n'
                '    """Read the :envvar:`JQ_DEBUG` variable and say whether to trace."""\n',
            },
        ),
        name="jq",
    )
    text = "\n".join(c.text for c in write_script(facts).chapters)
    assert "In its own words: jq is a lightweight" in text
    # The summary is said as the narrator's own predicate, every verb agreeing.
    assert "`debug`, a function in `jq.py`, reads the JQ_DEBUG variable and says whether" in text
    assert ":envvar:" not in text


def test_of_many_commands_three_are_named_among_them(tmp_path: Path) -> None:
    parsers = "".join(f"    s.add_parser('{n}')\n" for n in ("buy", "sell", "list", "ship"))
    files = {
        "pyproject.toml": '[project]\nname = "shop"\n[project.scripts]\nshop = "shop.cli:main"\n',
        "shop/__init__.py": "",
        "shop/cli.py": "import argparse\n\ndef main():\n    p = argparse.ArgumentParser()\n"
        f"    s = p.add_subparsers()\n{parsers}",
    }
    text = "\n".join(
        c.text for c in write_script(analyse(write(tmp_path, files), name="shop")).chapters
    )
    assert "It offers 4 command-line commands: `buy`, `sell` and `list` among them." in text


def test_roles_are_named_and_the_test_count_is_said_one_way(tmp_path: Path) -> None:
    files = {
        "README.md": "# shop\n\nShop sells things.\n",
        "pyproject.toml": '[project]\nname = "shop"\n[project.scripts]\nshop = "shop.cli:main"\n',
        "shop/__init__.py": "",
        "shop/cli.py": "import argparse\n\ndef main():\n    p = argparse.ArgumentParser()\n"
        "    s = p.add_subparsers()\n    s.add_parser('buy')\n    s.add_parser('sell')\n",
        "shop/models.py": "from dataclasses import dataclass\n\n@dataclass\nclass Item:\n"
        "    name: str\n\n@dataclass\nclass _Hidden:\n    x: int\n",
        "tests/__init__.py": "",
        "tests/conftest.py": "import pytest\n",
        "tests/test_cli.py": "from shop.cli import main\n\ndef test_main():\n    main()\n",
        "tests/test_models.py": "from shop.models import Item\n\ndef test_item():\n    Item('a')\n",
        "tests/data/order.json": "{}\n",
    }
    script = write_script(analyse(write(tmp_path, files), name="shop"))
    text = "\n".join(c.text for c in script.chapters)
    assert "It offers 2 command-line commands: `buy` and `sell`." in text
    assert "Its 2 data models include `Item`." in text  # the private one is counted, not named
    assert "`_Hidden`" not in text
    # The test chapter counts test modules, not the package marker, conftest.py or
    # fixtures, and the layout leaves the folder to it: one number, said once.
    assert "The test suite has 2 files in `tests`" in text
    assert "`tests`, 2 test files" not in text and text.count("in `tests`") == 1


def test_a_clap_command_is_named_by_its_command_attribute_not_its_derive(
    tmp_path: Path,
) -> None:
    cli = (
        "use clap::{Args, Parser, Subcommand};\n\n"
        '#[derive(Parser)]\n#[command(name = "seek", version, about = "Finds things")]\n'
        "pub struct Opts {\n    #[command(subcommand)]\n    pub action: Action,\n}\n\n"
        "#[derive(Subcommand)]\npub enum Action {\n    Find,\n}\n\n"
        "#[derive(Args)]\npub struct Filters {\n    pub hidden: bool,\n}\n"
    )
    grammar = '#[derive(Parser)]\n#[grammar = "expr.pest"]\npub struct ExprParser;\n'
    files = {
        "README.md": "# seek\n\nseek finds files.\n",
        "Cargo.toml": '[package]\nname = "seek"\nversion = "1.0.0"\n',
        "src/main.rs": "mod cli;\nmod expr;\n\nfn main() {\n    cli::run();\n}\n",
        "src/cli.rs": cli + "\npub fn run() {}\n",
        "src/expr.rs": grammar,
    }
    text = "\n".join(
        c.text for c in write_script(analyse(write(tmp_path, files), name="seek")).chapters
    )
    assert "It offers 1 command-line command: `seek`." in text
    assert "derive(" not in text  # neither the attribute nor a pest grammar's Parser


def test_code_at_the_top_level_is_said_before_a_smaller_folder(tmp_path: Path) -> None:
    """viper's shape: the package at the module root, helpers in `internal`."""
    big = "package conf\n\n" + "".join(f"func F{i}() int {{ return {i} }}\n" for i in range(40))
    files = {
        "README.md": "# conf\n\nconf is a configuration library for Go programs.\n",
        "go.mod": "module example.com/conf\n",
        "conf.go": big,
        "file.go": big.replace("F", "G"),
        "conf_test.go": 'package conf\n\nimport "testing"\n\nfunc TestF(t *testing.T) {}\n',
        "internal/codec/codec.go": "package codec\n\nfunc Encode() {}\n",
        "internal/codec/yaml.go": "package codec\n\nfunc Yaml() {}\n",
    }
    script = write_script(analyse(write(tmp_path, files), name="conf"))
    layout = next(c for c in script.chapters if c.title == "How it is organised")
    # Worded by the story's turn; what it says is the same.
    assert layout.paragraphs[0].endswith("at the top level: 2 source files next to the README.")
    assert layout.paragraphs[1] == "More of the code lives in `internal`, 2 files of mostly Go."


def test_a_handed_out_class_is_followed_through_the_method_that_sets_it_to_work(
    tmp_path: Path,
) -> None:
    """commander's shape: the path starts at `Command.parse`, not at constructor set-up."""
    index = (
        "/** A command with its options. */\nclass Command {\n"
        "  constructor() {\n    this.colours = useColour();\n  }\n"
        "  /** Parse the arguments and run the matching action. */\n"
        "  parse(argv) {\n    return this.dispatch(argv);\n  }\n"
        "  /** Run the action the arguments name. */\n"
        "  dispatch(argv) {\n    return argv.length;\n  }\n}\n"
        "/** Whether to colour the output. */\nfunction useColour() {\n  return true;\n}\n"
        "module.exports = Command;\n"
    )
    files = {
        "README.md": "# cmdr\n\ncmdr is a small library for command-line programs.\n",
        "package.json": '{"name": "cmdr", "main": "index.js"}',
        "index.js": index,
    }
    script = write_script(analyse(write(tmp_path, files), name="cmdr"))
    text = "\n".join(c.text for c in script.chapters)
    # The start and its first call are one sentence, ending on what the authors say it does.
    assert (
        "Its users set it to work with `Command.parse`, which calls `Command.dispatch`, "
        "which runs the action the arguments name." in text
    )


def test_a_click_program_is_not_its_own_subcommand(tmp_path: Path) -> None:
    """black's shape: `@click.command()` on `main` is the program `black`, not a command
    called `main`; a group's subcommands are commands. Benchmark inputs stay out."""
    cli = (
        "import click\n\n\n@click.command()\ndef main():\n    pass\n\n\n"
        "@click.group()\ndef tools():\n    pass\n\n\n"
        "@tools.command()\ndef clean_cache():\n    pass\n"
    )
    files = {
        "README.md": "# fmt\n\nfmt is an uncompromising formatter for code.\n",
        "pyproject.toml": '[project]\nname = "fmt"\n[project.scripts]\nfmt = "fmt.cli:main"\n',
        "fmt/__init__.py": "",
        "fmt/cli.py": cli,
        "profiling/huge_input.py": "x = [\n" + "    1,\n" * 2000 + "]\n",
    }
    facts = analyse(write(tmp_path, files), name="fmt")
    text = "\n".join(c.text for c in write_script(facts).chapters)
    assert "It offers 1 command-line command: `clean-cache`." in text
    assert facts.kinds.get("benchmark") == 1 and facts.code_lines < 100


def test_the_rest_of_the_tree_is_one_list_and_ci_is_told_with_the_tests(
    facts: RepoFacts,
) -> None:
    from codestory.analysis.classify import FileKind
    from codestory.analysis.facts import Area

    areas = [
        Area(path="tally", files=4, kind=FileKind.SOURCE, language="Python"),
        Area(path="docs", files=48, kind=FileKind.DOCS),
        Area(path="bench", files=3, kind=FileKind.BENCHMARK),
    ]
    shaped = facts.model_copy(update={"areas": areas, "ci": ["GitHub Actions"]})
    told = {c.title: c.text for c in write_script(shaped).chapters}
    layout = sentences(told["How it is organised"])
    assert any("`docs`, 48 files; and the benchmarks in `bench`, 3 files." in s for s in layout)
    testing = told["How to build and test it"]
    assert "; continuous integration runs on GitHub Actions." in testing
    assert "Continuous integration" not in testing


def test_area_and_model_sentences_agree_in_grammar() -> None:
    from codestory.analysis.classify import FileKind
    from codestory.analysis.facts import Area
    from codestory.narrative.template import Voice, _area_sentence, _named

    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW)
    docs = Area(path="docs", files=48, kind=FileKind.DOCS)
    tests = Area(path="tests", files=9, kind=FileKind.TEST)
    assert _area_sentence(docs, voice, 1) == "The documentation sits in `docs`, 48 files."
    assert _area_sentence(tests, voice, 1) == "The tests sit in `tests`, 9 files."
    # "Its 20 data models include such as ..." was said once: "include" already says "some".
    assert _named(["A", "B", "C", "D"], such_as=False) == "`A`, `B` and `C`"
    assert _named(["A", "B", "C", "D"]) == "such as `A`, `B` and `C`"


def test_two_names_with_one_description_are_told_once(tmp_path: Path) -> None:
    doc = '    """The central object of an application."""\n'
    files = {
        "README.md": "# twin\n\nTwin does things.\n",
        "twin/__init__.py": "",
        "twin/app.py": f"class App:\n{doc}",
        "twin/core.py": f"from twin.app import App\n\n\nclass Core(App):\n{doc}",
        **{
            f"twin/use{n}.py": "from twin.app import App\nfrom twin.core import Core\n\n"
            "def f():\n    return App(), Core()\n"
            for n in range(3)
        },
    }
    script = write_script(analyse(write(tmp_path, files), name="twin"))
    text = "\n".join(c.text for c in script.chapters)
    assert text.lower().count("the central object of an application") == 1


def test_the_story_says_less_where_few_calls_could_be_followed(tmp_path: Path) -> None:
    chain = "".join(
        f"def step{i}(x):\n    y = x + 1\n    return step{i + 1}(y)\n\n" for i in range(8)
    )
    files = {
        "pyproject.toml": '[project]\nname = "p"\n[project.scripts]\np = "p.cli:main"\n',
        "p/__init__.py": "",
        "p/cli.py": "from p.chain import step0\n\ndef main():\n    return step0(1)\n",
        "p/chain.py": chain + "def step8(x):\n    y = x\n    return y\n",
    }
    facts = analyse(write(tmp_path, files), name="p")
    assert facts.resolution == 1.0  # every call to a name it defines was followed
    told = write_script(facts).chapters
    sure = next(c.text for c in told if c.title.startswith("Where it starts"))
    assert "`step5`" in sure
    unsure = facts.model_copy(update={"resolution": 0.1})
    text = next(c.text for c in write_script(unsure).chapters if c.title.startswith("Where"))
    assert "`step1`" in text and "`step5`" not in text  # one short path, no guessing on


def test_a_tool_with_no_declared_start_is_not_called_a_library(tmp_path: Path) -> None:
    files = {
        "README.md": "# tidy\n\ntidy is a command-line tool for tidying notes.\n",
        "tidy/core.py": "def tidy(x):\n    y = helper(x)\n    return y\n\n"
        "def helper(x):\n    z = x\n    return z\n",
    }
    facts = analyse(write(tmp_path, files), name="tidy")
    assert facts.kind == "cli"
    text = "\n".join(c.text for c in write_script(facts).chapters)
    assert "is a library" not in text
    assert "No file here declares where it starts" in text


def test_the_parts_chapter_reads_like_a_layer_diagram(tmp_path: Path) -> None:
    files = {
        "go.mod": "module example.org/x\n\ngo 1.21\n",
        "cmd/x/main.go": 'package main\n\nimport (\n\t"example.org/x/core"\n'
        '\t"example.org/x/util"\n)\n\nfunc main() {\n\tcore.Run()\n\tutil.Log()\n}\n',
        "cmd/x/flags.go": "package main\n\nfunc flags() int {\n\treturn 1\n}\n",
        "core/run.go": 'package core\n\nimport "example.org/x/util"\n\n'
        "// Run runs.\nfunc Run() {\n\tutil.Log()\n}\n",
        "core/more.go": "package core\n\nfunc more() int {\n\treturn 2\n}\n",
        "util/log.go": "package util\n\n// Log logs.\nfunc Log() {\n}\n",
        "util/more.go": "package util\n\nfunc more() int {\n\treturn 3\n}\n",
    }
    facts = analyse(write(tmp_path, files), name="x")
    chapter = next(
        c for c in write_script(facts).chapters if c.title == "How the parts fit together"
    )
    # Top, between, underneath: the order a layer diagram is read in.
    assert chapter.text == (
        "`cmd` is on top: it draws on `core` and `util`, and no other part draws on it. "
        "`core` sits between: `cmd` uses it, and it uses `util`. "
        "At the bottom sits `util`, which imports no other part; `cmd` and `core` rely on it."
    )


def test_steps_are_followed_to_what_their_authors_say_of_them() -> None:
    """A sentence follows the calls until it reaches a step the authors describe and ends on
    their words, so its shape is the path's own, not a sentence every story has."""
    from codestory.analysis.facts import ControlStep
    from codestory.core.domain import ExpertiseLevel, Style
    from codestory.narrative.template import Voice, _told_steps

    steps = [
        ControlStep(path="a.py", name="main", line=1),
        ControlStep(path="b.py", name="run", line=1),
        ControlStep(path="b.py", name="loop", line=5),
        ControlStep(path="c.py", name="tick", line=1, doc="Update the clock by one step."),
        ControlStep(path="c.py", name="draw", line=9, doc="A frame: what the screen shows."),
        ControlStep(path="c.py", name="flush", line=20),
    ]
    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW)
    assert _told_steps(steps[1:], steps, voice) == [
        "`main` calls `run` in `b.py`, and that hands the work to `loop`, which in turn "
        "goes on to `tick` in `c.py`, which updates the clock by one step, "
        # One more call carries on the sentence; a summary that is no verb phrase is
        # quoted, and the quote ends the sentence: what follows starts a new one.
        "and `tick` calls `draw`, which its comment sums up as: A frame: what the screen "
        "shows.",
        "`draw` hands the work to `flush`.",
    ]
    # The path's opening leads into its first calls.
    told = _told_steps(steps[1:3], steps, voice, lead="A run begins at `main` in `a.py`, which")
    assert told == [
        "A run begins at `main` in `a.py`, which calls `run` in `b.py`, and that hands the "
        "work to `loop`."
    ]


def test_stories_of_different_projects_do_not_share_one_wording() -> None:
    from codestory.narrative.template import Voice

    shapes = ["first wording", "second wording", "third wording"]
    voices = [
        Voice(level=ExpertiseLevel.INTERMEDIATE, style=Style.OVERVIEW, turn=t) for t in range(3)
    ]
    # Each story starts at its own turn and moves on within itself.
    assert {v.shape(shapes) for v in voices} == set(shapes)
    assert [voices[0].shape(shapes, i) for i in range(3)] == shapes


def test_key_ideas_are_more_than_one_types_methods(facts: RepoFacts) -> None:
    from codestory.analysis.facts import MemberFact, SymbolFact

    def symbol(name: str, kind: str, methods: list[str] = []) -> SymbolFact:  # noqa: B006
        return SymbolFact(
            name=name, kind=kind, path="core.go", line=1, doc=f"{name} does its part.",
            used_by=3, methods=[MemberFact(name=m, path="core.go", line=2) for m in methods],
        )  # fmt: skip

    ranked = [
        symbol("Command", "struct", ["Name", "Run"]),
        *(symbol(f"Command.{m}", "method") for m in ("Name", "Run", "Flags", "Args", "Path")),
        symbol("Parser", "struct"),
    ]
    shaped = facts.model_copy(update={"key_symbols": ranked, "control_paths": []})
    ideas = next(c.text for c in write_script(shaped).chapters if c.title == "The key ideas")
    # The methods told with their type are not ideas again; two more of its methods at most.
    assert "`Command.Name`" not in ideas and "`Command.Run`" not in ideas
    assert "`Command.Flags`" in ideas and "`Command.Args`" in ideas
    assert "`Command.Path`" not in ideas and "`Parser`" in ideas


def test_a_path_that_ends_in_a_long_body_says_so(facts: RepoFacts) -> None:
    from codestory.analysis.facts import ControlStep

    steps = [
        ControlStep(path="tally/cli.py", name="main", line=1, lines=12),
        ControlStep(path="tally/core.py", name="run_loop", line=5, lines=420),
    ]
    told = write_script(facts.model_copy(update={"control_paths": [steps]})).chapters
    text = next(c.text for c in told if c.title.startswith("Where it starts"))
    assert "`run_loop`" in text and "about 420 lines" in text and "longest body" in text
    short = [steps[0], steps[1].model_copy(update={"lines": 30})]
    told = write_script(facts.model_copy(update={"control_paths": [short]})).chapters
    assert "longest body" not in next(c.text for c in told if c.title.startswith("Where"))


def test_a_library_registers_routes_rather_than_serving_them(tmp_path: Path) -> None:
    """A router library's profiler middleware mounts its routes for the program using it."""
    files = {
        "go.mod": "module example.com/router\n",
        "router.go": "package router\n\ntype Mux struct{}\n\n"
        "func (m *Mux) Get(p string, h func()) {}\n",
        "middleware/profiler.go": 'package middleware\n\nimport "example.com/router"\n\n'
        "func Profiler() {\n\tr := &router.Mux{}\n"
        '\tr.Get("/pprof", index)\n\tr.Get("/vars", vars)\n}\n\n'
        "func index() {}\n\nfunc vars() {}\n",
    }
    text = " ".join(
        c.text for c in write_script(analyse(write(tmp_path, files), name="router")).chapters
    )
    assert "Its code registers 2 HTTP routes, all in `middleware/profiler.go`." in text
    assert "It serves" not in text


def test_a_bare_class_name_is_no_signature_and_overloads_are_one_name(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "web"\n',
        "README.md": "# web\n\n```python\nfrom web.app import App\n\napp = App()\n```\n",
        "web/__init__.py": "",
        "web/app.py": (
            "from web.routing import Router\n\n\nclass App:\n    def __init__(self):\n"
            "        self.router = Router()\n        self.ready = True\n"
        ),
        "web/routing.py": (
            "from typing import overload\n\n\nclass Router:\n    def __init__(self):\n"
            "        self.routes = []\n        self.names = {}\n\n\n"
            "@overload\ndef route(x: int) -> int: ...\n@overload\ndef route(x: str) -> str: ...\n"
            "def route(x):\n    return x\n"
        ),
    }
    facts = analyse(write(tmp_path, files), name="web")
    routing = facts.modules["web/routing.py"]
    assert routing.definitions == ["Router", "route"]
    script = write_script(facts, style=Style.DEEP_DIVE, level=ExpertiseLevel.EXPERT)
    assert facts.control_paths and facts.control_paths[0][0].name == "App"
    assert "Its signature is `App`" not in "\n".join(c.text for c in script.chapters)


def test_a_python_packages_main_module_is_run_with_python_m(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "paint"\ndescription = "A painting library."\n',
        "src/paint/__init__.py": "def paint(x):\n    return x\n",
        "src/paint/__main__.py": "from paint import paint\n\n"
        'if __name__ == "__main__":\n    paint(1)\n',
    }
    facts = analyse(write(tmp_path, files), name="paint")
    text = "\n".join(c.text for c in write_script(facts).chapters)
    assert "`src/paint/__main__.py`, which `python -m paint` runs" in text
    assert "main function" not in text


def test_a_deprecated_name_is_no_key_idea(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "paint", "main": "index.js"}',
        "index.ts": "/** The colours a terminal can show. */\nexport type ColorName = 'red'\n\n"
        "/** @deprecated Use ColorName instead. */\nexport type Color = ColorName\n",
    }
    facts = analyse(write(tmp_path, files), name="paint")
    ideas = next(c for c in write_script(facts).chapters if c.title == "The key ideas")
    assert "`ColorName`" in ideas.text and "`Color`" not in ideas.text


def test_a_prerelease_or_development_version_says_so(tmp_path: Path) -> None:
    told = {}
    for version in ("6.0.0-alpha.2", "2.0.0rc1", "8.5.0.dev", "3.2.0"):
        files: dict[str, str | bytes] = {
            "pyproject.toml": f'[project]\nname = "v"\nversion = "{version}"\n',
            "v/__init__.py": "def run():\n    return 1\n",
        }
        facts = analyse(write(tmp_path / version, files), name="v")
        opening = write_script(facts).chapters[0].text
        told[version] = re.search(r"It calls itself version [^\n]*?\.(?=\s|$)", opening)
    assert {v: m.group(0) if m else None for v, m in told.items()} == {
        "6.0.0-alpha.2": "It calls itself version 6.0.0-alpha.2, a prerelease.",
        "2.0.0rc1": "It calls itself version 2.0.0rc1, a prerelease.",
        "8.5.0.dev": "It calls itself version 8.5.0.dev, a development version.",
        "3.2.0": "It calls itself version 3.2.0.",
    }


def test_modules_to_know_do_not_repeat_the_key_ideas(facts: RepoFacts) -> None:
    from codestory.analysis.facts import ModuleFact, SymbolFact

    ideas = [
        SymbolFact(name=n, kind="class", path=f"src/{n}.java", line=1, doc=f"{n} does it.")
        for n in ("Store", "Cache")
    ]
    modules = [
        ModuleFact(
            path=f"src/{n}.java",
            language="Java",
            lines=120,
            importers=4,
            definitions=[n],
            kind="source",
        )
        for n in ("Store", "Cache", "Journal")
    ]
    shaped = facts.model_copy(
        update={"key_symbols": ideas, "key_modules": modules, "control_paths": []}
    )
    told = {c.title: c.text for c in write_script(shaped).chapters}
    assert "`Store`" in told["The key ideas"]
    # One class a file: the module that only holds a told idea is not told again.
    assert "src/Journal.java" in told["Modules to know"]
    assert "src/Store.java" not in told["Modules to know"]


def test_key_ideas_tell_at_most_one_error_type(facts: RepoFacts) -> None:
    from codestory.analysis.facts import SymbolFact
    from codestory.narrative.template import Voice, _key_ideas

    def symbol(name: str) -> SymbolFact:
        return SymbolFact(name=name, kind="class", path=f"src/{name}.ts", line=1, doc=f"{name}.")

    facts.control_paths = []
    facts.key_symbols = [symbol(n) for n in ("HTTPError", "TimeoutError", "Client", "Options")]
    chosen = _key_ideas(facts, Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW))
    assert [s.name for s in chosen] == ["HTTPError", "Client", "Options"]


def test_a_key_idea_says_what_is_known_of_it_before_the_authors_words() -> None:
    """What a type is made of is one sentence whose shape follows its facts, and the authors'
    words come last, so stories do not share "Its most used methods are ..." sentences."""
    from codestory.analysis.facts import MemberFact, SymbolFact
    from codestory.narrative.template import Voice, _idea_sentence
    from tests.truth.checker import sentences

    runner = SymbolFact(
        name="Runner", kind="class", path="r.py", line=1, doc="The base of every runner.",
        heirs=["FastRunner"], methods=[MemberFact(name=m, path="r.py", line=2) for m in "ab"],
    )  # fmt: skip
    told = _idea_sentence(runner, Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW), 0)
    assert told.endswith("The base of every runner.")
    said = sentences(told)
    assert len(said) == 2 and "`FastRunner` builds on it" in said[0] and "`a`" in said[0]


def test_dependencies_are_worded_by_how_many_there_are(facts: RepoFacts) -> None:
    def told(**update: object) -> str:
        shaped = facts.model_copy(update={"optional_dependencies": [], **update})
        return next(c.text for c in write_script(shaped).chapters if c.title == "What it builds on")

    assert "needs just 2 dependencies: `a` and `b`" in told(dependencies=["a", "b"])
    many = told(dependencies=[f"d{n}" for n in range(20)])
    assert "needs a long list of 20 dependencies, among them" in many
    # No run-time dependency: what development takes is said in the same sentence.
    alone = told(dependencies=[], dev_dependencies=["pytest", "tox"])
    assert "2 packages" in alone and "development" in alone and "none" in alone
    assert len(sentences(alone)) == 1


def test_a_library_is_entered_in_the_sentence_that_names_its_first_call(tmp_path: Path) -> None:
    """ "Nothing here runs by itself, so the tour enters through its public API" was a
    sentence of every library's story; the first path's start now completes it."""
    files = {
        "README.md": "# tidy\n\ntidy is a library for tidying notes.\n",
        "tidy/__init__.py": "",
        "tidy/core.py": "def tidy(x):\n    y = helper(x)\n    return y\n\n"
        "def helper(x):\n    z = x\n    return z\n",
        **{
            f"tidy/use{n}.py": "from tidy.core import tidy\n\ndef f():\n    return tidy(1)\n"
            for n in range(3)
        },
    }
    facts = analyse(write(tmp_path, files), name="tidy")
    text = next(c.text for c in write_script(facts).chapters if c.title.startswith("Where"))
    assert re.search(r"public API, at `\w+` in `tidy/[\w.]+`, which (calls|hands|goes)", text)
    assert text.count("public API") == 1 and text.startswith(("tidy", "Nothing in tidy"))


def test_names_known_only_by_kind_and_place_are_one_sentence() -> None:
    from codestory.analysis.facts import SymbolFact
    from codestory.narrative.template import Voice, _bare, _bare_ideas

    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW)
    named = [
        SymbolFact(name=n, kind="function", path="lib.c", line=1) for n in ("a_new", "a_free")
    ] + [SymbolFact(name="Table", kind="struct", path="lib.h", line=1)]
    assert all(_bare(s, voice) for s in named)
    assert _bare_ideas(named, 2) == (
        "There are also the functions `a_new` and `a_free` in `lib.c` and the struct `Table` "
        "in `lib.h`."
    )
    assert not _bare(named[0].model_copy(update={"doc": "Make one."}), voice)


def test_the_run_from_the_entry_point_carries_on_the_sentence_that_names_it(
    tmp_path: Path,
) -> None:
    files = {
        "go.mod": "module example.com/tally\n",
        "main.go": "package main\n\nfunc main() {\n\trun()\n}\n\n"
        "// run counts the lines.\nfunc run() {\n}\n",
    }
    facts = analyse(write(tmp_path, files), name="tally")
    text = next(c.text for c in write_script(facts).chapters if c.title.startswith("Where"))
    assert re.search(
        r"^The entry point is the executable `tally`, built from `main\.go`; its `main` "
        r"(calls|hands the work to|goes on to) `run`, which counts the lines\.$",
        text,
    )


@pytest.mark.parametrize("name", ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"])
def test_a_key_idea_told_only_by_its_comment_is_a_whole_sentence(tmp_path: Path, name: str) -> None:
    """A documented function whose comment is no predicate ("Like strip but ...") and that
    has no parts to list is still introduced by a sentence with a verb, whatever wording the
    story's turn picks."""
    helpers = {
        "tidy": "Like strip but keeps the first blank line.",
        "fold": "Folds long lines at the given width.",
        "pad": "Pads each line to the given width.",
        "wrap": "Wraps text in the given marker.",
    }
    core = "".join(
        f"def {fn}(text):\n    '''{doc}'''\n    text = text.strip()\n    return text\n\n"
        for fn, doc in helpers.items()
    )
    users = {
        f"{name}/use{n}.py": f"from {name}.core import tidy, fold, pad, wrap\n\n"
        f"def use{n}(text):\n    return wrap(pad(fold(tidy(text))))\n"
        for n in range(4)
    }
    root = write(
        tmp_path / name,
        {
            "pyproject.toml": f'[project]\nname = "{name}"\nversion = "1.0"\n',
            "README.md": f"# {name}\n\nTidies text.\n",
            f"{name}/__init__.py": "",
            f"{name}/core.py": core,
            **users,
        },
    )
    script = write_script(analyse(root, name=name))
    told = "\n".join(c.text for c in script.chapters)
    assert "Like strip but keeps the first blank line" in told
    fragment = re.compile(r"(?m)(?:^|\. )`\w+`, an? \w+ in `[^`]+`(?:, used from [^.]+)?\.")
    assert not fragment.search(told), told
