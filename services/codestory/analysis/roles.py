"""What parts of the code do for the project: HTTP routes, CLI commands, background tasks,
data models and configuration, read from decorators, annotations, base classes and calls."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from codestory.analysis.ecosystems import of_language
from codestory.analysis.role_types import Role, Route
from codestory.analysis.syntax import FileSyntax

__all__ = ["Role", "Route", "find_roles", "find_routes", "is_config_file"]

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


def find_routes(path: str, syntax: FileSyntax) -> list[Route]:
    """The HTTP routes the file declares, by its ecosystem's web frameworks."""
    return of_language(syntax.language).routes(path, syntax)


def _clap_command(attributes: list[str]) -> str | None:
    """The command a clap `Parser` declares by name; its argument groups and subcommand
    enums (`Args`, `Subcommand`) are not commands of their own."""
    if not any(_CLAP_PARSER.search(a) for a in attributes):
        return None
    return next((m.group(1) for a in attributes if (m := _CLAP_NAME.match(a))), None)


# What a program's parsed command line is called when read into a struct (`Args` with
# docopt's `deserialize()`, `Opts`, `Cli`).
_ARGUMENTS_NAME = re.compile(r"(?:Cli)?(?:Args|Arguments|Opts|Options|Cli|Flags)")


def find_roles(path: str, syntax: FileSyntax) -> list[Role]:
    roles: list[Role] = []
    model = of_language(syntax.language)
    for definition in syntax.definitions:
        decorators = definition.decorators
        job = model.decorator_role(path, definition)  # a command or task, by its framework
        if job is not None:
            roles.append(job)
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
            elif serde and _ARGUMENTS_NAME.fullmatch(definition.name) and not base:
                pass  # docopt's and serde's command-line arguments: no data the program keeps
            elif base or decorated or serde:
                roles.append(
                    Role(
                        "model", definition.name, path, definition.line, base or decorated or serde
                    )
                )
    roles += model.commands(path, syntax)
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
