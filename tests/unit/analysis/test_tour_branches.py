"""A tour branches where its way in also sends the work elsewhere; a README link is read."""

from __future__ import annotations

import os
import re
from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.readme import summarise_readme
from codestory.core.domain import Style
from codestory.narrative.template import write_script
from tests.support import write_files as write


def _chain(names: list[str]) -> str:
    """Functions each calling the next, with bodies long enough to be real steps."""
    text = ""
    for name, onward in zip(names, [*names[1:], None], strict=True):
        call = f"    return {onward}(rows + [{len(name)}])\n" if onward else "    return rows\n"
        text += f"def {name}(rows):\n    rows = list(rows)\n    rows.append(len(rows))\n{call}\n"
    return text


def test_a_way_in_that_calls_two_chains_is_told_as_a_path_and_its_branch(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "tally"\nversion = "1.0"\n'
            '[project.scripts]\ntally = "tally.cli:main"\n',
            "tally/__init__.py": "",
            "tally/cli.py": (
                "from tally.load import load_rows\nfrom tally.show import render_rows\n\n"
                "def main():\n    rows = load_rows([])\n    shown = render_rows(rows)\n"
                "    return shown\n"
            ),
            "tally/load.py": _chain(["load_rows", "parse_rows", "split_rows", "clean_rows"]),
            "tally/show.py": _chain(["render_rows", "layout_rows", "paint_rows", "flush_rows"]),
        },
    )
    facts = analyse(root, name="tally")
    first, second = facts.control_paths[:2]
    assert first[0].name == "main" and not first[0].branch
    # The branch leaves `main` again and goes down the chain the first path did not take.
    assert second[0].name == "main" and second[0].branch
    firsts = {first[1].name, second[1].name}
    assert firsts == {"load_rows", "render_rows"}
    assert not {s.name for s in first[1:]} & {s.name for s in second[1:]}
    told = "\n".join(c.text for c in write_script(facts, style=Style.DEEP_DIVE).chapters)
    assert f"`{second[1].name}`" in told


def test_a_path_that_never_forks_has_no_branch(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "line"\nversion = "1.0"\n'
            '[project.scripts]\nline = "line.cli:main"\n',
            "line/__init__.py": "",
            "line/cli.py": "from line.work import step_one\n\n"
            "def main():\n    rows = step_one([])\n    return rows\n",
            "line/work.py": _chain(["step_one", "step_two", "step_three"]),
        },
    )
    paths = analyse(root, name="line").control_paths
    assert len(paths) == 1 and not any(step.branch for path in paths for step in path)


def test_a_top_level_readme_linked_to_the_main_package_is_read(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"private": true, "workspaces": ["packages/*"]}',
            "packages/core/package.json": '{"name": "core", "version": "1.0.0"}',
            "packages/core/README.md": "# Core\n\nCore is a tiny schema checker for data.\n",
            "packages/core/index.js": "export function check(x) {\n  return x;\n}\n",
            "packages/app-docs/README.md": "# docs-site\n\nThe website.\n",
        },
    )
    os.symlink("packages/core/README.md", root / "README.md")
    facts = analyse(root, name="repo")
    assert facts.readme is not None and facts.readme.path == "packages/core/README.md"
    assert facts.description == "Core is a tiny schema checker for data."


def test_a_readme_link_that_leaves_the_checkout_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("# Secret\n\nA private note kept outside.\n")
    root = write(
        tmp_path / "repo",
        {
            "lib/index.js": "export function check(x) {\n  return x;\n}\n",
            "docs/README.md": "# Docs\n\nNotes for the site only.\n",
        },
    )
    os.symlink(tmp_path / "secret.md", root / "README.md")
    facts = analyse(root, name="repo")
    assert facts.readme is not None and facts.readme.path == "docs/README.md"
    assert "private" not in (facts.description or "")


def test_a_readme_titled_by_a_centred_html_heading() -> None:
    text = (
        '<p align="center">\n  <img src="logo.svg" alt="" />\n'
        '  <h1 align="center">Zed</h1>\n</p>\n\n'
        "Zed is a small library that checks data against schemas.\n\n## Read the docs\n"
    )
    summary = summarise_readme("README.md", text, None)
    assert summary.title == "Zed"


def test_an_error_raised_on_the_way_is_never_a_step(tmp_path: Path) -> None:
    """`raise BadPayload(...)` reports a failure: the path ends where the work ends."""
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "sig"\nversion = "1.0"\n'
            '[project.scripts]\nsig = "sig.cli:main"\n',
            "sig/__init__.py": "",
            "sig/exc.py": (
                "class BadData(Exception):\n    def __init__(self, m):\n        self.m = m\n"
                "        self.n = len(m)\n\n"
                "class BadPayload(BadData):\n    def __init__(self, m):\n"
                "        super().__init__(m)\n        self.k = 1\n"
            ),
            "sig/cli.py": (
                "from sig.work import decode\n\n"
                "def main(rows):\n    rows = list(rows)\n    return decode(rows)\n"
            ),
            "sig/work.py": (
                "from sig.exc import BadPayload\n\n"
                "def decode(rows):\n    rows = [r.strip() for r in rows]\n    if not rows:\n"
                "        raise BadPayload('empty')\n    return rows\n"
            ),
        },
    )
    steps = [s.name for path in analyse(root, name="sig").control_paths for s in path]
    assert steps[:2] == ["main", "decode"] and not {"BadPayload", "BadData"} & set(steps)


