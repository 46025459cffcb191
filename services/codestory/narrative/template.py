"""The default narrator: chapters built from RepoFacts by rules, so every claim is a fact.

Each chapter builder returns None when the repository gives it nothing true to say; the
script then has fewer chapters rather than filler. Paths and identifiers are written in
backticks so the speech layer can say them the way people do.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TypeVar

from codestory.analysis.callgraph import BRANCH_STEPS
from codestory.analysis.classify import FileKind
from codestory.analysis.entry_point import EntryPoint
from codestory.analysis.facts import (
    Area,
    ControlStep,
    ModuleFact,
    RepoFacts,
    SymbolFact,
    is_deprecated,
    release_stage,
)
from codestory.analysis.families import FileFamily
from codestory.analysis.history import HistoryFacts
from codestory.analysis.layers import Part
from codestory.analysis.readme import further_words
from codestory.analysis.testsuite import TestSuite
from codestory.core.domain import ExpertiseLevel, Style
from codestory.core.settings import Settings
from codestory.narrative.paraphrase import predicate
from codestory.narrative.phrases import about, code, join_words, lower_first, plural, sentence
from codestory.narrative.script import Script, ScriptChapter

MIN_CHAPTERS = 3  # a one-file repository gets a short, true tour
MAX_CHAPTERS = 10
LARGE_PROJECT = 100  # source files
MEDIUM_PROJECT = 30
# The shortest a story should be: three minutes at the narrator's default rate, five for a
# large project. A story that falls short tells every path its tour found and a few more of
# its key ideas: the extra time goes to how the code runs and what it is made of.
_WORDS_PER_MINUTE = Settings.model_fields["speech_words_per_minute"].default
SHORTEST_WORDS = 3 * _WORDS_PER_MINUTE
SHORTEST_LARGE_WORDS = 5 * _WORDS_PER_MINUTE
SHORT_STORY_IDEAS = 4  # key ideas added to a story that falls short
# ... and to a large project's, whose floor is two minutes higher: its documented ideas are
# what it has more of, once its paths are all told.
SHORT_LARGE_STORY_IDEAS = 8
# A story still short once those are told takes as many again, where its authors documented
# that many more: their words on the design, never a longer list of names.
SHORT_STORY_ROUNDS = 2
# Below this share of calls followed for certain, the story walks one short path only.
LOW_RESOLUTION = 0.2
UNSURE_STEPS = 4

# Words a beginner hears defined the first time the story uses them.
GLOSSARY = {
    "entry point": "the place where a program starts running",
    "module": "one source file and the names it defines",
    "dependency": "a package written by someone else that the code relies on",
    "test suite": "code that runs the project's code and checks the answers",
    "continuous integration": "a service that runs the tests on every change",
    "console script": "a command that installing the package puts on your path",
    "library": "code you call from your own program rather than run by itself",
    "HTTP route": "an address the server answers, such as a web page or an API call",
    "background task": "work done later by a worker process instead of during a request",
}
AREA_WORDS = {
    FileKind.SOURCE: "the code itself",
    FileKind.TEST: "tests",
    FileKind.EXAMPLE: "examples",
    FileKind.DOCS: "documentation",
    FileKind.BENCHMARK: "benchmarks",
    FileKind.TOOLING: "build and helper tooling",
    FileKind.VENDORED: "copies of other projects' code",
    FileKind.GENERATED: "generated code",
    FileKind.MINIFIED: "minified build output",
    FileKind.DATA: "files that are not code",
}
# Area words that take a singular verb: "the documentation sits in `docs`".
_MASS_NOUNS = frozenset(
    {"documentation", "build and helper tooling", "generated code", "minified build output"}
)
_FOCUS_SYNONYMS = {
    "routes": {"api", "http", "routes", "route", "endpoints", "endpoint", "web", "server", "rest"},
    "commands": {"cli", "command", "commands", "cmd", "console", "terminal"},
    "tasks": {"tasks", "task", "worker", "workers", "jobs", "job", "queue", "background"},
    "models": {"models", "model", "data", "schema", "schemas", "entities", "database", "db"},
    "configs": {"config", "configuration", "settings", "options"},
}


Shape = TypeVar("Shape")


@dataclass
class Voice:
    """How much to explain, how far to go, and the terms already defined."""

    level: ExpertiseLevel
    style: Style
    defined: set[str] = field(default_factory=set)
    # A project of LARGE_PROJECT source files or more has more to tell: the extra time goes
    # to its paths and ideas, not to longer lists. MEDIUM_PROJECT gets part of it.
    large: bool = False
    medium: bool = False
    # Where a sentence has several wordings, the story's own turn picks where it starts, so
    # stories of different projects do not all open a chapter on the same words.
    turn: int = 0
    # A story that would fall short of its floor: it walks every path the tour found and
    # tells a few more key ideas.
    short: bool = False
    # How many rounds of extra key ideas a short story tells (see SHORT_STORY_ROUNDS).
    rounds: int = 1
    # How often each opener of the authors' words has been said in this story, so a story
    # quoting many comments hands over to them in turn rather than in one phrase each time.
    openers: Counter[str] = field(default_factory=Counter)
    # The methods whose authors' summary a key idea has said already (name, summary): a
    # type that shares a method with another (an iterator and its filtering wrapper) names
    # it without saying its summary again.
    summarised: set[tuple[str, str]] = field(default_factory=set)

    def shape(self, shapes: list[Shape], index: int = 0) -> Shape:
        """One of `shapes`: the story's turn, moved on by `index` within the story."""
        return shapes[(self.turn + index) % len(shapes)]

    @property
    def beginner(self) -> bool:
        return self.level is ExpertiseLevel.BEGINNER

    @property
    def expert(self) -> bool:
        return self.level is ExpertiseLevel.EXPERT

    @property
    def deep(self) -> bool:
        return self.style is Style.DEEP_DIVE

    @property
    def paths(self) -> int:
        """Control paths to walk: deep-dive walks more of them, not longer lists."""
        return 3 if self.deep or self.large or self.short else 2

    @property
    def ideas(self) -> int:
        if self.beginner:
            return 4
        if self.large:  # a large project's extra minutes go to its ideas
            return 12 + self.extra_ideas
        return 8 + self.extra_ideas

    @property
    def extra_ideas(self) -> int:
        """Key ideas a story short of its floor adds, each told in its authors' words."""
        if not self.short or self.beginner:
            return 0
        return (SHORT_LARGE_STORY_IDEAS if self.large else SHORT_STORY_IDEAS) * self.rounds

    @property
    def modules(self) -> int:
        return 6 if self.deep or self.large else 3

    def opener(self, openers: list[str]) -> str:
        """The opener of `openers` this story has said least, the story's turn breaking ties;
        counted as said."""
        start = self.turn % len(openers)
        ordered = openers[start:] + openers[:start]
        chosen = min(ordered, key=lambda o: self.openers[o])
        self.openers[chosen] += 1
        return chosen

    def term(self, word: str, plural_form: str | None = None) -> str:
        """`word`, followed the first time by its meaning when the listener is new to it."""
        shown = plural_form or word
        if not self.beginner or word in self.defined or word not in GLOSSARY:
            return shown
        self.defined.add(word)
        return f"{shown} ({GLOSSARY[word]})"


def _doc_clause(doc: str | None) -> str | None:
    """A docstring as a clause: `Load settings once.` -> `load settings once`."""
    if not doc:
        return None
    text = doc.rstrip(".!?… ").strip()
    return lower_first(text) if text else None


def _quote(doc: str) -> str:
    """The authors' words as they wrote them (`jq is…` stays lower-case), ended as a sentence."""
    text = doc.strip()
    return text if text[-1:] in ".!?…" else f"{text}."


# ---- chapters ----------------------------------------------------------------------------


def chapter_what_it_is(facts: RepoFacts, voice: Voice) -> ScriptChapter:
    paragraphs: list[str] = []
    if facts.description:
        said = " ".join(facts.description.split())  # a manifest's wrapped lines, as one
        opening = f"This is a tour of {facts.name}. In its own words: {_quote(said)}"
        more = further_words(said, facts.readme.summary if facts.readme else None, facts.name)
        if more:
            opening += f" Its README says more: {_quote(' '.join(more.split()))}"
    else:
        missing = (
            "Its README does not say in a sentence what it is"
            if facts.readme
            else "It has no README"
        )
        opening = f"This is a tour of {facts.name}. {missing}, so the code will have to tell us."
    paragraphs.append(opening)
    if facts.readme and facts.readme.notice:
        # Said at once: a listener deciding whether to build on it needs this first.
        paragraphs.append(f"Its README opens with a notice: {_quote(facts.readme.notice)}")
    main = [lang for lang in facts.languages if lang.percent >= 5][:3] or facts.languages[:1]
    size = f"{about(facts.code_lines)} lines" if facts.code_lines else "a handful of lines"
    if main:
        if len(main) == 1:
            shape = f"It is written in {main[0].name}: {size} of the project's own code"
        else:
            shape = (
                f"It is mostly {main[0].name}, with "
                f"{join_words([lang.name for lang in main[1:]])} beside it: {size} of the "
                "project's own code"
            )
        # The test suite's own counts, so the opening and the testing chapter agree (a
        # fixture under src/bin is no test file).
        tests = facts.tests
        extra = [plural(tests.files, "test file")] if tests.files else []
        if tests.inline_test_files and not tests.files:
            extra.append(f"tests inside {plural(tests.inline_test_files, 'source file')}")
        if facts.kinds.get("example", 0):
            extra.append(plural(facts.kinds["example"], "example file"))
        if extra:
            shape += f", plus {join_words(extra)}"
        paragraphs.append(sentence(shape))
    when: list[str] = []
    if facts.release and facts.release.date:
        when.append(
            f"The latest release in its changelog is {facts.release.version}, "
            f"dated {facts.release.date}."
        )
    elif facts.release:  # no version declared anywhere else: the changelog's word for it
        when.append(f"The latest release in its changelog is {facts.release.version}.")
    elif facts.version:
        stage = release_stage(facts.version)
        when.append(f"It calls itself version {facts.version}{', ' + stage if stage else ''}.")
    if facts.history is not None:
        when.append(_history_sentence(facts.history))
        if facts.history.most_changed:
            busiest = facts.history.most_changed[:2]
            files = join_words([code(f.path) for f in busiest])
            when.append(f"Most of that work went into {files}.")
    if when:
        paragraphs.append(" ".join(when))
    return ScriptChapter(title=f"What {facts.name} is", paragraphs=paragraphs)


