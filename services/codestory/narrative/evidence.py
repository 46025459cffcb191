"""Where each sentence of a script comes from: the files, lines and facts behind it.

Pure: a script and the facts it was written from in, the same script with evidence for each
sentence out. A listener or reviewer opens the sidecar beside the captions to check a claim
at its source. Names and paths a sentence puts in backticks are looked up in the facts (a
path, a definition, an entry point, a dependency, a command); the opening's quote points at
the README or manifest it came from, a version at the file that declares it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codestory.analysis.facts import RepoFacts
from codestory.narrative.script import Evidence, Script, ScriptChapter

_BACKTICKED = re.compile(r"`([^`]+)`")
_QUOTED_DESCRIPTION = re.compile(r"In its own words:")
_VERSION = re.compile(r"\bversion (\S+?)\.?$|release in its changelog is ([\w.\-]+?)[,.]")
_LANGUAGES = re.compile(r"It is (?:written in|mostly) ")
# Role counts ("It serves 27 HTTP routes") stand on the files that declare the roles.
_ROLE_COUNTS = {
    "HTTP route": "routes",
    "command-line command": "commands",
    "background task": "tasks",
    "data model": "models",
}
MAX_ROLE_SOURCES = 5


@dataclass
class _Index:
    """Every fact a backticked span may name, by that span."""

    by_path: dict[str, Evidence] = field(default_factory=dict)
    by_name: dict[str, list[Evidence]] = field(default_factory=dict)

    def add_name(self, name: str, evidence: Evidence) -> None:
        self.by_name.setdefault(name, []).append(evidence)


def _index(facts: RepoFacts) -> _Index:
    index = _Index()
    for area in facts.areas:
        index.by_path[area.path] = Evidence(path=area.path, fact=f"a folder of {area.kind} files")
    for module in facts.modules.values():
        index.by_path[module.path] = Evidence(
            path=module.path, fact=f"{module.language}, {module.lines} lines"
        )
    for manifest in facts.manifests:
        index.by_path[manifest.path] = Evidence(path=manifest.path, fact=manifest.kind)
        for dependency in manifest.dependencies:
            index.add_name(
                dependency, Evidence(path=manifest.path, fact="a dependency it declares")
            )
        for dependency in manifest.dev_dependencies:
            index.add_name(
                dependency, Evidence(path=manifest.path, fact="a development dependency")
            )
        for command, target in manifest.executables.items():
            index.add_name(
                command, Evidence(path=manifest.path, fact=f"the command {command} -> {target}")
            )
    for path in facts.root_files:
        index.by_path.setdefault(path, Evidence(path=path, fact="a file at the top level"))
    if facts.readme:
        index.by_path[facts.readme.path] = Evidence(path=facts.readme.path, fact="the README")
    for symbol in facts.key_symbols:
        index.add_name(
            symbol.name, Evidence(path=symbol.path, line=symbol.line, fact=f"{symbol.kind}")
        )
    for steps in facts.control_paths:
        for step in steps:
            index.add_name(
                step.name, Evidence(path=step.path, line=step.line, fact="a step of the path")
            )
    if facts.library_entry:
        entry = facts.library_entry
        index.add_name(
            entry.name,
            Evidence(path=entry.path, line=entry.line, fact="what the library hands out"),
        )
    for point in facts.entry_points:
        if point.path:
            index.add_name(point.name, Evidence(path=point.path, fact=f"{point.kind}"))
            if point.symbol:
                index.add_name(point.symbol, Evidence(path=point.path, fact="where it starts"))
    roles = facts.roles
    for role in [*roles.commands, *roles.tasks, *roles.models, *roles.configs]:
        evidence = Evidence(path=role.file, line=role.line, fact=f"a {role.kind}")
        index.add_name(role.detail or role.name, evidence)
        index.add_name(role.name, evidence)
    return index


def _description_source(facts: RepoFacts) -> Evidence | None:
    if facts.readme and facts.readme.summary and facts.readme.summary == facts.description:
        return Evidence(path=facts.readme.path, fact="the README's description")
    declared = next((m for m in facts.manifests if m.description == facts.description), None)
    if declared is not None:
        return Evidence(path=declared.path, fact="the manifest's description")
    return None


def _version_source(facts: RepoFacts, said: str) -> Evidence | None:
    if facts.release and facts.release.version == said:
        return Evidence(path=facts.release.source, fact=f"the changelog's release {said}")
    declared = next((m for m in facts.manifests if m.version == said), None)
    if declared is not None:
        return Evidence(path=declared.path, fact=f"version {said}")
    return None


def sentence_evidence(sentence: str, facts: RepoFacts, index: _Index) -> list[Evidence]:
    found: list[Evidence] = []
    spans = _BACKTICKED.findall(sentence)
    named_paths = {s for s in spans if s in index.by_path}
    for span in spans:
        if span in index.by_path:
            found.append(index.by_path[span])
            continue
        candidates = index.by_name.get(span) or index.by_name.get(span.split("(")[0], [])
        if candidates:
            # A name the sentence places in a file is that file's definition.
            placed = [c for c in candidates if c.path in named_paths]
            found.append((placed or candidates)[0])
    if _QUOTED_DESCRIPTION.search(sentence) and (source := _description_source(facts)):
        found.append(source)
    version = _VERSION.search(sentence)
    if version and (source := _version_source(facts, version.group(1) or version.group(2))):
        found.append(source)
    for words, kind in _ROLE_COUNTS.items():
        if words in sentence:
            roles = getattr(facts.roles, kind)
            for role in roles[:MAX_ROLE_SOURCES]:
                found.append(Evidence(path=role.file, line=role.line, fact=f"one of the {kind}"))
    if _LANGUAGES.search(sentence) and facts.languages:
        top = facts.languages[0]
        found.append(
            Evidence(path=".", fact=f"{top.files} {top.name} files, {top.lines} lines, counted")
        )
    unique: list[Evidence] = []
    for evidence in found:
        if evidence not in unique:
            unique.append(evidence)
    return unique


def with_evidence(script: Script, facts: RepoFacts) -> Script:
    """The script with each chapter's sentences' evidence, in the order they are spoken."""
    index = _index(facts)
    chapters = [
        ScriptChapter(
            title=chapter.title,
            paragraphs=chapter.paragraphs,
            evidence=[sentence_evidence(s, facts, index) for s in chapter.sentences],
        )
        for chapter in script.chapters
    ]
    return script.model_copy(update={"chapters": chapters})
