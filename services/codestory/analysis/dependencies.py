"""What the project builds on: the dependencies of the top-level manifests that speak for
its code, less those only its tests use; in a monorepo, the nested manifest of the module
that holds most of the code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codestory.analysis import ecosystems
from codestory.analysis.classify import classify_path
from codestory.analysis.file_kind import FileKind
from codestory.analysis.manifests import Manifest

ECOSYSTEM_LANGUAGES = {
    "Python": {"Python"},
    "JavaScript": {"JavaScript", "TypeScript"},
    "Go": {"Go"},
    "Rust": {"Rust"},
    "Java": {"Java", "Kotlin", "Scala"},
    "Ruby": {"Ruby"},
    "PHP": {"PHP"},
    "C/C++": {"C", "C++"},
}
_DOCS = re.compile(r"(?:^|[/_.-])docs?(?:[/_.-]|$)", re.IGNORECASE)
# Below this share of the code's lines, an ecosystem's manifest serves tooling (a
# package.json for a Go project's docs site), not the project.
MANIFEST_SHARE = 10.0


@dataclass
class Dependencies:
    runtime: list[str]
    dev: list[str]
    optional: list[str]
    peer: list[str]
    # The manifest they come from when the top one declares none.
    source: str | None = None
    platform: list[str] = field(default_factory=list)  # needed on some platforms only
    build: list[str] = field(default_factory=list)  # what a build script needs
    by_default: list[str] = field(default_factory=list)  # optional, yet on unless opted out


def speaking_manifests(manifests: list[Manifest], shares: dict[str, float]) -> list[Manifest]:
    """The top-level manifests that speak for the project's code: those of an ecosystem
    whose languages hold a real share of it (`shares`: percent of the code's lines by
    language); a manifest of an unknown ecosystem is kept."""

    def weight(manifest: Manifest) -> float:
        own = ECOSYSTEM_LANGUAGES.get(manifest.ecosystem)
        return 100.0 if own is None else sum(shares.get(lang, 0.0) for lang in own)

    return [m for m in manifests if weight(m) >= MANIFEST_SHARE]


def select_dependencies(
    *,
    root_manifests: list[Manifest],
    manifests: list[Manifest],
    shares: dict[str, float],
    main_language: str | None,
    project: ecosystems.Project,
    source_lines: dict[str, int],
) -> Dependencies:
    """The project's dependencies, by kind. `shares` is the code's lines by language in
    percent, `main_language` the language of most of them, `source_lines` the lines of
    each source file."""
    speaking = speaking_manifests(root_manifests, shares)
    for model in ecosystems.ECOSYSTEMS:
        speaking = model.working_environments(speaking)
    dependencies = list(dict.fromkeys(d for m in speaking for d in m.dependencies))
    # A file named for the documentation (`requirements-docs.txt`) holds the docs build's
    # packages: those the code itself is worked on with come first.
    working = sorted(speaking, key=lambda m: _DOCS.search(m.path) is not None)
    dev = list(
        dict.fromkeys(d for m in working for d in m.dev_dependencies if d not in dependencies)
    )
    optional = list(
        dict.fromkeys(d for m in speaking for d in m.optional_dependencies if d not in dependencies)
    )
    peer = list(dict.fromkeys(d for m in speaking for d in m.peer_dependencies))
    for model in ecosystems.ECOSYSTEMS:
        only_for_tests = model.test_only_dependencies(project, dependencies)
        # In the manifest's order: a set's order changes from process to process.
        dev += [d for d in dependencies if d in only_for_tests and d not in dev]
        dependencies = [d for d in dependencies if d not in only_for_tests]
    for model in ecosystems.ECOSYSTEMS:
        dev = model.tools_first(speaking, dev)
        dependencies = model.most_used_first(project, dependencies)
    source: str | None = None
    # A top-level manifest whose every requirement serves its tests speaks for the code all
    # the same: only a top level that declares nothing hands over to a nested module.
    if not any(m.dependencies for m in speaking):
        dependencies, source = _of_a_monorepo(manifests, main_language, source_lines)
    platform = list(dict.fromkeys(d for m in speaking for d in m.platform_dependencies))
    build = list(dict.fromkeys(d for m in speaking for d in m.build_dependencies))
    by_default = [d for m in speaking for d in m.default_optional if d in optional]
    return Dependencies(dependencies, dev, optional, peer, source, platform, build, by_default)


def _of_a_monorepo(
    manifests: list[Manifest], main_language: str | None, source_lines: dict[str, int]
) -> tuple[list[str], str | None]:
    """The first nested manifest of the code's own language: the dependencies it declares
    and its path (None when it declares none of its own)."""
    nested = [
        m
        for m in manifests
        if "/" in m.path  # the top-level ones have spoken
        and m.kind != "Helm chart"
        and classify_path(m.path) in {FileKind.SOURCE, FileKind.TOOLING}
        and main_language in ECOSYSTEM_LANGUAGES.get(m.ecosystem, set())
    ]
    # The module that holds the most of the code speaks for it: Gson's core, not extras;
    # when it needs nothing, nothing is what the project needs (not a side module's list).
    nested.sort(
        key=lambda m: (
            -sum(
                lines
                for p, lines in source_lines.items()
                if p.startswith(m.path.rpartition("/")[0] + "/")
            )
        )
    )
    # The build's own modules are among them, told as packages of its own.
    dependencies = list(nested[0].dependencies) if nested else []
    return dependencies, nested[0].path if nested and dependencies else None
