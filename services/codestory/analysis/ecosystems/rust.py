"""Cargo crates: programs are `src/main.rs`, `src/bin/*` and `[[bin]]` targets."""

from __future__ import annotations

import re

from codestory.analysis.ecosystems.base import Ecosystem
from codestory.analysis.ecosystems.rust_modules import RustModules
from codestory.analysis.role_types import Route
from codestory.analysis.syntax import FileSyntax

# actix-web's and Rocket's `#[get("/x")]`.
_ROUTE = re.compile(r'^(get|post|put|delete|patch)\(\s*"([^"]*)"')


class Rust(Ecosystem):
    name = "rust"
    languages = frozenset({"Rust"})
    manifest_ecosystems = frozenset({"Rust"})

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> RustModules:
        """Rust: a module is a file under the crate's `src/` named by its path; `mod x;`
        declares a child, `use` starts from `crate::`, `self::`, `super::` or a child."""
        return RustModules(syntaxes, self.languages)

    def routes(self, path: str, syntax: FileSyntax) -> list[Route]:
        """Rust: a route is an attribute naming a method and a URL path, `#[get("/x")]`."""
        routes: list[Route] = []
        for definition in syntax.definitions:
            for attribute in definition.decorators:
                if match := _ROUTE.match(attribute):
                    method, url = match.group(1).upper(), match.group(2)
                    routes.append(Route(method, url, definition.name, path, definition.line))
        return routes


RUST = Rust()
