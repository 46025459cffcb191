"""Call graphs of small synthetic trees, for tests of how a tour follows calls."""

from __future__ import annotations

from codestory.analysis.callgraph import CallGraph, Symbol
from codestory.analysis.resolve import Resolver
from codestory.analysis.syntax import parse_source


def callees_of(
    files: dict[str, str], caller: str, language: str, *, suffix: str = ""
) -> list[tuple[str, str]]:
    """The callees the call graph links from `caller` (`path::qualified.name`), as
    (path, qualified name) pairs. Files ending in `suffix` are parsed as `language`; the
    others (a manifest, a README) are only known to be there, as in a checkout."""
    syntaxes = {}
    for path, text in files.items():
        if path.endswith(suffix):
            parsed = parse_source(path, language, text.encode())
            assert parsed is not None, path
            syntaxes[path] = parsed
    graph = CallGraph(syntaxes, Resolver(syntaxes, set(files)))
    path, _, name = caller.partition("::")
    start = next(d for d in syntaxes[path].definitions if d.qualified_name == name)
    return [(s.path, s.definition.qualified_name) for s in graph.callees(Symbol(path, start))]
