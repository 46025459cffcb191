"""A story short of its floor also tells a branch of one call and the call that one makes:
more of where its way in sends the work, rather than nothing; a story long enough leaves it."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.core.domain import ExpertiseLevel, Style
from codestory.narrative.template import _assemble, write_script
from tests.support import write_files as write
from tests.unit.analysis.test_tour_branches import _chain


def _tree(tmp_path: Path) -> Path:
    return write(
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
            # The other way out of `main` is one call and the one it makes.
            "tally/show.py": _chain(["render_rows", "paint_rows"]),
        },
    )


def test_a_short_story_tells_a_branch_of_two_calls(tmp_path: Path) -> None:
    facts = analyse(_tree(tmp_path), name="tally")
    first, second = facts.control_paths[:2]
    assert [s.name for s in first][:2] == ["main", "load_rows"]
    assert second[0].branch and [s.name for s in second] == ["main", "render_rows", "paint_rows"]
    told = "\n".join(c.text for c in write_script(facts).chapters)  # a tiny tree: short
    assert "`render_rows`" in told and "`paint_rows`" in told


def test_a_story_long_enough_leaves_the_short_branch_out(tmp_path: Path) -> None:
    facts = analyse(_tree(tmp_path), name="tally")
    script = _assemble(facts, Style.OVERVIEW, ExpertiseLevel.INTERMEDIATE, None, short=False)
    told = "\n".join(c.text for c in script.chapters)
    assert "`load_rows`" in told and "`render_rows`" not in told
