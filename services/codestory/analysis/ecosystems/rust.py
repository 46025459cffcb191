"""Cargo crates: programs are `src/main.rs`, `src/bin/*` and `[[bin]]` targets."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import Ecosystem
from codestory.analysis.ecosystems.rust_modules import RustModules
from codestory.analysis.syntax import FileSyntax


class Rust(Ecosystem):
    name = "rust"
    languages = frozenset({"Rust"})
    manifest_ecosystems = frozenset({"Rust"})

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> RustModules:
        """Rust: a module is a file under the crate's `src/` named by its path; `mod x;`
        declares a child, `use` starts from `crate::`, `self::`, `super::` or a child."""
        return RustModules(syntaxes, self.languages)


RUST = Rust()
