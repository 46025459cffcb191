"""Cargo crates: programs are `src/main.rs`, `src/bin/*` and `[[bin]]` targets."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import Ecosystem


class Rust(Ecosystem):
    name = "rust"
    languages = frozenset({"Rust"})
    manifest_ecosystems = frozenset({"Rust"})


RUST = Rust()
