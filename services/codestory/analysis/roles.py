"""What parts of the code do for the project: HTTP routes, CLI commands, background tasks,
data models and configuration, read from decorators, annotations, base classes and calls."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from codestory.analysis.syntax import Definition, FileSyntax

HTTP_METHODS = frozenset({"get", "post", "put", "delete", "patch", "head", "options"})
_PY_ROUTE = re.compile(
    r"^[\w.]+\.(get|post|put|delete|patch|head|options|route|websocket|api_route)\(\s*"
    r"(?:['\"]([^'\"]*)['\"])?"
)
_JAVA_ROUTE = re.compile(
    r"^(Get|Post|Put|Delete|Patch|Request)Mapping\b(?:\(\s*(?:value\s*=\s*|path\s*=\s*)?"
    r"\"([^\"]*)\")?|^Path\(\"([^\"]*)\"\)"
)
_RUST_ROUTE = re.compile(r"^(get|post|put|delete|patch)\(\s*\"([^\"]*)\"")
_ROUTER_OBJECTS = frozenset({"app", "router", "api", "server", "r", "routes", "e", "mux", "g"})
_GO_ROUTE_CALLS = frozenset(
    {
        "HandleFunc",
        "Handle",
        "GET",
        "POST",
        "PUT",
        "DELETE",
        "PATCH",
        "Get",
        "Post",
        "Put",
        "Delete",
        "Patch",
    }
)
_PY_COMMAND = re.compile(
    r"^[\w.]*\.(command|group)\(\s*(?:['\"]([\w:-]+)['\"])?|^(command|group)\b"
)
_PY_TASK = re.compile(r"^(?:[\w.]+\.)?(task|shared_task|actor|periodic_task|job)\b")
_MODEL_BASES = re.compile(
    r"(?:^|\.)(BaseModel|Model|SQLModel|Base|DeclarativeBase|Document|Schema|TypedDict|"
    r"NamedTuple|Struct|Entity)\b"
)
_MODEL_DECORATORS = re.compile(
    r"^(?:dataclasses\.)?dataclass\b|^(?:attr\.)?(?:s|define|frozen)\b|"
    r"^(Entity|Table|Data|Value|Document)\b"
)
_SERDE = re.compile(r"derive\(.*\b(Serialize|Deserialize)\b")
_CLAP = re.compile(r"derive\(.*\b(Parser|Subcommand|Args)\b")
# The command a clap `Parser` declares is the name in its `#[command(name = "...")]`; without
# one it is the binary itself, which the entry point already names.
_CLAP_PARSER = re.compile(r"derive\(.*\bParser\b")
_CLAP_NAME = re.compile(r'^(?:command|clap)\(.*?\bname\s*=\s*"([\w.:-]{1,40})"')
_CONFIG_NAME = re.compile(r"(?:Settings|Config|Configuration|Options)$")
_CONFIG_FILE = re.compile(r"^(?:settings|config|configuration|conf)\.\w+$")


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


def _python_routes(path: str, definition: Definition) -> Iterable[Route]:
    for decorator in definition.decorators:
        match = _PY_ROUTE.match(decorator)
        if match and (match.group(2) is not None and match.group(2).startswith("/")):
            method = match.group(1)
            method = "GET" if method in {"route", "api_route"} else method.upper()
            yield Route(method, match.group(2), definition.name, path, definition.line)


def _annotated_routes(path: str, definition: Definition, language: str) -> Iterable[Route]:
    for decorator in definition.decorators:
        if language == "Java":
            match = _JAVA_ROUTE.match(decorator)
            if match and (match.group(2) or match.group(3)):
                verb = match.group(1) or "Request"
                method = "ANY" if verb == "Request" else verb.upper()
                yield Route(
                    method, match.group(2) or match.group(3), definition.name, path, definition.line
                )
        elif language == "Rust":
            match = _RUST_ROUTE.match(decorator)
            if match:
                yield Route(
                    match.group(1).upper(), match.group(2), definition.name, path, definition.line
                )


def find_routes(path: str, syntax: FileSyntax) -> list[Route]:
    routes: list[Route] = []
    for definition in syntax.definitions:
        if syntax.language == "Python":
            routes += _python_routes(path, definition)
        elif syntax.language in {"Java", "Rust"}:
            routes += _annotated_routes(path, definition, syntax.language)
    calls = [call for _, call in syntax.owned_calls()]
    for call in calls:
        literal = call.literal
        if not literal or not literal.startswith("/") or " " in literal:
            continue
        if syntax.language in {"JavaScript", "TypeScript"}:
            if call.name in HTTP_METHODS | {"all"} and call.qualifier in _ROUTER_OBJECTS:
                routes.append(Route(call.name.upper(), literal, None, path, call.line))
        elif syntax.language == "Go" and call.name in _GO_ROUTE_CALLS:
            method = (
                call.name.upper()
                if call.name.upper() in {m.upper() for m in HTTP_METHODS}
                else "ANY"
            )
            routes.append(Route(method, literal, None, path, call.line))
    return routes


def _is_the_program(decorator: str, match: re.Match[str]) -> bool:
    """`@click.command()` with no name is the program itself (black's `main`), called by
    whatever its console script is named; `@cli.command()` is a subcommand of a group."""
    return decorator.startswith(("click.command", "click.group")) and not match.group(2)


def _clap_command(attributes: list[str]) -> str | None:
    """The command a clap `Parser` declares by name; its argument groups and subcommand
    enums (`Args`, `Subcommand`) are not commands of their own."""
    if not any(_CLAP_PARSER.search(a) for a in attributes):
        return None
    return next((m.group(1) for a in attributes if (m := _CLAP_NAME.match(a))), None)


def find_roles(path: str, syntax: FileSyntax) -> list[Role]:
    roles: list[Role] = []
    for definition in syntax.definitions:
        decorators = definition.decorators
        if syntax.language == "Python":
            for decorator in decorators:
                if match := _PY_COMMAND.match(decorator):
                    if _is_the_program(decorator, match):
                        break  # the program itself, which the entry point names
                    roles.append(
                        Role(
                            "command",
                            definition.name,
                            path,
                            definition.line,
                            match.group(2) or definition.name.replace("_", "-"),
                        )
                    )
                    break
                if _PY_TASK.match(decorator) and "(" not in decorator.split(".")[0]:
                    roles.append(Role("task", definition.name, path, definition.line, decorator))
                    break
        if definition.kind in {"class", "struct"}:
            base = next((b for b in definition.bases if _MODEL_BASES.search(b)), None)
            decorated = next((d for d in decorators if _MODEL_DECORATORS.match(d)), None)
            serde = next((d for d in decorators if _SERDE.search(d)), None)
            clap = next((d for d in decorators if _CLAP.search(d)), None)
            if clap:
                named = _clap_command(decorators)
                if named:
                    roles.append(Role("command", definition.name, path, definition.line, named))
            elif any("BaseSettings" in b for b in definition.bases) or (
                definition.exported and _CONFIG_NAME.search(definition.name)
            ):
                roles.append(Role("config", definition.name, path, definition.line))
            elif base or decorated or serde:
                roles.append(
                    Role(
                        "model", definition.name, path, definition.line, base or decorated or serde
                    )
                )
    # A decorator such as `@cli.command("x")` is also a call; count its command once.
    declared = {r.detail for r in roles if r.kind == "command"}
    for _, call in syntax.owned_calls():
        if call.literal and call.name in {"add_parser", "command"} and call.qualifier:
            name = call.literal.split()[0] if call.literal.split() else call.literal
            if re.fullmatch(r"[\w:-]{1,40}", name) and name not in declared:
                declared.add(name)
                roles.append(Role("command", name, path, call.line, name))
    return roles


def is_config_file(path: str) -> bool:
    return bool(_CONFIG_FILE.match(PurePosixPath(path).name))
