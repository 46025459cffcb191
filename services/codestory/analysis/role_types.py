"""What a part of the code does for the project, as the ecosystems and roles.py report it:
an HTTP route, or a definition with a job (command, task, data model, configuration)."""

from __future__ import annotations

from dataclasses import dataclass

from codestory.analysis.syntax import Call, FileSyntax

HTTP_METHODS = frozenset({"get", "post", "put", "delete", "patch", "head", "options"})


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: str | None
    file: str
    line: int


@dataclass(frozen=True)
class Role:
    """A definition with a job: `kind` is command, task, model or config."""

    kind: str
    name: str
    file: str
    line: int
    detail: str | None = None  # the command's name, the task's decorator, a base class


def path_calls(syntax: FileSyntax) -> list[Call]:
    """Calls whose literal argument is a URL path (`/users/:id`): where a router is told
    which handler answers it."""
    return [
        call
        for _, call in syntax.owned_calls()
        if call.literal and call.literal.startswith("/") and " " not in call.literal
    ]
