"""One model per ecosystem: each answers the same questions about a project by the
conventions of its packaging and build (which files are ways in, what marks an
application), so shared analysis code asks a model instead of comparing language names."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import Ecosystem, Project
from codestory.analysis.ecosystems.c_cpp import C_CPP
from codestory.analysis.ecosystems.go import GO
from codestory.analysis.ecosystems.jvm import JVM
from codestory.analysis.ecosystems.node import NODE
from codestory.analysis.ecosystems.python import PYTHON
from codestory.analysis.ecosystems.rust import RUST
from codestory.analysis.manifests import Manifest

ECOSYSTEMS: tuple[Ecosystem, ...] = (PYTHON, NODE, GO, RUST, JVM, C_CPP)
_BY_LANGUAGE = {language: e for e in ECOSYSTEMS for language in e.languages}
_BY_MANIFEST = {ecosystem: e for e in ECOSYSTEMS for ecosystem in e.manifest_ecosystems}
GENERIC = Ecosystem()


def of_language(language: str | None) -> Ecosystem:
    """The model for files in `language`; a neutral one for languages without a model."""
    return _BY_LANGUAGE.get(language or "", GENERIC)


def of_manifest(manifest: Manifest) -> Ecosystem:
    """The model of a manifest's ecosystem; a neutral one for ecosystems without a model."""
    return _BY_MANIFEST.get(manifest.ecosystem, GENERIC)


__all__ = ["ECOSYSTEMS", "Ecosystem", "Project", "of_language", "of_manifest"]
