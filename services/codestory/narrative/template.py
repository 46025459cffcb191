"""The default narrator: chapters built from RepoFacts by rules, so every claim is a fact.

Each chapter builder returns None when the repository gives it nothing true to say; the
script then has fewer chapters rather than filler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from codestory.analysis.facts import RepoFacts
from codestory.analysis.imports import ModuleInfo
from codestory.domain import ExpertiseLevel, Style
from codestory.narrative.phrases import join_words, plural, quoted_summary, sentence
from codestory.narrative.script import Script, ScriptChapter

MIN_CHAPTERS = 5
MAX_CHAPTERS = 9


@dataclass(frozen=True)
class Voice:
    """How much to explain and how much detail to give."""

    level: ExpertiseLevel
    style: Style

    @property
    def explains(self) -> bool:
        return self.level is ExpertiseLevel.BEGINNER

    @property
    def detail(self) -> int:
        base = 5 if self.style is Style.DEEP_DIVE else 3
        return base + (1 if self.level is ExpertiseLevel.EXPERT else 0)


ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth")


def _module_sentence(module: ModuleInfo, voice: Voice, position: int = 0) -> str:
    # Paths are spoken verbatim, never capitalised, so each sentence starts with a word.
    ordinal = ORDINALS[position] if position < len(ORDINALS) else "Next"
    text = f"{ordinal}, {module.path}: {plural(module.lines, 'line')} of {module.language}."
    if module.summary:
        text += f" It describes itself as: {sentence(quoted_summary(module.summary))}"
    names = module.classes[: voice.detail] or module.functions[: voice.detail]
    if names:
        kind = "classes" if module.classes else "functions"
        text += f" Its main {kind} are {join_words(names)}."
    return text


def chapter_what_it_is(facts: RepoFacts, voice: Voice) -> ScriptChapter:
    paragraphs = []
    described = next((m for m in facts.manifests if m.description), None)
    opening = f"Welcome to a tour of {facts.name}."
    if facts.readme and facts.readme.summary:
        opening += f" Its README, {facts.readme.path}, opens like this: {facts.readme.summary}"
    elif described and described.description:
        opening += f" Its {described.path} describes it as: {sentence(described.description)}"
    paragraphs.append(opening)
    main = facts.languages[:3]
    if main:
        shares = join_words([f"{lang.name} at {lang.percent:g} percent" for lang in main])
        paragraphs.append(
            f"The repository holds {plural(facts.total_files, 'file')} and about "
            f"{plural(facts.code_lines, 'line')} of code. By size, the code is {shares}."
        )
    if voice.explains:
        paragraphs.append(
            "In this tour we move from the big picture to the details: first the layout, "
            "then the parts that matter most, then how to run it and where to start reading."
        )
    return ScriptChapter(title=f"What {facts.name} is", paragraphs=paragraphs)


def chapter_layout(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    if not facts.folders and not facts.root_files:
        return None
    paragraphs = []
    top = facts.folders[: voice.detail + 3]
    if top:
        described = []
        for folder in top:
            text = f"{folder.name}, with {plural(folder.files, 'file')}"
            if folder.role:
                text += f", which holds {folder.role}"
            elif folder.main_language:
                text += f", mostly {folder.main_language}"
            described.append(text)
        if len(top) == 1:
            overview = f"At the top level there is one folder: {described[0]}."
        else:
            overview = (
                f"At the top level there are {plural(len(facts.folders), 'folder')}. "
                f"The biggest are {join_words(described, separator='; ')}."
            )
        paragraphs.append(overview)
    else:
        paragraphs.append(
            f"There are no folders: everything sits at the top level, in "
            f"{join_words(facts.root_files[: voice.detail + 3])}."
        )
    notable = [
        f
        for f in facts.root_files
        if f in {m.path for m in facts.manifests}
        or f
        in {
            "Makefile",
            "Dockerfile",
            "README.md",
            "Tiltfile",
            "skaffold.yaml",
            "LICENSE",
        }
    ]
    if notable and top:
        paragraphs.append(f"Beside the folders, the root holds {join_words(notable)}.")
    if voice.explains:
        paragraphs.append(
            "A folder's name is a strong hint at its job, so it pays to learn this map first."
        )
    return ScriptChapter(title="How it is laid out", paragraphs=paragraphs)


def chapter_key_parts(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    chosen: list[ModuleInfo] = []
    seen: set[str] = set()
    hubs = [facts.modules[m.path] for m in facts.most_imported if m.path in facts.modules]
    by_size = sorted(facts.modules.values(), key=lambda m: (-m.lines, m.path))
    for module in [*hubs[:2], *facts.largest_modules, *by_size]:
        if module.path not in seen:
            chosen.append(module)
            seen.add(module.path)
        if len(chosen) >= voice.detail:
            break
    if not chosen:
        return None
    intro = (
        "These are the modules that carry the most weight, by size and by how often the rest "
        "of the code relies on them."
    )
    return ScriptChapter(
        title="The key parts",
        paragraphs=[intro, *(_module_sentence(m, voice, i) for i, m in enumerate(chosen))],
    )


def chapter_data_flow(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    if not facts.most_imported:
        return None
    paragraphs = []
    hubs = facts.most_imported[: voice.detail]
    lines = []
    for hub in hubs:
        text = f"The module {hub.path} is imported by {plural(hub.importers, 'other module')}"
        if hub.examples:
            text += f", among them {join_words(hub.examples[:2])}"
        lines.append(text)
    paragraphs.append(
        "Following the imports shows how the pieces depend on each other. "
        + " ".join(sentence(line) for line in lines)
    )
    entry = [p for p in facts.entry_points if p.kind in {"console script", "main module"}]
    if entry:
        first = entry[0]
        paragraphs.append(
            f"Control starts at the entry points; the first is {first.name}, which leads to "
            f"{first.target}. From there, calls flow down into the shared modules named above."
        )
    if voice.explains:
        paragraphs.append(
            "A module that many others import is a good place to learn the vocabulary of the "
            "code base, because its names appear everywhere."
        )
    return ScriptChapter(title="How data flows", paragraphs=paragraphs)


def chapter_dependencies(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    with_deps = [m for m in facts.manifests if m.dependencies]
    if not with_deps:
        return None
    paragraphs = []
    for manifest in with_deps[:3]:
        named = manifest.dependencies[: voice.detail + 3]
        text = (
            f"The file {manifest.path} is a {manifest.kind} manifest"
            + (f" for {manifest.name}" if manifest.name else "")
            + f" listing {plural(len(manifest.dependencies), 'dependency', 'dependencies')}"
        )
        paragraphs.append(sentence(text) + f" Among them: {join_words(named)}.")
    return ScriptChapter(title="What it builds on", paragraphs=paragraphs)


def chapter_run_and_test(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    paragraphs = []
    scripts = [p for p in facts.entry_points if p.kind != "main module"]
    if scripts:
        named = join_words([f"{p.name}, a {p.kind} pointing at {p.target}" for p in scripts[:3]])
        paragraphs.append(f"To run it, the project declares {named}.")
    if facts.make_targets:
        paragraphs.append(
            f"The Makefile offers the targets {join_words(facts.make_targets[: voice.detail + 3])}."
        )
    if facts.has_dockerfile:
        paragraphs.append("There is a Dockerfile, so it can also be built as a container image.")
    if facts.tests.files:
        text = f"There are {plural(facts.tests.files, 'test file')}"
        if facts.tests.directories:
            text += f", in {join_words(facts.tests.directories)}"
        if facts.tests.frameworks:
            text += f", written for {join_words(facts.tests.frameworks)}"
        paragraphs.append(sentence(text))
    else:
        paragraphs.append("No test files were found, so changes here are checked by hand.")
    if facts.ci:
        paragraphs.append(f"Continuous integration runs through {join_words(facts.ci)}.")
    if not paragraphs:
        return None
    return ScriptChapter(title="How to run and test it", paragraphs=paragraphs)


def chapter_focus(facts: RepoFacts, voice: Voice, area: str) -> ScriptChapter | None:
    needle = area.lower().strip("/")
    matches = [m for path, m in facts.modules.items() if needle in path.lower()]
    if not matches:
        return None
    matches.sort(key=lambda m: -m.lines)
    total_lines = sum(m.lines for m in matches)
    intro = (
        f"You asked for a closer look at {area}. "
        f"{plural(len(matches), 'module')} match it, with {plural(total_lines, 'line')} in all."
    )
    return ScriptChapter(
        title=f"A closer look at {area}",
        paragraphs=[
            intro,
            *(_module_sentence(m, voice, i) for i, m in enumerate(matches[: voice.detail])),
        ],
    )


def chapter_where_to_start(facts: RepoFacts, voice: Voice) -> ScriptChapter:
    steps = []
    if facts.readme:
        steps.append(f"read {facts.readme.path}")
    entry = next((p for p in facts.entry_points if p.kind == "main module"), None)
    if entry:
        steps.append(f"open {entry.target}, where execution begins")
    if facts.most_imported:
        steps.append(f"study {facts.most_imported[0].path}, the module the others lean on most")
    elif facts.largest_modules:
        steps.append(f"skim {facts.largest_modules[0].path}, the largest module")
    if facts.tests.directories:
        steps.append(
            f"run the tests in {facts.tests.directories[0]} to see the behaviour pinned down"
        )
    numbered = [
        f"{word}, {step}."
        for word, step in zip(["First", "Then", "Next", "Finally"], steps, strict=False)
    ]
    closing = f"That is the tour of {facts.name}. Happy reading."
    return ScriptChapter(title="Where to start reading", paragraphs=[*numbered, closing])


def write_script(
    facts: RepoFacts,
    *,
    style: Style = Style.OVERVIEW,
    level: ExpertiseLevel = ExpertiseLevel.INTERMEDIATE,
    focus_areas: list[str] | None = None,
) -> Script:
    """Write 5 to 9 chapters about the repository, each grounded in `facts`.

    Five are certain for any repository with code: what it is, layout, key parts, running
    and testing (which says so when there are no tests), and where to start.
    """
    voice = Voice(level=level, style=style)
    builders: list[Callable[[RepoFacts, Voice], ScriptChapter | None]] = [
        chapter_layout,
        chapter_key_parts,
        chapter_data_flow,
        chapter_dependencies,
        chapter_run_and_test,
    ]
    chapters: list[ScriptChapter] = [chapter_what_it_is(facts, voice)]
    chapters += [c for build in builders if (c := build(facts, voice)) is not None]
    for area in focus_areas or []:
        focus = chapter_focus(facts, voice, area)
        if focus is not None and len(chapters) < MAX_CHAPTERS - 1:
            chapters.append(focus)
    chapters.append(chapter_where_to_start(facts, voice))
    return Script(title=f"A tour of {facts.name}", repository=facts.name, chapters=chapters)
