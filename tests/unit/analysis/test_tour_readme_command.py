"""A program whose `main` dispatches to its commands is toured first through the command its
README shows, not through whichever handler runs the most code."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.readme_commands import first_shown
from codestory.analysis.role_types import Role
from tests.support import write_files as write


def _chain(names: list[str], body_lines: int = 2) -> str:
    filler = "".join(f"    rows = rows + [{n}]\n" for n in range(body_lines))
    return "".join(
        f"def {name}(rows):\n{filler}    return {after}(rows)\n\n"
        for name, after in zip(names, [*names[1:], "list"], strict=True)
    )


def _tool(tmp_path: Path, readme: str) -> Path:
    cli = (
        "import argparse\n"
        "from tally.serve import serve_rows\nfrom tally.purge import purge_rows\n\n"
        "def run_serve(args):\n    rows = []\n    return serve_rows(rows)\n\n"
        "def run_purge(args):\n    rows = []\n    return purge_rows(rows)\n\n"
        "def main():\n    parser = argparse.ArgumentParser(prog='tally')\n"
        "    commands = parser.add_subparsers(dest='command')\n"
        "    commands.add_parser('serve')\n    commands.add_parser('purge')\n"
        "    args = parser.parse_args()\n"
        "    if args.command == 'serve':\n        return run_serve(args)\n"
        "    return run_purge(args)\n"
    )
    return write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "tally"\nversion = "1.0"\n'
            '[project.scripts]\ntally = "tally.cli:main"\n',
            "README.md": readme,
            "tally/__init__.py": "",
            "tally/cli.py": cli,
            "tally/serve.py": _chain(["serve_rows", "bind_rows", "answer_rows", "send_rows"]),
            # Purging runs more code, so by weight alone the tour would go there.
            "tally/purge.py": _chain(
                ["purge_rows", "scan_rows", "drop_rows", "sweep_rows"], body_lines=30
            ),
        },
    )


def test_the_tour_goes_first_where_the_readme_first_command_goes(tmp_path: Path) -> None:
    root = _tool(tmp_path, "# tally\n\nServes rows.\n\n```sh\n$ tally serve --port 80\n```\n")
    first = analyse(root, name="tally").control_paths[0]
    assert [s.name for s in first[:3]] == ["main", "run_serve", "serve_rows"]


def test_without_a_command_in_the_readme_the_weightiest_handler_leads(tmp_path: Path) -> None:
    root = _tool(tmp_path, "# tally\n\nServes rows.\n")
    first = analyse(root, name="tally").control_paths[0]
    assert [s.name for s in first[:2]] == ["main", "run_purge"]


def test_the_first_command_shown_is_the_first_typed() -> None:
    roles = [Role("command", name, "cli.py", 1, detail=name) for name in ("up", "new", "dlq")]
    text = "Point tool at a repository.\n\n    .venv/bin/tool new URL\n    tool up\n"
    assert first_shown(text, {"tool"}, roles) == roles[1]
    assert first_shown("`tool status` shows it", {"tool"}, roles) is None
    assert first_shown("run `tool dlq`", {"other"}, roles) is None