def test_a_tour_never_starts_at_an_error_type(tmp_path: Path) -> None:
    """An error class every module raises is among the most used names, and its
    constructor leads somewhere; it still reports a failure, so no path starts there."""
    users = {
        f"sig/part{n}.py": (
            "from sig.errors import SigError\n\n"
            f"def check{n}(rows):\n    rows = list(rows)\n    if not rows:\n"
            f"        raise SigError('part{n}')\n    return rows\n"
        )
        for n in range(4)
    }
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "sig"\nversion = "1.0"\n',
            "sig/__init__.py": "",
            "sig/errors.py": (
                "from sig.text import format_message\n\n"
                "class SigError(Exception):\n    '''Raised when a part fails.'''\n\n"
                "    def __init__(self, message):\n        super().__init__(message)\n"
                "        self.message = format_message(message)\n"
            ),
            "sig/text.py": _chain(["format_message", "clean_text", "wrap_text", "pad_text"]),
            **users,
        },
    )
    facts = analyse(root, name="sig")
    assert "SigError" in {s.name for s in facts.key_symbols[:5]}
    assert not any(path[0].name.startswith("SigError") for path in facts.control_paths)


def test_a_story_short_of_three_minutes_tells_every_path_found(tmp_path: Path) -> None:
    """A small tool's story falls short of three minutes: the third path its tour found is
    told too, rather than left out for a story of its size."""
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "tally"\nversion = "1.0"\n'
            '[project.scripts]\ntally = "tally.cli:main"\n',
            "tally/__init__.py": "",
            "tally/cli.py": (
                "from tally.load import load_rows\nfrom tally.show import render_rows\n"
                "from tally.save import store_rows\n\n"
                "def main():\n    rows = load_rows([])\n    shown = render_rows(rows)\n"
                "    kept = store_rows(rows)\n    return shown, kept\n"
            ),
            "tally/load.py": _chain(["load_rows", "parse_rows", "split_rows", "clean_rows"]),
            "tally/show.py": _chain(["render_rows", "layout_rows", "paint_rows", "flush_rows"]),
            "tally/save.py": _chain(["store_rows", "pack_rows", "seal_rows", "ship_rows"]),
        },
    )
    facts = analyse(root, name="tally")
    assert len(facts.control_paths) == 3
    script = write_script(facts)
    told = "\n".join(c.text for c in script.chapters)
    assert all(f"`{path[1].name}`" in told for path in facts.control_paths)


def test_a_library_without_an_example_is_entered_through_two_key_types(tmp_path: Path) -> None:
    """No README example: the most used method of each of two key types leads into the
    code, so both are ways in, each told as its own path."""
    users = {
        f"pkg/use{n}.py": (
            "from pkg.parser import Parser\nfrom pkg.writer import Writer\n\n"
            f"def use{n}(text):\n    parser = Parser()\n    rows = parser.read_rows(text)\n"
            "    writer = Writer()\n    return writer.write(rows)\n"
        )
        for n in range(3)
    }
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "pkg"\nversion = "1.0"\n',
            "README.md": "# pkg\n\nParse and write rows.\n",
            "pkg/__init__.py": "",
            "pkg/parser.py": (
                "from pkg.tokens import tokenize\n\n"
                "class Parser:\n    '''Reads rows.'''\n\n"
                "    def read_rows(self, text):\n        rows = tokenize(text)\n"
                "        return rows\n"
            ),
            "pkg/tokens.py": _chain(["tokenize", "split_tokens", "merge_tokens", "trim_tokens"]),
            "pkg/writer.py": (
                "from pkg.layout import render\n\n"
                "class Writer:\n    '''Writes rows.'''\n\n"
                "    def write(self, rows):\n        shown = render(rows)\n        return shown\n"
            ),
            "pkg/layout.py": _chain(["render", "pad_cells", "join_cells", "wrap_cells"]),
            **users,
        },
    )
    starts = [path[0].name for path in analyse(root, name="pkg").control_paths]
    assert starts[:2] == ["Parser.read_rows", "Writer.write"] or starts[:2] == [
        "Writer.write",
        "Parser.read_rows",
    ]


