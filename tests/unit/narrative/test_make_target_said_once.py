"""A Makefile target that is also told as a way to run the tests is said once, in the
sentence on running them; the Makefile's other chores are still listed."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_FILES: dict[str, str | bytes] = {
    "pyproject.toml": (
        '[project]\nname = "envfile"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
    ),
    "envfile/__init__.py": 'def load(path):\n    """Read settings."""\n    return path\n',
    "tests/test_load.py": "from envfile import load\n\n\ndef test_load():\n    assert load('x')\n",
}


def _chapter(root: Path) -> str:
    chapters = write_script(analyse(root, name="envfile")).chapters
    return next(c.text for c in chapters if c.title == "How to build and test it")


def test_a_test_target_is_said_once(tmp_path: Path) -> None:
    told = _chapter(write(tmp_path, {**_FILES, "Makefile": "test:\n\tpytest tests/\n"}))
    assert told.count("`make test`") == 1
    assert "wraps the common chores" not in told


def test_the_other_chores_are_still_listed(tmp_path: Path) -> None:
    makefile = "test:\n\tpytest tests/\n\nlint:\n\truff check .\n"
    told = _chapter(write(tmp_path, {**_FILES, "Makefile": makefile}))
    assert told.count("`make test`") == 1
    assert "The Makefile wraps the common chores: `make lint`." in told
