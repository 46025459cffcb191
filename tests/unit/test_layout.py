"""The package's rooms and floors, as docs/architecture.md draws them: a room imports only
rooms on floors below its own (function-local imports included), nothing imports up or
sideways, and nothing but the entry points sits at the package root."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "services" / "codestory"
ENTRY_POINTS = {"__init__.py", "__main__.py", "cli.py", "py.typed"}
FLOORS = {
    "core": 0,
    "analysis": 1,
    "observability": 1,
    "narrative": 2,
    "records": 2,
    "artifacts": 2,
    "speech": 3,
    "runtime": 3,
    "story_worker": 4,
    "audio_worker": 4,
    "janitor": 4,
    "gateway": 5,
    "commands": 6,
    "kubectl_plugin": 6,
    "cli": 7,
    "__main__": 8,
}
# Rooms that never reach one another even where the floors would allow it: the gateway runs
# the stages only through runtime.stages, and the audio worker and the janitor never load
# tree-sitter and its grammars.
FORBIDDEN = {
    ("gateway", "story_worker"),
    ("gateway", "audio_worker"),
    ("audio_worker", "analysis"),
    ("janitor", "analysis"),
    ("janitor", "narrative"),
}


def room_imports() -> dict[tuple[str, str], set[str]]:
    """(importing room, imported room) -> the files that do it."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        room = relative.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "codestory" and len(parts) > 1 and parts[1] != room:
                    edges[(room, parts[1])].add(str(relative))
    return edges


def test_only_the_entry_points_sit_at_the_package_root() -> None:
    loose = {p.name for p in PACKAGE.iterdir() if p.is_file()} - ENTRY_POINTS
    assert not loose


def test_every_room_has_a_floor() -> None:
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert rooms - set(FLOORS) == set()


def test_no_room_imports_up_or_sideways() -> None:
    wrong = {
        (room, other): sorted(files)
        for (room, other), files in room_imports().items()
        if FLOORS[other] >= FLOORS[room] or (room, other) in FORBIDDEN
    }
    assert not wrong


def test_the_rules_can_see_an_upward_import() -> None:
    """The rule reads function-local imports too: the CLI imports its commands lazily."""
    edges = room_imports()
    assert ("cli", "commands") in edges and ("runtime", "records") in edges
