"""Which of a program's commands its README shows first: the one a newcomer runs, and so
the one a tour of the program follows from its dispatching `main`."""

from __future__ import annotations

import re

from codestory.analysis.role_types import Role

# How far into a README the first command is looked for: an introduction, not a manual.
README_CHARS = 20_000


def first_shown(readme_text: str, programs: set[str], commands: list[Role]) -> Role | None:
    """The command whose `<program> <command>` the README writes first, if any."""
    by_name = {(role.detail or role.name): role for role in commands}
    if not programs or not by_name:
        return None
    names = "|".join(re.escape(p) for p in sorted(programs, key=len, reverse=True))
    # `prog cmd` as typed: after a path (`.venv/bin/prog`), a prompt or a space, before a
    # space, a line end or a closing backtick.
    pattern = re.compile(rf"(?:^|[\s/`$])(?:{names})[ \t]+([a-z][\w-]*)(?=[\s`]|$)", re.M)
    for match in pattern.finditer(readme_text[:README_CHARS]):
        role = by_name.get(match.group(1))
        if role is not None:
            return role
    return None
