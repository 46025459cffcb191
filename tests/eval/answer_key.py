"""Scoring a story against an answer key written by reading the tree, never the story.

Pure: a key, the facts and the story's chapters in; a list of assertions, each held or not,
out. The corpus (tests/truth/trees.toml and tests/eval/corpus/*.toml) and its fixed split into
a development half and a held-out half are read here too, so `make eval` and the fast subset
in `make test` judge alike.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codestory.analysis import RepoFacts
from codestory.analysis.facts import same_version

HERE = Path(__file__).parent
TRUTH_TREES = HERE.parent / "truth" / "trees.toml"
CORPUS = HERE / "corpus"
DEVELOPMENT, HELD_OUT = "development", "held-out"
ECOSYSTEMS = ("python", "node", "go", "rust", "jvm", "c_cpp")
BACKTICKED = re.compile(r"`([^`]+)`")
RUN_WITH = re.compile(r"Run (?:it|them) with `([^`]+)`")
NO_TESTS = re.compile(r"No (?:automated )?tests? (?:files )?(?:were|was) found")

Key = dict[str, Any]


@dataclass(frozen=True)
class Assertion:
    tree: str
    name: str
    held: bool
    detail: str = ""


def load_corpus() -> list[Key]:
    """Every tree with a key: the truth suite's (read while writing the analyser) first."""
    trees = [
        {**t, "seen": True} for t in tomllib.loads(TRUTH_TREES.read_text())["tree"] if "kind" in t
    ]
    for part in sorted(CORPUS.glob("*.toml")):
        trees += [{**t, "seen": False} for t in tomllib.loads(part.read_text()).get("tree", [])]
    names = [t["name"] for t in trees]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"corpus names must be unique: {sorted(duplicated)}")
    return trees


def split(trees: list[Key]) -> dict[str, str]:
    """The fixed rule: seen trees are development; within an ecosystem the others, ordered by
    their archive's digest, alternate development, held-out. Nobody chooses a tree's half."""
    halves = {t["name"]: DEVELOPMENT for t in trees if t["seen"]}
    for ecosystem in sorted({t["ecosystem"] for t in trees}):
        fresh = sorted(
            (t for t in trees if t["ecosystem"] == ecosystem and not t["seen"]),
            key=lambda t: hashlib.sha256(t["sha256"].encode()).hexdigest(),
        )
        for index, tree in enumerate(fresh):
            halves[tree["name"]] = HELD_OUT if index % 2 else DEVELOPMENT
    return halves


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _named(text: str) -> set[str]:
    """Every backticked span, and each dotted or path part of it: `Flask.run` names Flask."""
    names: set[str] = set()
    for span in BACKTICKED.findall(text):
        names.add(span)
        names.update(p for p in re.split(r"[./:]+|::", span) if p)
        names.add(re.sub(r"\(.*$", "", span))
    return names


def score(key: Key, facts: RepoFacts, chapters: list[tuple[str, str]]) -> list[Assertion]:
    """Each answer-key assertion about one story, held or not, with what was found."""
    tree = key["name"]
    whole = "\n".join(text for _, text in chapters)
    opening = _words(chapters[0][1]) if chapters else ""
    found: list[Assertion] = []

    def check(name: str, held: bool, detail: str = "") -> None:
        found.append(Assertion(tree, name, held, "" if held else detail))

    kinds = list(key.get("kind", []))
    check("kind", facts.kind in kinds, f"told as {facts.kind}, the key says {kinds}")
    main_language = facts.languages[0].name if facts.languages else None
    check(
        "language",
        main_language == key["language"],
        f"{main_language}, the key says {key['language']}",
    )
    phrases = list(key.get("what", []))
    check(
        "what it is",
        any(_words(p) in opening for p in phrases),
        f"the opening has none of {phrases}",
    )
    ways_in = set(key.get("ways_in", []))
    check(
        "a way in is named",
        any(f"`{w}`" in whole for w in ways_in),
        f"none of {sorted(ways_in)} is named",
    )
    told = {e.path for e in facts.entry_points if e.path}
    if facts.library_entry:
        told.add(facts.library_entry.path)
    wrong = sorted(told - ways_in)
    check("every way in told is one", not wrong, f"{wrong} are not ways in")
    core = list(key.get("core", []))
    named = _named(whole)
    hits = [c for c in core if c in named]
    needed = min(3, math.ceil(len(core) / 2))
    check("core names", len(hits) >= needed, f"{hits} of {core} named; {needed} needed")
    if key.get("tests"):
        check("tests found", facts.tests.exist and not NO_TESTS.search(whole), "tests missed")
    else:
        check("no tests invented", not facts.tests.exist, f"{facts.tests.files} test files told")
    commands = list(key.get("test_commands", []))
    if commands:
        run = RUN_WITH.search(whole)
        said = run.group(1) if run else None
        check("test command", said in commands, f"says {said}, the key says {commands}")
    if "version" in key:
        check("version", same_version(str(facts.version), key["version"]), f"{facts.version}")
    for pattern in key.get("must_not", []):
        hit = re.search(pattern, whole, re.IGNORECASE)
        check(f"must not: {pattern}", hit is None, hit.group(0) if hit else "")
    return found


def accuracy(assertions: list[Assertion]) -> float:
    return 100.0 * sum(a.held for a in assertions) / len(assertions) if assertions else 0.0