def span_words(days: int) -> str:
    """A stretch of time as a person says it: 3 days, 5 weeks, 8 months, 2 years."""
    if days < 14:
        return plural(max(days, 1), "day")
    if days < 60:
        return plural(round(days / 7), "week")
    if days < 730:
        return plural(round(days / 30.4), "month")
    return plural(round(days / 365.25), "year")


def _history_sentence(history: HistoryFacts) -> str:
    commits = plural(history.commits, "commit")
    if history.commits == 1:
        return f"Its history here is a single commit, dated {history.last_date}."
    reach = (
        f"Its last {commits} span" if history.truncated else f"Its whole history, {commits}, spans"
    )
    text = f"{reach} {span_words(history.span_days)}"
    if history.span_days >= 28:  # weeks with work say how steady it is, over a long stretch
        text += f", with work in {plural(history.active_weeks, 'week')} of them"
    return f"{text}; the newest is dated {history.last_date}."


def _area_sentence(
    area: Area,
    voice: Voice,
    index: int,
    tests: TestSuite | None = None,
    examples: int | None = None,
    *,
    listing: bool = False,
) -> str:
    what = area.holds or AREA_WORDS[area.kind]
    files = plural(area.files, "file")
    if examples and area.kind is FileKind.EXAMPLE:
        files = plural(examples, "example file")  # the count the opening gives
    if tests is not None and area.kind is FileKind.TEST and area.path in tests.directories:
        # The number the test chapter says too: test files, not conftest and fixtures. A
        # suite spread over several folders is counted there, across all of them.
        one = tests.directories == [area.path]
        files = plural(tests.files - tests.beside_code, "test file") if one else ""
    if area.kind is FileKind.SOURCE:
        leads = [f"{what.capitalize()} lives in", "More of the code lives in", "And there is"]
        text = f"{leads[min(index, 2)]} {code(area.path)}, {files}"
        if index == 0:  # the first source folder, worded by the story's turn
            text = voice.shape(
                [
                    text,
                    f"{code(area.path)} holds {what}: {files}",
                    f"The project's own code is in {code(area.path)}, {files}"
                    if what == AREA_WORDS[FileKind.SOURCE]
                    else text,
                ]
            )
        if area.language:
            text += f" of mostly {area.language}"
        if area.doc:
            text += f". Its package describes itself this way: {_quote(area.doc)}"
        return sentence(text)
    if listing:  # one item of a list of areas: "the documentation in `docs`, 48 files"
        the = "" if area.holds or area.kind is FileKind.TEST else "the "
        return f"{the}{what} in {code(area.path)}{', ' + files if files else ''}"
    counted, listed = (f", {files}", f": {files}") if files else ("", "")
    shapes = [
        f"You will find {what} in {code(area.path)}{counted}",
        f"The {what} {'sits' if what in _MASS_NOUNS else 'sit'} in {code(area.path)}{counted}",
        f"Next to it, {code(area.path)} has {what}{listed}",
    ]
    return sentence(voice.shape(shapes, index))


def _area_items(
    areas: list[Area], voice: Voice, tests: TestSuite, examples: int | None
) -> list[str]:
    """The items of a list of areas, those holding the same kind of files said as one, so
    the list does not name the kind again for each folder: "tests in `a`, 24 files, and
    `b`, 8 files", not "tests in `a`, 24 files; tests in `b`, 8 files"."""
    groups: dict[str, list[str]] = {}
    for area in areas:
        item = _area_sentence(area, voice, 0, tests, examples, listing=True)
        what = area.holds or AREA_WORDS[area.kind]
        groups.setdefault(what, []).append(item)
    items: list[str] = []
    for what, said in groups.items():
        if len(said) == 1:
            items.append(said[0])
            continue
        # Each item reads "[the ]<what> in `folder`[, n files]": the kind is said once.
        places = [item.split(f"{what} in ", 1)[1] for item in said]
        head = said[0].split(f"{what} in ", 1)[0] + what
        rest = "".join(f", {place}" for place in places[1:-1])
        items.append(f"{head} in {places[0]}{rest}, and {places[-1]}")
    return items


def _source_lines(facts: RepoFacts, folder: str) -> int:
    return sum(
        m.lines
        for p, m in facts.modules.items()
        if p.startswith(folder + "/") and m.kind == "source"
    )


