"""click and typer name a subcommand after its function (`set_value` is `set-value`) unless
the decorator gives it a name, positionally (`@cli.command("set")`) or as a keyword
(`@cli.command(name="list")`); the story says the name a user types."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_CLI = """import click

from envfile.store import read_all, write_one


@click.group()
def cli():
    pass


@cli.command(name="list")
@click.option("--format", default="simple")
def list_values(format):
    return read_all(format)


@cli.command(
    name="set", help="Store one value."
)
def set_value():
    return write_one()


@cli.command("drop")
def drop_value():
    pass


@cli.command()
def show_all():
    pass
"""


def test_a_subcommand_is_called_by_the_name_its_decorator_gives(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pyproject.toml": (
                '[project]\nname = "envfile"\n[project.scripts]\nenvfile = "envfile.cli:cli"\n'
            ),
            "envfile/__init__.py": "",
            "envfile/cli.py": _CLI,
            "envfile/store.py": (
                "def read_all(format):\n    return [format]\n\n\ndef write_one():\n    return 1\n"
            ),
        },
    )
    facts = analyse(root, name="envfile")
    names = {role.name: role.detail for role in facts.roles.commands}
    assert names == {
        "list_values": "list",
        "set_value": "set",
        "drop_value": "drop",
        "show_all": "show-all",
    }
    told = "\n".join(chapter.text for chapter in write_script(facts).chapters)
    assert "list-values" not in told and "set-value" not in told
