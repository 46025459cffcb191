"""Go modules: a program is a `package main` with a `main` function; files kept out of
every build (`//go:build ignore`) are generators run by hand, not programs."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import Ecosystem, Project


class Go(Ecosystem):
    name = "go"
    languages = frozenset({"Go"})
    manifest_ecosystems = frozenset({"Go"})

    def main_is_way_in(self, path: str, project: Project) -> bool:
        # The go tool ignores folders named testdata or starting with `_` or `.`.
        folders = path.split("/")[:-1]
        if any(f.startswith(("_", ".")) or f == "testdata" for f in folders):
            return False
        syntax = project.syntaxes.get(path)
        constraints = syntax.attributes if syntax else []
        return not any(
            c.split()[:2] == ["go:build", "ignore"] or c == "+build ignore" for c in constraints
        )


GO = Go()
