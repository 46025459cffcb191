"""A tour branches where its way in also sends the work elsewhere; a README link is read."""

from __future__ import annotations

import os
from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.readme import summarise_readme
from codestory.domain import Style
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
