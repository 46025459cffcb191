"""A Python distribution whose console script imports a package only an extra installs
(`pip install envfile[cli]` brings in click) is a library that also ships a command: the
command runs only where that extra is installed. With click required, it is a tool."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_CLI = """import sys

try:
    import click
except ImportError:
    sys.exit("envfile's command needs its cli extra")

from envfile.store import load


@click.command()
def main():
    load(".env")
"""
_STORE = '''def load(path):
    """Read a file of settings into the environment."""
    return parse(path)


def parse(path):
    """Split each line at its first equals sign."""
    return [line.split("=", 1) for line in open(path)]
'''


def _pyproject(required: str) -> str:
    return (
        f'[project]\nname = "envfile"\ndependencies = [{required}]\n'
        '[project.optional-dependencies]\ncli = ["Click>=8"]\n'
        '[project.scripts]\nenvfile = "envfile.cli:main"\n'
    )


def _files(required: str) -> dict[str, str | bytes]:
    return {
        "pyproject.toml": _pyproject(required),
        "envfile/__init__.py": "from envfile.store import load\n",
        "envfile/cli.py": _CLI,
        "envfile/store.py": _STORE,
    }


def test_a_command_only_an_extra_makes_run_leaves_the_project_a_library(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path, _files("")), name="envfile")
    assert facts.kind == "library"
    told = "\n".join(chapter.text for chapter in write_script(facts).chapters)
    assert "envfile is a library" in told
    assert "It also ships a small program of its own: the command `envfile`" in told


def test_a_command_whose_packages_are_required_makes_a_tool(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path, _files('"click"')), name="envfile")
    assert facts.kind == "cli"