def chapter_layout(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    areas = [a for a in facts.areas if not a.path.startswith(".")]
    if not areas:
        return None
    source = [a for a in areas if a.kind is FileKind.SOURCE]
    # A test folder the testing chapter names and counts is told there, once.
    counted = set(facts.tests.directories[:3]) if facts.tests.exist else set()
    others = [
        a
        for a in areas
        if a.kind is not FileKind.SOURCE and not (a.kind is FileKind.TEST and a.path in counted)
    ]
    paragraphs: list[str] = []
    # Code at the top level (a Go package at its module root, a script project) is said
    # first when it is the package the project is named for or outweighs every source
    # folder, so a listener does not take a helper folder for the heart of the project.
    root_code = [m for p, m in facts.modules.items() if "/" not in p and m.kind == "source"]
    root_first = bool(root_code) and (
        facts.root_package
        or sum(m.lines for m in root_code)
        >= max((_source_lines(facts, a.path) for a in source), default=0)
    )
    if root_first:
        beside = " next to the README" if facts.readme and "/" not in facts.readme.path else ""
        files = plural(len(root_code), "source file")
        paragraphs.append(
            voice.shape(
                [
                    f"The code itself sits at the top level: {files}{beside}.",
                    f"The heart of it is at the top level: {files}{beside}.",
                    f"Its code is right at the top level: {files}{beside}.",
                ]
            )
        )
    offset = 1 if root_first else 0
    paragraphs += [_area_sentence(a, voice, i + offset) for i, a in enumerate(source[:3])]
    paragraphs += _family_sentences(facts, voice)
    if facts.workspace:
        paragraphs.append(_workspace_sentence(facts))
    limit = 5 if voice.deep else 3
    example_areas = [a for a in areas if a.kind is FileKind.EXAMPLE]
    examples = facts.kinds.get("example") if len(example_areas) == 1 else None
    told = others[:limit]
    if len(told) == 1:
        paragraphs.append(_area_sentence(told[0], voice, 0, facts.tests, examples))
    elif told:  # the rest of the tree in one sentence, its shape the tree's own list
        items = _area_items(told, voice, facts.tests, examples)
        lead = voice.shape(["Beside the code sit", "Around the code are", "Next to it you find"])
        listed = "; ".join(items[:-1]) + f"; and {items[-1]}" if len(items) > 1 else items[0]
        paragraphs.append(sentence(f"{lead} {listed}"))
    skipped = {k: facts.kinds.get(k, 0) for k in ("vendored", "generated", "minified")}
    if any(skipped.values()):
        parts = [plural(n, f"{k} file") for k, n in skipped.items() if n]
        paragraphs.append(
            f"The tour leaves out {join_words(parts)}: "
            f"{'that is' if sum(skipped.values()) == 1 else 'they are'} not where the "
            "project's own ideas live."
        )
    guide = _area_guides(facts, voice)
    if guide:
        paragraphs.append(guide)
    roles = _roles_sentence(facts, voice)
    if roles:
        paragraphs.append(roles)
    return ScriptChapter(title="How it is organised", paragraphs=paragraphs)


def _family_sentences(facts: RepoFacts, voice: Voice) -> list[str]:
    """A large folder's families of files by name (`cmd-*.c`, `*_linux.go`), one sentence
    a folder: what its names tell a reader before any file is opened."""
    folders: dict[str, list[FileFamily]] = {}
    for family in facts.families:
        folders.setdefault(family.folder, []).append(family)
    told: list[str] = []
    for index, (folder, families) in enumerate(folders.items()):
        items = []
        for number, family in enumerate(families):
            if number == 0:
                named = f"{family.files} named {code(family.pattern)}"
                if family.system:
                    named += f", which Go builds only for {family.system}"
                else:
                    named += f", such as {join_words([code(e) for e in family.examples])}"
            else:
                named = f"{family.files} {code(family.pattern)}"
                named += f" for {family.system}" if family.system else ""
            items.append(named)
        where = code(folder) if folder else "the top level"
        listed = join_words(items)
        told.append(
            voice.shape(
                [
                    f"{'In' if folder else 'At'} {where}, the file names say what is inside: "
                    f"{listed}.",
                    f"The files in {where} fall into families by name: {listed}.",
                    f"{where[0].upper()}{where[1:]} groups its files by name: {listed}.",
                ],
                index,
            )
        )
    return told


def _workspace_sentence(facts: RepoFacts) -> str:
    """The packages a workspace joins, the largest named (`crates/core`, ...)."""
    members = facts.workspace
    named = join_words([code(m) for m in members[:4]])
    listed = f", the largest {named}" if len(members) > 4 else f": {named}"
    count = plural(len(members), "package")
    top = any(m.name and m.members for m in facts.manifests if "/" not in m.path)
    if top:  # the top folder is a package of its own too
        return f"The build's workspace adds {count} to the top one{listed}."
    return f"The build is a workspace of {count}{listed}."


AREA_GUIDES = 3  # source folders whose leading file the layout introduces


def _guide_modules(facts: RepoFacts, voice: Voice) -> list[ModuleFact]:
    """For a large project, the file each main source folder leads with: the one with its
    own description that the rest of the folder imports most. The modules chapter then
    leaves them out."""
    if not (voice.large or voice.medium) or voice.beginner:
        return []
    told = {s.path for path in facts.control_paths for s in path}
    chosen: list[ModuleFact] = []
    for area in [a for a in facts.areas if a.kind is FileKind.SOURCE][:AREA_GUIDES]:
        inside = [
            m
            for p, m in facts.modules.items()
            if p.startswith(area.path + "/")
            and m.kind is FileKind.SOURCE
            and m.doc
            and p not in told
            # Java's package-info.java holds the package's doc, no code: the parts say it.
            and not p.endswith("/package-info.java")
        ]
        if inside:
            chosen.append(max(inside, key=lambda m: (m.importers, m.lines, m.path)))
    return chosen


def _area_guides(facts: RepoFacts, voice: Voice) -> str | None:
    guides = _guide_modules(facts, voice)
    if not guides:
        return None
    return " ".join(_module_sentence(m, voice, i) for i, m in enumerate(guides))


def _short_names(parts: list[Part]) -> tuple[str | None, dict[str, str]]:
    """The folder all parts sit under, said once, and each folder by its last segment where
    that names one part only (`builder`, not `src/main/java/org/x/builder`)."""
    folders = {f for p in parts for f in (p.folder, *p.uses, *p.used_by)}
    split = [f.split("/") for f in folders]
    common: list[str] = []
    for segments in zip(*split, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    root = "/".join(common) if len(common) >= 2 else None
    last = Counter(f.rsplit("/", 1)[-1] for f in folders)
    names = {f: f.rsplit("/", 1)[-1] if last[f.rsplit("/", 1)[-1]] == 1 else f for f in folders}
    if root is None:  # short paths read well as they are
        names = {f: f for f in folders}
    return root, names


def _part_sentence(part: Part, name: dict[str, str], index: int, voice: Voice) -> str | None:
    """Where one folder sits among the others: on top, underneath, or between."""
    here = code(name[part.folder])
    uses = [code(name.get(u, u)) for u in part.uses[:3]]
    used_by = [code(name.get(u, u)) for u in part.used_by[:3]]
    if uses and not used_by:
        shapes = [
            f"{here} is on top: it draws on {join_words(uses)}, and no other part draws on it.",
            f"Nothing else here imports {here}; it puts {join_words(uses)} to work.",
            f"On top sits {here}, drawing on {join_words(uses)}; no other part imports it.",
        ]
        return voice.shape(shapes, index)
    if used_by and not uses:
        verb = "builds" if len(used_by) == 1 else "build"
        shapes = [
            f"{here} is underneath: {join_words(used_by)} {verb} on it, and it imports no "
            "other part.",
            f"At the bottom sits {here}, which imports no other part; {join_words(used_by)} "
            f"{'relies' if len(used_by) == 1 else 'rely'} on it.",
        ]
        return voice.shape(shapes, index)
    if uses and used_by:
        return (
            f"{here} sits between: {join_words(used_by)} "
            f"{'uses' if len(used_by) == 1 else 'use'} it, and it uses {join_words(uses)}."
        )
    return None


def chapter_parts(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    if voice.beginner and not voice.deep:
        return None
    parts = [p for p in facts.parts if p.files > 1 and (p.uses or p.used_by)]
    if len(parts) < 2:
        return None  # one folder that leans on another is no architecture to describe
    root, name = _short_names(parts)
    told = [f"Below {code(root)}, the parts lean on each other like this."] if root else []
    # Folders that import one another are one body of code, split for tidiness.
    tangled = [p for p in parts if set(p.uses) & set(p.used_by)]
    if len(tangled) >= 2:
        names = join_words([code(name[p.folder]) for p in tangled[:4]])
        told.append(
            voice.shape(
                [
                    f"{names} are tied together by imports that run both ways: one body of "
                    "code, split across folders.",
                    f"{names} import one another: one body of code, split across folders "
                    "for tidiness.",
                    f"Imports run both ways between {names}, so they are one body of code "
                    "in several folders.",
                ]
            )
        )
    # The rest reads like a layer diagram: on top, between, underneath.
    rest = [p for p in parts if p not in tangled or len(tangled) < 2]
    rest.sort(key=lambda p: 0 if not p.used_by else (2 if not p.uses else 1))
    told += [t for i, p in enumerate(rest[:PARTS_TOLD]) if (t := _part_sentence(p, name, i, voice))]
    paragraphs = [" ".join(told)]
    described = _parts_described(facts, parts, name, voice)
    if described:
        paragraphs.append(described)
    return ScriptChapter(title="How the parts fit together", paragraphs=paragraphs)


def _parts_described(
    facts: RepoFacts, parts: list[Part], name: dict[str, str], voice: Voice
) -> str | None:
    """What the parts' packages say of themselves, in their authors' words: the first of
    them the organisation chapter has quoted already."""
    quoted = {a.doc for a in facts.areas if a.doc}
    told: list[str] = []
    for part in parts:
        doc = part.doc
        # A docstring that only names its module (`medusa.__init__`) says nothing.
        if not doc or len(doc.split()) < 2 or doc in quoted or len(told) == PARTS_TOLD:
            continue
        here = code(name[part.folder])
        told.append(
            voice.shape(
                [
                    f"{here} describes itself: {_quote(doc)}",
                    f"Of {here}, its authors write: {_quote(doc)}",
                ],
                len(told),
            )
        )
    return " ".join(told) if told else None


PARTS_TOLD = 4


def _named(names: list[str], *, such_as: bool = True) -> str:
    """`a`, `b` and `c`; `such as` when there are more than three (unless the sentence
    already says they are some of them: "its models include")."""
    lead = "such as " if len(names) > 3 and such_as else ""
    return lead + join_words([code(n) for n in names[:3]])


def _roles_sentence(facts: RepoFacts, voice: Voice) -> str | None:
    """One short sentence per role, each naming what it counts."""
    roles = facts.roles
    said: list[str] = []
    if roles.routes:
        routes = plural(len(roles.routes), voice.term("HTTP route"))
        files = sorted({r.file for r in roles.routes})
        if facts.is_library:  # it runs nothing itself: its code registers them for a user
            where = f", all in {code(files[0])}" if len(files) == 1 else ""
            said.append(f"Its code registers {routes}{where}.")
        else:
            said.append(f"It serves {routes}.")
    # A command named like the program, beside others, is the root they hang under (the
    # program itself, which the entry point names): its commands are the others.
    programs = {e.name for e in facts.entry_points if e.kind in {"console script", "executable"}}
    named = list(dict.fromkeys(c.detail or c.name for c in roles.commands))
    commands = [c for c in named if c not in programs] or named
    if commands:
        count = plural(len(commands), "command-line command")
        # Of more than three, the first three "among them": a list after a colon takes no
        # "such as".
        among = " among them" if len(commands) > 3 else ""
        said.append(f"It offers {count}: {_named(commands, such_as=False)}{among}.")
    if roles.tasks:
        said.append(f"It defines {plural(len(roles.tasks), voice.term('background task'))}.")
    # Each declared model counted by where it lives (two `Config` structs are two models),
    # each name said once.
    declared = {(m.name, m.file) for m in roles.models}
    models = list(dict.fromkeys(m.name for m in roles.models))
    public = [m for m in models if not m.startswith("_")]
    if models:
        count = plural(len(declared), "data model")
        if not public:
            said.append(f"It declares {count}.")
        elif len(public) < len(declared) or len(declared) > 3:
            said.append(f"Its {count} include {_named(public, such_as=False)}.")
        else:
            said.append(f"Its {count} {'is' if len(declared) == 1 else 'are'} {_named(public)}.")
    return " ".join(said) or None


def _step_said(step: ControlStep, voice: Voice) -> str:
    """What the authors say a step does, as the end of the clause that reaches it: their
    summary as a predicate, or their words quoted last, so the quote ends the sentence."""
    if voice.beginner or not step.doc:
        return ""
    said = predicate(step.name, step.doc)
    if said:
        return f", which {said}"
    opener = voice.opener(_STEP_OPENERS)
    if opener == _SUMS_UP:  # a clause of the sentence that reached the step
        return f", which {opener} {_doc_clause(step.doc)}"
    # A sentence of its own after the step is named: "... calls `draw`. Its comment reads:"
    return f". {opener.format(name=code(step.name))} {_quote(step.doc)}"


# How a path hands over to the authors' words on a step, in turn within a story.
_SUMS_UP = "its comment sums up as:"
_STEP_OPENERS = [
    _SUMS_UP,
    "Its comment reads:",
    "Of {name}, its authors write:",
    "Its documentation says:",
]
_QUOTING = tuple(o.partition("{")[0] for o in _STEP_OPENERS)


def _quotes(said: str) -> bool:
    """Whether a step's clause ends on its authors' words."""
    return any(o in said for o in _QUOTING)


def _link(step: ControlStep, previous: ControlStep, voice: Voice, index: int) -> str:
    """How the work reaches `step` from `previous`: a call, or a callback handed on."""
    where = "" if step.path == previous.path else f" in {code(step.path)}"
    if step.handed:  # a callback: given to other code, which runs it
        return f"passes {code(step.name)}{where} on to be run"
    verbs = ["calls", "hands the work to", "goes on to"]
    return f"{voice.shape(verbs, index)} {code(step.name)}{where}"


def _ended(text: str) -> str:
    return text if text[-1:] in ".!?…" else f"{text}."


def _step_name(step: ControlStep) -> str:
    """A step by its name; a command's handler written in place (Go's `func` literal) has
    none, and is told as what it is."""
    return "the function literal" if _literal(step) else code(step.name)


def _literal(step: ControlStep) -> bool:
    return bool(step.command) and step.name == "func"


def _plain(step: ControlStep, voice: Voice) -> bool:
    """A step with nothing to say about it but its name."""
    return not step.handed and (voice.beginner or not step.doc)


def _told_steps(
    hops: list[ControlStep], steps: list[ControlStep], voice: Voice, lead: str = ""
) -> list[str]:
    """The path's steps as sentences. Each sentence follows the calls ("`a` calls `b`, which
    hands the work to `c`") until it reaches a step the authors describe, and ends on their
    words, so the sentence's shape is the path's own. `lead` opens the first sentence (the
    path's start, said as "it")."""
    told: list[str] = []
    index = 0
    quoted = False  # the last sentence ends on the authors' words: nothing may follow them
    while index < len(hops):
        end = index
        while end < len(hops) and end - index < CHAINED_STEPS:
            end += 1
            if not _plain(hops[end - 1], voice):
                break
        links = [_link(hops[n], steps[n], voice, n) for n in range(index, end)]
        subject = lead if index == 0 and lead else _step_name(steps[index])
        text = f"{subject} {links[0]}"
        joins = [", which ", ", and that ", ", which in turn "]
        for number, link in enumerate(links[1:], start=1):
            text += f"{voice.shape(joins, index + number)}{link}"
        said = _step_said(hops[end - 1], voice)
        text += said
        if end - index == 1 and told and not quoted and (not said or _quotes(said)):
            # One call with nothing to say of it, or only the authors' words to quote, is no
            # sentence of its own: it carries on the one before.
            told[-1] = f"{told[-1][:-1]}, and {_ended(text)}"
        else:
            # A lead starts as written: a project's own name keeps its case (`jq`, `cobra`).
            told.append(sentence(text) if not (index == 0 and lead) else _ended(text))
        quoted = _quotes(said)
        index = end
    return told


CHAINED_STEPS = 3
LONG_BODY = 80  # lines: a body where the work is done, not handed on
MEMBER_IDEAS = 2  # key ideas that are methods of one type
HOLDS_TOLD = 2  # key types told by their fields' types


def _library_kind(facts: RepoFacts) -> bool:
    return facts.kind in {"library", "framework"}


def _shown_use(via: str) -> str:
    """How the README's example reaches the code: a call, or a loop over a value (the
    facts give a loop as `for <value>`)."""
    if via.startswith("for "):
        return f"a `for` loop over {code(via.removeprefix('for '))}"
    return f"a call to {code(via)}"


def _example_opening(start: ControlStep) -> str:
    via = start.via or start.name
    shown = f"The README shows it in use with {_shown_use(via)}."
    if via == start.name:
        return f"{shown} Follow that call into {code(start.path)}."
    return f"{shown} Follow it into the code: it is {code(start.name)} in {code(start.path)}."


def _main_module(entry: EntryPoint) -> str:
    """What starts a file that runs as a program: its main function, or Python's
    `python -m pkg` for a package's `__main__.py`."""
    path = entry.path or entry.name
    if entry.symbol or not path.endswith(".py"):
        return f"{code(path)}, which has a main function"
    folder = PurePosixPath(path).parent.parts
    if PurePosixPath(path).name == "__main__.py" and folder:
        package = ".".join(folder[1:] if folder[0] == "src" and len(folder) > 1 else folder)
        return f"{code(path)}, which {code(f'python -m {package}')} runs"
    return f"{code(path)}, which runs as a script"


def chapter_control_flow(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    paragraphs: list[str] = []
    # Where the chapter says how it is entered and nothing declares a start, the first
    # path's start is named in that sentence: "... through its public API, at `run` in ...".
    introduction: str | None = None
    entry_said: tuple[str, bool] | None = None  # the entry sentence; whether it names the start
    runnable = [e for e in facts.entry_points if e.kind not in {"library main", "Docker command"}]
    if runnable and _library_kind(facts):
        # Its users call it from their own code; a program it ships is a side door.
        first = runnable[0]
        side = (
            f"the command {code(first.name)}"
            if first.kind in {"console script", "executable"}
            else _main_module(first)
        )
        if first.kind in {"console script", "executable"} and first.path:
            runs = f"{code(first.symbol)} in " if first.symbol else ""
            side += f", which runs {runs}{code(first.path)}"
        # Several commands are each named: "a small program" would say there is one.
        commands = list(
            dict.fromkeys(e.name for e in runnable if e.kind in {"console script", "executable"})
        )
        ships = f"a small program of its own: {side}"
        if len(commands) > 1 and first.kind in {"console script", "executable"}:
            named = join_words([code(c) for c in commands[:3]])
            among = ", among them" if len(commands) > 3 else ","
            runs = f"{code(first.symbol)} in " if first.symbol else ""
            where = f"; {code(first.name)} runs {runs}{code(first.path)}" if first.path else ""
            ships = f"small programs of its own{among} the commands {named}{where}"
        paragraphs.append(
            f"{facts.name} is a {voice.term(facts.kind)}: the code that uses it calls it from "
            f"its own program. It also ships {ships}."
        )
    elif runnable:
        first = runnable[0]
        if first.kind == "console script":
            intro = (
                f"The {voice.term('entry point')} is the {voice.term('console script')} "
                f"{code(first.name)}, declared in the package manifest"
            )
            if first.path and first.symbol:
                intro += f". It runs {code(first.symbol)} in {code(first.path)}"
        elif first.kind == "application":
            intro = (
                f"It is an application, started by {first.name}; it starts from "
                f"{code(first.path or first.target)}"
            )
        elif first.kind == "executable":
            intro = f"The {voice.term('entry point')} is the executable {code(first.name)}"
            if first.path:
                intro += f", built from {code(first.path)}"
        else:
            intro = f"The {voice.term('entry point')} is {_main_module(first)}"
        paragraphs.append(sentence(intro))
        more = [e for e in runnable[1:3] if e.name != first.name]
        if more and voice.deep:
            names = join_words([code(e.name) for e in more])
            paragraphs.append(f"There are other ways in as well: {names}.")
        elif first.path and first.kind != "application":
            # The run that begins where the entry point does carries on its sentence.
            entry_said = (sentence(intro), first.kind == "console script" and bool(first.symbol))
    elif facts.entry_points and facts.entry_points[0].kind == "Docker command":
        paragraphs.append(
            f"There is no declared command; the container runs {code(facts.docker_command or '')}."
        )
    elif facts.library_entry is not None:
        entry = facts.library_entry
        given = (
            f"{code(entry.made)}, the value {code(entry.name)} in {code(entry.path)} makes"
            if entry.made
            else f"{code(entry.name)} in {code(entry.path)}"
        )
        text = (
            f"{facts.name} is a {voice.term('library')}: nothing here runs by itself. What it "
            f"hands its users is {given}"
        )
        if entry.doc:
            text += f". Its documentation says: {_quote(entry.doc)}"
        paragraphs.append(sentence(text))
    elif _library_kind(facts):
        library = voice.term("library")
        introduction = voice.shape(
            [
                f"{facts.name} is a {library}: nothing here runs by itself, so the tour "
                "enters through its public API.",
                f"{facts.name} is a {library}, called from its users' own programs; the "
                "tour enters through its public API.",
                f"Nothing in {facts.name} runs by itself: it is a {library}, entered "
                "through its public API.",
            ]
        )
        paragraphs.append(introduction)
    else:  # a tool or a service by its description, with no start any file declares
        introduction = (
            "No file here declares where it starts, so we begin from the part the rest of "
            "the code uses most."
        )
        paragraphs.append(introduction)
    # Where few calls could be followed for certain, one short path is all the story tells.
    unsure = facts.resolution < LOW_RESOLUTION
    if facts.control_paths:
        walked: set[tuple[str, str]] = set()
        for number, steps in enumerate(facts.control_paths[: 1 if unsure else voice.paths]):
            start = steps[0]
            # A second path that only walks steps already told (the same helper reached
            # from a sibling caller) adds nothing.
            onward = {(s.path, s.name) for s in steps[1:]}
            if number and onward <= walked:
                continue
            walked |= onward
            from_entry = bool(runnable) and (runnable[0].path, runnable[0].symbol) == (
                start.path,
                start.name,
            )
            # Where the program's own script starts the run from its top level.
            scripted = bool(runnable) and start.script is not None
            scripted = scripted and start.script == runnable[0].path
            handed_out = facts.library_entry
            handed = handed_out is not None and (handed_out.path, handed_out.name) == (
                start.path,
                start.name,
            )
            # The handed-out class entered through the method that sets it to work.
            through = (
                handed_out is not None
                and start.path == handed_out.path
                and start.name.startswith(f"{handed_out.name}.")
            )
            hops = steps[1 : UNSURE_STEPS if unsure else None] if not voice.beginner else steps[1:2]
            if number == 0 and through:
                whole, lead = (
                    f"Its users set it to work with {code(start.name)}: follow that call.",
                    f"Its users set it to work with {code(start.name)}, which",
                )
            elif start.hosted:
                if number == 0 and introduction:
                    paragraphs.remove(introduction)  # its host runs it, through no public API
                alone = number == 0 and bool(introduction)
                whole, lead = _hosted_opening(start, first=number == 0, alone=alone)
            elif number == 0 and introduction and not (start.branch or start.command or start.via):
                where = f"{code(start.name)} in {code(start.path)}"
                whole = f"{introduction[:-1]}, at {where}."
                lead = f"{introduction[:-1]}, at {where}, which"
                paragraphs.remove(introduction)
            else:
                opens = from_entry or handed or (not runnable and handed_out is None)
                whole, lead = _path_opening(
                    start, number, voice, opens=opens, from_entry=from_entry
                )
                if number == 0 and introduction and start.via:  # the README's way in
                    whole = f"{introduction[:-1]}, where {lower_first(whole)}"
                    lead = f"{introduction[:-1]}, where {lower_first(lead)}"
                    paragraphs.remove(introduction)
            # The start's own summary, where the tour has not said it yet, makes the opening
            # this path's own: "... starts at `run` in `cli.py`, which parses the options."
            said = (
                predicate(start.name, start.doc)
                if not (voice.beginner or start.branch or start.command or start.via or handed)
                else None
            )
            head, found, rest = whole.partition(f" in {code(start.path)}")
            if said and found:
                comma = "," if rest.startswith(" and") else ""
                whole = f"{head}{found}, which {said}{comma}{rest}"
            # A bare class name (`Starlette`) is no signature worth saying.
            signature = voice.expert and start.signature and start.signature != start.name
            if signature:
                whole += f" Its signature is {code(start.signature or '')}."
            if (said and found) or signature or not hops:
                told = [whole, *_told_steps(hops, steps, voice)]
            elif number == 0 and entry_said and scripted and not start.command:
                # A script with no main function: the run is what its top level calls.
                sentence_of_entry, _ = entry_said
                told = _told_steps(
                    hops,
                    steps,
                    voice,
                    lead=f"{sentence_of_entry[:-1]}; its top-level code leads to {code(start.name)}"
                    f"{'' if start.path == start.script else ' in ' + code(start.path)}, which",
                )
                paragraphs.remove(sentence_of_entry)
            elif number == 0 and entry_said and from_entry and not start.command:
                # "The entry point is `cli.c`, which has a main function; its `main` calls
                # ...": the run starts in the sentence that names where it starts.
                sentence_of_entry, names_start = entry_said
                told = _told_steps(
                    hops,
                    steps,
                    voice,
                    lead=f"{sentence_of_entry[:-1]}, which"
                    if names_start
                    else f"{sentence_of_entry[:-1]}; its {code(start.name)}",
                )
                paragraphs.remove(sentence_of_entry)
            else:  # the start and its first calls, in one sentence
                told = _told_steps(hops, steps, voice, lead=lead)
            last = hops[-1] if hops else None
            longest = last is not None and last.lines == max(step.lines for step in steps)
            if last is not None and longest and last.lines >= LONG_BODY and not voice.beginner:
                size = about(last.lines)
                told.append(
                    voice.shape(
                        [
                            f"{code(last.name)}, {size} lines, is the longest body on the "
                            "way, and where this path ends.",
                            f"{code(last.name)} has {size} lines: the longest body on this "
                            "path, and its last stop.",
                        ]
                    )
                )
            paragraphs.append(" ".join(told))
    if len(paragraphs) == 1 and not facts.control_paths:
        return (
            None if not runnable else ScriptChapter(title="Where it starts", paragraphs=paragraphs)
        )
    return ScriptChapter(title="Where it starts and what it calls", paragraphs=paragraphs)


def _hosted_opening(start: ControlStep, *, first: bool, alone: bool) -> tuple[str, str]:
    """A path a host program enters: "Nothing here runs by itself: the Java compiler runs
    `P`, an annotation processor registered in `F`, and enters it at `P.process` ...".
    `alone`: no sentence before it has said how the project is entered."""
    host, role, type_name, registry = (start.hosted or "").split("|")
    where = f"registered in {code(registry)}" if "/" in registry else f"marked {code(registry)}"
    at = f"{code(start.name)} in {code(start.path)}"
    if first:
        said = f"{host} runs {code(type_name)}, {role} {where}, and enters it at {at}"
        said = f"Nothing here runs by itself: {said}" if alone else sentence(said)[:-1]
    else:
        said = f"{sentence(host)[:-1]} also runs {code(type_name)}, {where}, entering it at {at}"
    return f"{said}.", f"{said}, which"


def _path_opening(
    start: ControlStep, number: int, voice: Voice, *, opens: bool, from_entry: bool
) -> tuple[str, str]:
    """Where a path begins: as a sentence of its own, and as the lead its first calls follow
    ("... starts at `run` in `cli.py`, which calls ...")."""
    name, where = code(start.name), f"{code(start.name)} in {code(start.path)}"
    if start.branch:
        whole = voice.shape(
            [
                f"Back at {name}, another call leads somewhere else.",
                f"{name} also sends the work another way.",
                f"From {name} a second branch is worth following.",
                f"{name} has more than one road out of it.",
            ],
            number,
        )
        return whole, f"{whole[:-1]}: it"
    if start.command:
        handler = f"a function literal in {code(start.path)}" if _literal(start) else where
        whole = f"Take the {code(start.command)} command: {handler} handles it."
        return whole, f"{whole[:-1]}, and"
    if start.via:
        if start.via == start.name:
            return (
                _example_opening(start),
                f"The README shows it in use with a call to {where}, which",
            )
        return (
            _example_opening(start),
            f"The README shows it in use with {_shown_use(start.via)}: in the code that "
            f"is {where}, and it",
        )
    if number == 0 and opens:
        shapes = [
            (
                f"Follow one call from the start: {where}.",
                f"Follow one call from the start, {where}: it",
            ),
            (
                f"Start at {where} and follow the calls.",
                f"Start at {where} and follow the calls: it",
            ),
            (f"A run begins at {where}.", f"A run begins at {where}, which")
            if from_entry
            else (
                f"Take one call, {where}, and follow it.",
                f"Take one call, {where}, and follow it: it",
            ),
        ]
        return voice.shape(shapes)
    if number == 0:
        return (
            f"One path through the core starts at {where}.",
            f"One path through the core starts at {where}, which",
        )
    ordinal = ("A second", "Another")[number > 1]
    return f"{ordinal} path begins at {where}.", f"{ordinal} path begins at {where}, which"


def _idea_sentence(symbol: SymbolFact, voice: Voice, index: int) -> str:
    kind = {
        "method": "method",
        "function": "function",
        "class": "class",
        "struct": "struct",
        "interface": "interface",
        "annotation": "annotation",
        "trait": "trait",
        "enum": "enum",
        "type": "type",
    }.get(symbol.kind, "definition")
    article = "an" if kind[0] in "aeiou" else "a"
    place = f"in {code(symbol.path)}"
    users = ""
    # A type named after its file (Java's rule) is counted by the modules chapter, which
    # counts importers; two different numbers for one thing would only confuse.
    namesake = symbol.path.rsplit("/", 1)[-1].split(".")[0] == symbol.name
    # A count is said only when the resolver followed every file that names the definition:
    # Rust's `dir_entry::DirEntry` in a signature names a type no call or import reaches,
    # and "used from 2 other files" of a type four files use would be false.
    if symbol.used_by >= 2 and not namesake and symbol.used_by >= symbol.named_by:
        users = f", used from {plural(symbol.used_by, 'other file')}"
    said = predicate(symbol.name, symbol.doc)
    parts, method_quote = _made_of(symbol, voice, index, told=True)
    made_of = join_words(parts, separator="; ")
    signature = (
        f" Its signature is {code(symbol.signature)}."
        if voice.expert and symbol.signature and symbol.kind in {"function", "method"}
        else ""
    )
    if said:  # the authors' summary as the narrator's own words
        text = sentence(f"{code(symbol.name)}, {article} {kind} {place}{users}, {said}")
        text += signature + (f" {sentence(made_of)}" if made_of else "")
    else:
        # What is known of it first, then the authors' words, so the quote ends its
        # sentence: "The class `Runner` in `r.py`: `A` builds on it. In the authors' words:"
        shapes = [
            f"{code(symbol.name)}, {article} {kind} {place}{users}",
            f"Then there is the {kind} {code(symbol.name)} {place}{users}",
            f"The {kind} {code(symbol.name)} lives {place}{users}",
            f"Another name to know is {code(symbol.name)}, {article} {kind} {place}{users}",
            f"Consider the {kind} {code(symbol.name)} {place}{users}",
        ]
        if symbol.doc and not made_of:
            # With nothing after the colon the first shape would be a sentence with no verb.
            shapes[0] = f"{code(symbol.name)} is {article} {kind} {place}{users}"
        if not symbol.doc:
            shapes = [
                f"{code(symbol.name)} is {article} {kind} {place}{users}",
                f"There is also the {kind} {code(symbol.name)} {place}{users}",
                f"Next comes {code(symbol.name)}, {article} {kind} {place}{users}",
            ]
        # "Then there is", "There is also" and "Next comes" need an idea before them.
        intro = (
            voice.shape(shapes, index)
            if index
            else voice.shape([shapes[0], shapes[2], shapes[-1]])
            if symbol.doc
            else shapes[0]
        )
        text = sentence(f"{intro}: {made_of}" if made_of else intro) + signature
        if symbol.doc:
            opener = voice.opener(
                [
                    "Its authors describe it like this:",
                    "In the authors' words:",
                    "Its comment reads:",
                ]
            )
            text += f" {opener} {_quote(symbol.doc)}"
    return f"{text} {method_quote}" if method_quote else text


def _made_of(
    symbol: SymbolFact, voice: Voice, index: int, *, told: bool = False
) -> tuple[list[str], str]:
    """What a key type is made of, as clauses of one sentence: the types built on it, its
    fields' types, its most used methods; and the authors' words on its first method, said
    after, so the quote ends its own sentence."""
    if voice.beginner:
        return [], ""
    parts: list[str] = []
    if symbol.heirs:
        shown = [code(h) for h in symbol.heirs[:3]]
        if len(symbol.heirs) > 3:
            shown.append("others")
        parts.append(f"{join_words(shown)} {'builds' if len(shown) == 1 else 'build'} on it")
    if symbol.holds:  # what it is made of, by its declared fields
        held = join_words([code(h) for h in symbol.holds])
        one = len(symbol.holds) == 1
        parts.append(
            voice.shape(
                [
                    f"one of its fields is a {held}" if one else f"its fields hold {held}",
                    f"{held} {'is the type of one' if one else 'are types'} of its fields",
                    f"{held} {'appears' if one else 'appear'} among its fields",
                ],
                index,
            )
        )
    # The most used method whose summary can be said as what it does leads the others.
    first = next(
        (
            m
            for m in symbol.methods
            if m.doc != symbol.doc
            and (m.name, m.doc or "") not in voice.summarised
            and predicate(m.name, m.doc)
        ),
        None,
    )
    does = predicate(first.name, first.doc) if first else None
    quote = ""
    if first and does and len(symbol.methods) >= 2:
        if told:  # (`told`: the sentence is said, not only weighed)
            voice.summarised.add((first.name, first.doc or ""))
        others = join_words([code(m.name) for m in symbol.methods if m is not first])
        parts.append(f"its method {code(first.name)} {does}, next to {others}")
    elif len(symbol.methods) >= 2:
        names = join_words([code(m.name) for m in symbol.methods])
        parts.append(
            voice.shape(
                [
                    f"among its methods are {names}",
                    f"its most used methods are {names}",
                    f"{names} are the methods other code calls most",
                ],
                index,
            )
        )
        method = symbol.methods[0]
        said = (method.name, method.doc or "") in voice.summarised
        if method.doc and method.doc != symbol.doc and not said:
            quote = f"Of {code(method.name)}, its authors write: {_quote(method.doc)}"
    return parts, quote


# Error types among the key ideas, at most: a library's errors are many and alike.
ERROR_IDEAS = 1
_ERROR_NAME = re.compile(r"(?:Error|Exception|Exc|Err)$")


def _error_type(symbol: SymbolFact) -> bool:
    return symbol.kind in {"class", "struct", "type", "enum"} and bool(
        _ERROR_NAME.search(symbol.name.rpartition(".")[2])
    )


def _key_ideas(facts: RepoFacts, voice: Voice) -> list[SymbolFact]:
    """The names the key-ideas chapter tells, most central first."""
    told = {s.name for path in facts.control_paths for s in path}
    chosen: list[SymbolFact] = []
    described = {s.doc for path in facts.control_paths for s in path if s.doc}
    for symbol in facts.key_symbols:
        if symbol.name in told or not (symbol.doc or max(symbol.used_by, symbol.named_by) >= 2):
            continue
        if is_deprecated(symbol.doc):
            continue  # its doc sends the reader to what replaced it
        if any(c.name == symbol.name for c in chosen):
            continue  # a C prototype in its header and its definition are one idea
        owner, _, member = symbol.name.rpartition(".")
        if any(c.name == owner and member in {m.name for m in c.methods} for c in chosen):
            continue  # told with its type: `Command` and its method `AddCommand`
        if owner and sum(c.name.startswith(f"{owner}.") for c in chosen) >= MEMBER_IDEAS:
            continue  # the design is more than one type's methods
        if symbol.doc and symbol.doc in described:
            continue  # a twin (Flask's App and Flask share a docstring): one is enough
        if _error_type(symbol) and sum(_error_type(c) for c in chosen) >= ERROR_IDEAS:
            continue  # what can go wrong is one idea; the rest is the design
        # A short story's extra ideas are told in their authors' words, or by what the code
        # shows they are made of.
        extra = voice.short and len(chosen) >= voice.ideas - voice.extra_ideas
        if extra and not (_said(symbol) or _built_of(symbol)):
            continue
        described.add(symbol.doc or "")
        chosen.append(symbol)
        if len(chosen) == voice.ideas:
            break
    return chosen


# Words a comment needs to say what a definition does: fewer is a section banner
# (`/*** simple values ***/`) above it, not its authors' account of it.
SAID_WORDS = 4


def _said(symbol: SymbolFact) -> bool:
    return len((symbol.doc or "").split()) >= SAID_WORDS


def _built_of(symbol: SymbolFact) -> bool:
    """A type whose code shows what it is made of: the types built on it, its fields of the
    project's own types, or the methods other code calls on it."""
    return bool(symbol.heirs or symbol.holds or len(symbol.methods) >= 2)


def _kind_word(symbol: SymbolFact) -> str:
    known = {"method", "function", "class", "struct", "interface", "annotation", "trait"}
    return symbol.kind if symbol.kind in known | {"enum", "type"} else "definition"


def _bare(symbol: SymbolFact, voice: Voice) -> bool:
    """A key idea with nothing to tell but its kind and place: no words of its authors,
    no users counted, nothing it is made of."""
    namesake = symbol.path.rsplit("/", 1)[-1].split(".")[0] == symbol.name
    made_of, _ = _made_of(symbol, voice, 0)
    return (
        not symbol.doc
        and (symbol.used_by < 2 or namesake)
        and not made_of
        and not (voice.expert and symbol.signature)
    )


def _bare_ideas(symbols: list[SymbolFact], index: int) -> str:
    """Several names told by kind and place in one sentence: "There are also the class `A`
    in `a.h` and the function `b` in `b.c`."."""
    groups: dict[tuple[str, str], list[str]] = {}
    for symbol in symbols:  # the names of one kind in one file, said together
        groups.setdefault((_kind_word(symbol), symbol.path), []).append(code(symbol.name))
    items = [
        f"the {kind} {names[0]} in {code(path)}"
        if len(names) == 1
        else f"the {'classes' if kind == 'class' else kind + 's'} {join_words(names)} "
        f"in {code(path)}"
        for (kind, path), names in groups.items()
    ]
    lead = "There are also" if index else "The design starts with"
    return sentence(f"{lead} {join_words(items, separator='; ')}")


def chapter_key_ideas(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    chosen = _key_ideas(facts, voice)
    if not chosen:
        return None
    # What a type is made of, for the first few types: after that it is a list.
    holding = [s for s in chosen if s.holds][HOLDS_TOLD:]
    chosen = [s.model_copy(update={"holds": []}) if s in holding else s for s in chosen]
    # Names with nothing known but their kind and place are one sentence between them,
    # where the first of them would be, rather than a bare sentence each.
    bare = [s for s in chosen if _bare(s, voice)]
    told_ideas = [
        _idea_sentence(s, voice, i) if s not in bare or len(bare) < 2 else _bare_ideas(bare, i)
        for i, s in enumerate(chosen)
        if s not in bare[1:] or len(bare) < 2
    ]
    if voice.beginner:  # what "key ideas" means, for a listener new to reading code
        told_ideas.insert(
            0,
            "These are the names that hold the design together: the ones the rest of the "
            "code, the tests and the examples use most.",
        )
    return ScriptChapter(title="The key ideas", paragraphs=told_ideas)


SHORT_MODULE = 100  # lines: a file this short that many others need is worth saying so
LONG_MODULE = 1_000
WIDELY_USED = 5  # importers
_HEADERS = frozenset({".h", ".hh", ".hpp", ".hxx"})


def _brought_in(path: str) -> str:
    """How other files take a module in: a C or C++ header is included, a Rust module used
    (`use`), a Java class used (its package's other classes need no import), anything else
    imported."""
    suffix = PurePosixPath(path).suffix
    return "include" if suffix in _HEADERS else "use" if suffix in {".rs", ".java"} else "import"


def _module_sentence(
    module: ModuleFact, voice: Voice, index: int, *, package_told: bool = False
) -> str:
    """A module by what is known of it: the authors' words, the name it leads with, a header
    and what it declares, a short file many others need, a long one. `package_told`: how
    many import its package was said already, of another of its files."""
    verb = _brought_in(module.path)
    widely = module.importers >= 2 and not package_told
    users = f"{plural(module.importers, 'other module')} {verb} it" if widely else None
    if module.package:  # Go imports the folder: the count is the package's
        users = (
            f"Its package, {code(module.package)}, is imported by "
            f"{plural(module.importers, 'other file')}"
            if widely and module.package != "."
            else None
        )
    size = f"{about(module.lines)} lines"
    path = code(module.path)
    if module.doc:  # the authors' words last, so the quote ends the sentence
        past = {"import": "imported", "include": "included", "use": "used"}[verb]
        by = f", {past} by {plural(module.importers, 'other module')}" if widely else ""
        if module.package:
            by = ""
        text = f"{path}, {size}{by}: {_quote(module.doc)}"
        return f"{text} {sentence(users)}" if users and module.package else text
    public = [n for n in module.definitions if not n.startswith("_")]
    names = public[:3]
    header = verb == "include"
    defines = "declares" if header else "defines"
    listed = join_words([code(n) for n in names]) + (", among others" if len(public) > 3 else "")
    said = predicate(module.lead, module.lead_doc) if module.lead else None
    if module.lead and said:
        # In the authors' words: what its first summarised name does.
        others = [code(n) for n in names if n != module.lead][:2]
        besides = f", next to {join_words(others)}" if others else ""
        held = f"{path}, {size}, {defines} {code(module.lead)}, which {said}{besides}"
    elif (
        users
        and not module.package
        and module.lines < SHORT_MODULE
        and (module.importers >= WIDELY_USED)
    ):  # little code that much of the project needs
        told = f": it {defines} {listed}" if names else ""
        return sentence(f"{path} is short, {size}, yet {users}{told}")
    elif module.lines >= LONG_MODULE:
        held = f"{path} is long, {size}{', and ' + defines + ' ' + listed if names else ''}"
    elif header:
        held = voice.shape(
            [
                f"{path}, a header of {size}{', declares ' + listed if names else ''}",
                f"The header {path}, {size}{', declares ' + listed if names else ''}",
                f"{path} is a header of {size}{' declaring ' + listed if names else ''}",
            ],
            index,
        )
    else:
        defined = f"{defines} {listed}" if names else ""
        held = voice.shape(
            [
                f"{path} has {size}{' and ' + defined if defined else ''}",
                f"{path}, {size}{', ' + defined if defined else ''}",
                f"{path} has {size}{'; it ' + defined if defined else ''}",
            ],
            index,
        )
    if users and module.package:
        text = f"{held}. {users}"
    elif users:  # one sentence: what it holds and who leans on it
        text = f"{held}; {users}"
    else:
        text = held
    return sentence(text)


def chapter_modules(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    if voice.beginner and not voice.deep:
        return None  # a beginner's overview stays out of the internals
    count = voice.modules
    mentioned = {s.path for path in facts.control_paths for s in path}
    mentioned |= {m.path for m in _guide_modules(facts, voice)}
    # A module that only holds a key idea told already (Java's one class a file) would say
    # the same thing twice.
    ideas = {i.name for i in _key_ideas(facts, voice)}
    mentioned |= {
        m.path
        for m in facts.key_modules
        if (named := [n for n in m.definitions if not n.startswith("_")][:3])
        and set(named) <= ideas
    }
    chosen = [m for m in facts.key_modules if m.path not in mentioned][:count]
    if not chosen:
        return None
    guided = {m.package for m in _guide_modules(facts, voice) if m.package}
    told = [
        _module_sentence(m, voice, i, package_told=m.package in guided)
        for i, m in enumerate(chosen)
    ]
    if voice.beginner:
        told.insert(0, f"A few {voice.term('module', 'modules')} are the ones other code leans on.")
    return ScriptChapter(title="Modules to know", paragraphs=told)


FEW_DEPENDENCIES = 2
MANY_DEPENDENCIES = 15


def chapter_dependencies(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    extra = (
        facts.optional_dependencies
        or facts.peer_dependencies
        or facts.platform_dependencies
        or facts.build_dependencies
    )
    if not facts.dependencies and not facts.dev_dependencies and not extra:
        return None
    paragraphs: list[str] = []
    if facts.dependencies:
        count = len(facts.dependencies)
        # The packages the tree builds itself (its workspace's crates, its other modules)
        # are named apart.
        members = {f"{folder}/" for folder in facts.workspace}
        built_here = {
            m.name for m in facts.manifests if m.name and m.path.startswith(tuple(members))
        }
        if facts.dependencies_from:
            built_here |= {
                n for m in facts.manifests if "/" in m.path for n in (m.name, m.artifact) if n
            }
        own = [d for d in facts.dependencies if d in built_here]
        others = [d for d in facts.dependencies if d not in built_here]
        named = [code(d) for d in others[: 6 if voice.deep else 4]]
        needs = (
            plural(count, voice.term("dependency"), "dependencies")
            if not voice.beginner
            else f"{count} {voice.term('dependency', 'dependencies')}"
        )
        # How many is part of what a listener learns: a couple, or a long list.
        if count <= FEW_DEPENDENCIES:
            needs = f"just {needs}"
        elif count >= MANY_DEPENDENCIES:
            needs = f"a long list of {needs}"
        lead = voice.shape(
            [f"At run time it needs {needs}", f"To run, it needs {needs}", f"It needs {needs}"]
        )
        if facts.dependencies_from:  # the top-level build declares none of its own
            lead = (
                f"The top-level build declares none itself; {code(facts.dependencies_from)}, "
                f"the module with most of the code, needs {needs} at run time"
            )
        rest = ":" if len(others) <= len(named) else ", among them"
        listed = f"{rest} {join_words(named)}" if named else ""
        if own:
            verb = "is a package" if len(own) == 1 else "are packages"
            mark = "; " if named else ": "
            listed += f"{mark}{join_words([code(d) for d in own[:4]])} {verb} of its own"
        paragraphs.append(sentence(f"{lead}{listed}"))
    elif facts.dev_dependencies:  # all it declares is for working on it
        such = join_words([code(d) for d in facts.dev_dependencies[:3]])
        some = ", such as" if len(facts.dev_dependencies) > 3 else ":"
        packages = plural(len(facts.dev_dependencies), "package")
        paragraphs.append(
            voice.shape(
                [
                    "It declares no run-time dependencies of its own, only "
                    f"{packages} for development{some} {such}.",
                    f"It lists {packages} for development{some} {such}, and none for run time.",
                    f"For development it takes {packages}{some} {such}; for run time it "
                    "declares none.",
                ]
            )
        )
    else:
        paragraphs.append("It declares no run-time dependencies of its own.")
    if facts.platform_dependencies:
        platform = facts.platform_dependencies
        paragraphs.append(
            f"On some platforms it also needs {join_words([code(d) for d in platform[:4]])}"
            f"{' and others' if len(platform) > 4 else ''}."
        )
    if facts.build_dependencies:
        build = facts.build_dependencies
        paragraphs.append(
            f"Its build script uses {join_words([code(d) for d in build[:4]])}"
            f"{' and others' if len(build) > 4 else ''}."
        )
    if facts.peer_dependencies:
        peers = facts.peer_dependencies
        some = "packages such as " if len(peers) > 4 else ""
        paragraphs.append(
            f"It expects the project that uses it to install {some}"
            f"{join_words([code(d) for d in peers[:4]])} beside it."
        )
    if facts.optional_dependencies:
        optional = facts.optional_dependencies
        some = "packages such as " if len(optional) > 4 else ""
        unneeded = "it is not required" if len(optional) == 1 else "none of them is required"
        # Those a default build switches on first, said as such.
        optional = sorted(optional, key=lambda d: d not in facts.optional_by_default)
        on = [code(d) for d in optional[:4] if d in facts.optional_by_default]
        default = f", though a default build brings in {join_words(on)}" if on else ""
        paragraphs.append(
            f"Optional features can bring in {some}"
            f"{join_words([code(d) for d in optional[:4]])}; {unneeded}{default}."
        )
    if facts.dev_dependencies and facts.dependencies:
        more = plural(len(facts.dev_dependencies), "more package")
        such = join_words([code(d) for d in facts.dev_dependencies[:3]])
        whole = len(facts.dev_dependencies) <= 3  # a short list is named in full
        paragraphs.append(
            voice.shape(
                [
                    f"For development it adds {more}{':' if whole else ', such as'} {such}.",
                    f"Working on it adds {more}{':' if whole else ', among them'} {such}.",
                    f"Its development set-up adds {more}: {such}{'' if whole else ' among them'}.",
                ]
            )
        )
    return ScriptChapter(title="What it builds on", paragraphs=paragraphs)


def chapter_run_and_test(facts: RepoFacts, voice: Voice) -> ScriptChapter | None:
    paragraphs: list[str] = []
    useful = [
        t
        for t in facts.make_targets
        if t in {"run", "build", "install", "dev", "all", "test", "check", "lint", "docs"}
        # A target said below as a way to run the tests is said once, there.
        and not (facts.tests.exist and f"make {t}" in facts.tests.commands[:2])
    ]
    if useful:
        paragraphs.append(
            "The Makefile wraps the common chores: "
            f"{join_words([code('make ' + t) for t in useful[:4]])}."
        )
    tests = facts.tests
    if tests.exist:
        places: list[str] = []
        if tests.directories:
            placed = tests.files - tests.beside_code
            # The count covers every test folder, so it is said across them, not in the first.
            where = "across" if len(tests.directories) > 1 else "in"
            # Each folder by name: "`test` and `test-d`" says more than "1 other folder".
            named = [code(d) for d in tests.directories[:3]]
            if len(tests.directories) > 3:
                named.append(plural(len(tests.directories) - 3, "other folder"))
            folder = f"{plural(placed, 'file')} {where} {join_words(named)}"
            places.append(folder)
        if tests.beside_code:
            they = "it checks" if tests.beside_code == 1 else "they check"
            places.append(f"{plural(tests.beside_code, 'file')} beside the code {they}")
        if tests.inline_test_files:
            places.append(
                f"tests inside {plural(tests.inline_test_files, 'source file')}, "
                "next to the code they check"
            )
        # "plus" between places: each may be a list of its own ("`a`, `b` and `c`").
        text = f"The {voice.term('test suite')} has {', plus '.join(places)}"
        if tests.frameworks:
            text += f", written with {join_words(tests.frameworks)}"
        if facts.ci:  # what runs on every change, said with what there is to run
            text += f"; {voice.term('continuous integration')} runs on {join_words(facts.ci)}"
        paragraphs.append(sentence(text))
        first = (
            f"the test module inside {code(tests.example_file)}"
            if tests.example_file and tests.example_inline
            else code(tests.example_file)
            if tests.example_file
            else None
        )
        if tests.commands:
            command = f"Run it with {code(tests.commands[0])}"
            if len(tests.commands) > 1:
                command += f" (the project also offers {code(tests.commands[1])})"
            # One sentence for how to run it and where to start reading it.
            command += (
                voice.shape(
                    [
                        f", and begin reading with {first}",
                        f"; {first} is a good first test to read",
                        f", and start with {first}",
                        f"; the first test worth opening is {first}",
                        f", then read {first} to see the tests at work",
                        f"; to see what the tests expect, open {first}",
                        f", and read {first} first",
                    ]
                )
                if first
                else ""
            )
            paragraphs.append(sentence(command))
        elif first:
            paragraphs.append(f"A good first test to read is {first}.")
    else:
        paragraphs.append(
            "No automated tests were found in this repository, neither in a test folder nor "
            "inside the source files."
        )
    if facts.ci and not tests.exist:
        paragraphs.append(
            f"{voice.term('continuous integration').capitalize()} runs on {join_words(facts.ci)}."
        )
    return ScriptChapter(title="How to build and test it", paragraphs=paragraphs)


def _focus_matches(facts: RepoFacts, area: str) -> tuple[str | None, list[ModuleFact]]:
    token = area.lower().strip(" /")
    role = next((r for r, words in _FOCUS_SYNONYMS.items() if token in words), None)
    words = {token, token.rstrip("s"), f"{token}s"}
    matches = []
    for module in facts.modules.values():
        segments = re.split(r"[/._-]", module.path.lower())
        if words & set(segments):
            matches.append(module)
    order = {FileKind.SOURCE: 0, FileKind.EXAMPLE: 1, FileKind.TEST: 2}
    matches.sort(key=lambda m: (order.get(m.kind, 3), -m.importers, -m.lines, m.path))
    return role, matches


def chapter_focus(facts: RepoFacts, voice: Voice, area: str) -> ScriptChapter | None:
    role, modules = _focus_matches(facts, area)
    paragraphs: list[str] = []
    if role == "routes" and facts.roles.routes:
        routes = facts.roles.routes[:5]
        said = join_words([f"{r.method} {code(r.path)}" for r in routes])
        paragraphs.append(
            f"You asked about {area}. The server answers "
            f"{plural(len(facts.roles.routes), 'route')}; "
            f"among them {said}."
        )
    elif role and (found := getattr(facts.roles, role)):
        names = join_words(
            [code(r.detail or r.name) if role == "commands" else code(r.name) for r in found[:5]]
        )
        label = {
            "commands": "command",
            "tasks": "background task",
            "models": "data model",
            "configs": "configuration class",
        }[role]
        paragraphs.append(
            f"You asked about {area}. The code defines {plural(len(found), label)}: {names}."
        )
    source = [m for m in modules if m.kind is FileKind.SOURCE]
    chosen = (source or modules)[: 4 if voice.deep else 2]
    if chosen:
        if not paragraphs:
            count = len(source) or len(modules)
            verb = "carries" if count == 1 else "carry"
            paragraphs.append(
                f"You asked about {area}, and {plural(count, 'file')} {verb} that word "
                "in their names."
            )
        paragraphs += [_module_sentence(m, voice, i) for i, m in enumerate(chosen)]
    if not paragraphs:
        return None
    return ScriptChapter(title=f"A closer look at {area}", paragraphs=paragraphs)


def chapter_where_to_start(facts: RepoFacts, voice: Voice) -> ScriptChapter:
    steps: list[str] = []
    if facts.readme:
        steps.append(f"Begin with {code(facts.readme.path)}, the project's own introduction.")
    start = facts.control_paths[0][0] if facts.control_paths else None
    runnable = [e for e in facts.entry_points if e.path and e.kind != "library main"]
    if runnable and not (_library_kind(facts) and start):
        steps.append(f"Then open {code(runnable[0].path or '')}, where the program starts.")
    elif start:
        steps.append(f"Then open {code(start.path)} and read {code(start.name)}.")
    elif main := next((e.path for e in facts.entry_points if e.kind == "library main"), None):
        # No call is followed from it, yet the file the package hands out is the way in.
        steps.append(
            f"Then open {code(main)}, the library's main module: "
            "what its users import starts there."
        )
    hub = _hub(facts, start.path if start else None)
    if hub:
        steps.append(
            f"After that, {code(hub.path)} is worth your time: more of the code relies on it "
            "than on almost anything else."
        )
    if not steps:  # a small project: its largest source file is the whole way in
        first = max(
            (m for m in facts.modules.values() if m.kind is FileKind.SOURCE),
            key=lambda m: (m.lines, m.path),
            default=None,
        )
        if first is not None:
            steps.append(f"Start with {code(first.path)}, the largest of its source files.")
    if facts.tests.example_file:
        which = "the tests inside" if facts.tests.example_inline else "a test such as"
        steps.append(
            f"Finally, read {which} {code(facts.tests.example_file)}: tests show how "
            "the authors expect the code to be used."
        )
    steps.append(f"That is the tour of {facts.name}. Enjoy reading the code.")
    return ScriptChapter(title="Where to start reading", paragraphs=steps)


def _hub(facts: RepoFacts, start: str | None) -> ModuleFact | None:
    """The module more of the code relies on than on any other but the start's: imported
    by two files at least, and by no fewer than any other module (a module one file imports
    is relied on no more than most)."""
    hub = next((m for m in facts.key_modules if m.path != start), None)
    if hub is None or hub.importers < 2:
        return None
    most = max((m.importers for m in facts.modules.values() if m.path != start), default=0)
    return hub if hub.importers >= most else None


ROADMAP = {
    "How it is organised": "how it is organised",
    "How the parts fit together": "how its parts fit together",
    "Where it starts": "where it starts",
    "Where it starts and what it calls": "what happens when it runs",
    "The key ideas": "its key ideas",
    "Modules to know": "the modules to know",
    "What it builds on": "what it builds on",
    "How to build and test it": "how to build and test it",
}


def _roadmap(chapters: list[ScriptChapter], facts: RepoFacts, voice: Voice) -> str:
    """What the tour covers, said from the chapters it really has."""
    stops = [
        ROADMAP.get(c.title) or lower_first(c.title)
        for c in chapters
        if c.title != "Where to start reading"
    ]
    library = facts.is_library or _library_kind(facts)
    if library and "what happens when it runs" in stops:
        stops[stops.index("what happens when it runs")] = "one call through it"
    kind = voice.term("library") if library else "program"
    ending = f"where to start reading this {kind}"
    if not stops:
        return f"We will finish with {ending}."
    return f"We will look at {join_words(stops)}, then finish with {ending}."


def write_script(
    facts: RepoFacts,
    *,
    style: Style = Style.OVERVIEW,
    level: ExpertiseLevel = ExpertiseLevel.INTERMEDIATE,
    focus_areas: list[str] | None = None,
) -> Script:
    """Write the chapters about the repository, each grounded in `facts`."""
    script = _assemble(facts, style, level, focus_areas, short=False)
    sources = sum(1 for m in facts.modules.values() if m.kind is FileKind.SOURCE)
    floor = SHORTEST_LARGE_WORDS if sources >= LARGE_PROJECT else SHORTEST_WORDS
    for rounds in range(1, SHORT_STORY_ROUNDS + 1):
        if script.words >= floor:
            break
        script = _assemble(facts, style, level, focus_areas, short=True, rounds=rounds)
    return script


def _short_branch(steps: list[ControlStep]) -> bool:
    """A branch that leaves its path for one call and the call that one makes."""
    return steps[0].branch and len(steps) - 1 < BRANCH_STEPS


def _assemble(
    facts: RepoFacts,
    style: Style,
    level: ExpertiseLevel,
    focus_areas: list[str] | None,
    *,
    short: bool,
    rounds: int = 1,
) -> Script:
    if not short:  # a branch of a call and the one it makes is told only to reach the floor
        paths = [p for p in facts.control_paths if not _short_branch(p)]
        facts = facts.model_copy(update={"control_paths": paths})
    sources = sum(1 for m in facts.modules.values() if m.kind is FileKind.SOURCE)
    voice = Voice(
        level=level,
        style=style,
        large=sources >= LARGE_PROJECT,
        medium=MEDIUM_PROJECT <= sources < LARGE_PROJECT,
        turn=zlib.crc32(facts.name.encode()),
        short=short,
        rounds=rounds,
    )
    builders: list[Callable[[RepoFacts, Voice], ScriptChapter | None]] = [
        chapter_layout,
        chapter_parts,
        chapter_control_flow,
        chapter_key_ideas,
        chapter_modules,
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
    chapters[0].paragraphs.append(_roadmap(chapters[1:], facts, voice))
    return Script(title=f"A tour of {facts.name}", repository=facts.name, chapters=chapters)
