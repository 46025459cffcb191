"""Python web and command-line frameworks declare a definition's job in its decorators:
`@app.get("/x")` (Flask, FastAPI, Starlette) routes a URL to it, `@cli.command()` (click,
typer) makes it a subcommand, `@app.task` (Celery, RQ, Dramatiq) a background task."""

from __future__ import annotations

import re
from collections.abc import Iterable

from codestory.analysis.role_types import Role, Route
from codestory.analysis.syntax import Definition

_ROUTE = re.compile(
    r"^[\w.]+\.(get|post|put|delete|patch|head|options|route|websocket|api_route)\(\s*"
    r"(?:['\"]([^'\"]*)['\"])?"
)
_COMMAND = re.compile(r"^[\w.]*\.(command|group)\(\s*(?:['\"]([\w:-]+)['\"])?|^(command|group)\b")
# click and typer both take the command's name as a keyword too: `@cli.command(name="list")`.
_NAME_KEYWORD = re.compile(r"\(.*?\bname\s*=\s*['\"]([\w:-]+)['\"]", re.DOTALL)
_TASK = re.compile(r"^(?:[\w.]+\.)?(task|shared_task|actor|periodic_task|job)\b")


def decorated_routes(path: str, definition: Definition) -> Iterable[Route]:
    for decorator in definition.decorators:
        match = _ROUTE.match(decorator)
        if match and (match.group(2) is not None and match.group(2).startswith("/")):
            method = match.group(1)
            method = "GET" if method in {"route", "api_route"} else method.upper()
            yield Route(method, match.group(2), definition.name, path, definition.line)


def _given_name(decorator: str, match: re.Match[str]) -> str | None:
    """The name the decorator gives the command, positionally or as `name=`; without one
    the command is called after its function."""
    if match.group(2):
        return match.group(2)
    keyword = _NAME_KEYWORD.search(decorator)
    return keyword.group(1) if keyword else None


def _is_the_program(decorator: str, match: re.Match[str]) -> bool:
    """`@click.command()` with no name is the program itself (black's `main`), called by
    whatever its console script is named; `@cli.command()` is a subcommand of a group."""
    return decorator.startswith(("click.command", "click.group")) and not _given_name(
        decorator, match
    )


def _declares_command(decorator: str, definition: Definition) -> re.Match[str] | None:
    """click's and typer's decorators make a command of a module-level function; a bare
    `@group()` on a method is another library's (a renderer's `@group()` gathers what the
    method yields)."""
    match = _COMMAND.match(decorator)
    if match and match.group(3) and definition.parent is not None:
        return None
    return match


def decorated_role(path: str, definition: Definition) -> Role | None:
    """The command or task the first decorator that declares one makes of `definition`."""
    for decorator in definition.decorators:
        if match := _declares_command(decorator, definition):
            if _is_the_program(decorator, match):
                return None  # the program itself, which the entry point names
            name = _given_name(decorator, match) or definition.name.replace("_", "-")
            return Role("command", definition.name, path, definition.line, name)
        if _TASK.match(decorator) and "(" not in decorator.split(".")[0]:
            return Role("task", definition.name, path, definition.line, decorator)
    return None
