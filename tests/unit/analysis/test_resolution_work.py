"""Resolving calls does each piece of work once, and finds what it found before."""

from __future__ import annotations

import pytest

from codestory.analysis.callgraph import CallGraph, Symbol
from codestory.analysis.resolve import Resolver
from codestory.analysis.syntax import Call, Definition, parse_source

FILES = {
    "pkg/__init__.py": "",
    "pkg/parser.py": (
        "class Parser:\n"
        "    def feed(self, text):\n        return text\n\n"
        "    def close(self):\n        return None\n\n"
        "    def reset(self):\n        return None\n"
    ),
    "pkg/main.py": (
        "from pkg.parser import Parser\n\n\n"
        "def run(text):\n"
        "    p = Parser()\n"
        "    p.feed(text)\n"
        "    p.close()\n"
        "    p.reset()\n"
    ),
}


def _graph() -> CallGraph:
    syntaxes = {}
    for path, text in FILES.items():
        parsed = parse_source(path, "Python", text.encode())
        assert parsed is not None
        syntaxes[path] = parsed
    return CallGraph(syntaxes, Resolver(syntaxes, set(FILES)))


def test_a_variable_made_by_a_call_has_that_call_resolved_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graph = _graph()
    made: list[str] = []
    real = CallGraph.resolve_call

    def counting(
        self: CallGraph, path: str, caller: Definition | None, call: Call
    ) -> Symbol | None:
        if call.name == "Parser":
            made.append(path)
        return real(self, path, caller, call)

    monkeypatch.setattr(CallGraph, "resolve_call", counting)
    run = next(d for d in graph.syntaxes["pkg/main.py"].definitions if d.name == "run")
    callees = [s.key for s in graph.callees(Symbol("pkg/main.py", run))]
    assert callees == [
        "pkg/parser.py::Parser",
        "pkg/parser.py::Parser.feed",
        "pkg/parser.py::Parser.close",
        "pkg/parser.py::Parser.reset",
    ]
    # Once for `Parser()` itself, once for what `p` holds: not again for each method.
    assert made == ["pkg/main.py", "pkg/main.py"]


def test_uses_found_again_are_the_uses_found_before() -> None:
    graph = _graph()
    first = graph.references(set(FILES), tally=set(FILES))
    kept = dict(graph.file_uses)
    again = _graph()
    assert again.references(set(FILES), tally=set(FILES), known=kept) == first
    assert again.file_uses == kept
    assert again.resolution == graph.resolution
    assert first["pkg/parser.py::Parser.feed"] == {"pkg/main.py"}