def test_a_readme_call_on_an_error_types_method_is_still_a_way_in(tmp_path: Path) -> None:
    """An error-handling library's README calls its error's method: that method is how its
    users work with it, so the tour starts there even though making the error would not."""
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "oops"\nversion = "1.0"\n',
            "README.md": (
                "# oops\n\nErrors with context.\n\n```python\nfrom oops import OopsError\n"
                "err = OopsError('disk full')\nerr.with_context('while saving')\n```\n"
            ),
            "oops/__init__.py": "from oops.errors import OopsError\n",
            "oops/errors.py": (
                "from oops.text import format_message\n\n"
                "class OopsError(Exception):\n    '''An error that carries its context.'''\n\n"
                "    def with_context(self, context):\n        '''Adds context to the error.'''\n"
                "        self.context = format_message(context)\n        return self\n"
            ),
            "oops/text.py": _chain(["format_message", "clean_text", "wrap_text", "pad_text"]),
        },
    )
    path = analyse(root, name="oops").control_paths[0]
    assert path[0].name == "OopsError.with_context" and path[1].name == "format_message"


def test_a_short_story_tells_more_key_ideas_in_their_authors_words(tmp_path: Path) -> None:
    """A small library's story falls short of three minutes: it tells more of its key ideas
    than the usual eight, and the extra ones are those its authors described (the helpers
    used more widely but never described are not added)."""
    documented = {
        f"shape_{word}": f"Turns rows into {word} cells for the report."
        for word in ("narrow", "wide", "tall", "flat", "round", "dense", "sparse", "even")
    } | {
        f"score_{word}": f"Scores the {word} cells of a report."
        for word in ("left", "right", "top", "bottom")
    }
    core = "".join(
        f"def {name}(rows):\n    '''{doc}'''\n    rows = list(rows)\n    return rows\n\n"
        for name, doc in documented.items()
    )
    bare = "".join(f"def bare_{n}(rows):\n    return list(rows)\n\n" for n in range(10))
    users = {
        f"pkg/use{n}.py": "from pkg.core import *\nfrom pkg.bare import *\n\n"
        f"def use{n}(rows):\n"
        + "".join(f"    rows = {name}(rows)\n" for name in documented if n < 2)
        + "".join(f"    rows = bare_{k}(rows)\n" for k in range(10))
        + "    return rows\n"
        for n in range(4)
    }
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "pkg"\nversion = "1.0"\n',
            "README.md": "# pkg\n\nShapes and scores report cells.\n",
            "pkg/__init__.py": "",
            "pkg/core.py": core,
            "pkg/bare.py": bare,
            **users,
        },
    )
    script = write_script(analyse(root, name="pkg"))
    ideas = next(c for c in script.chapters if c.title == "The key ideas").paragraphs
    # Names known only by kind and place share one sentence, so count names, not sentences.
    named = [n for idea in ideas for n in re.findall(r"`(\w+)`", idea)]
    assert len(named) > 8
    assert all(name in documented for name in named[8:])


def test_a_large_project_short_of_five_minutes_tells_more_key_ideas(tmp_path: Path) -> None:
    """A project of a hundred source files is given five minutes; one whose story falls
    short of that tells more than its usual twelve key ideas."""
    files = {
        f"pkg/part{n:03}.py": (
            f"def measure_{n}(rows):\n    '''Measures the part {n} rows of a report.'''\n"
            "    rows = list(rows)\n    return rows\n"
        )
        for n in range(110)
    }
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "pkg"\nversion = "1.0"\n',
            "README.md": "# pkg\n\nMeasures report parts.\n",
            "pkg/__init__.py": "",
            **files,
        },
    )
    script = write_script(analyse(root, name="pkg"))
    ideas = next(c for c in script.chapters if c.title == "The key ideas").paragraphs
    assert len(ideas) > 12


def test_error_types_are_those_named_so_or_built_on_one_through_any_chain() -> None:
    """Named as an error, or built (however the base is written: qualified, generic) on one
    of the project's errors or the language's, rounds deep."""
    from codestory.analysis.callgraph import CallGraph
    from codestory.analysis.resolve import Resolver
    from codestory.analysis.syntax import parse_source

    sources = {
        "pkg/exc.py": "class BadData(Exception):\n    pass\n\n"
        "class BadPayload(exc.BadData):\n    pass\n\n"
        "class Empty(BadPayload):\n    pass\n\n"
        "class Missing(Empty):\n    pass\n\n"
        "class Plain(Base):\n    pass\n\n"
        "class Base:\n    pass\n",
        "src/Fail.java": "class Fail extends java.lang.RuntimeException {}\n"
        "class Worse extends Fail {}\nclass Box<T> extends Holder<T> {}\n",
    }
    language = {".py": "Python", ".java": "Java"}
    syntaxes = {}
    for path, text in sources.items():
        parsed = parse_source(path, language[Path(path).suffix], text.encode())
        assert parsed is not None
        syntaxes[path] = parsed
    graph = CallGraph(syntaxes, Resolver(syntaxes, set(sources)))
    assert graph.error_types == {"BadData", "BadPayload", "Empty", "Missing", "Fail", "Worse"}
