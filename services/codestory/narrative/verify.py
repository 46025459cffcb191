"""The fact check a model's prose must pass: every name and number must come from the analysis.

The template narrator's outline is the ground truth: it says only what the analyser found.
A sentence from the model survives only if each code span is a path, name, package or
command the analysis knows, each number appears in the outline, and it carries no bare path
or web address that could not be checked. Everything else is dropped, not repaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codestory.analysis import RepoFacts
from codestory.narrative.script import Script

_SPAN = re.compile(r"`([^`]*)`")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)*")
_BARE_PATH = re.compile(
    r"(?<![\w`])[\w.-]+/[\w./-]*\w|(?<![\w`])\w[\w-]*\.(?:py|js|ts|go|rs|java|c|h|cc|cpp|md|toml|json)\b"
)
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
# Words and short numbers a narrator may use without a source ("two files", "step 1").
_FREE_NUMBERS = {"1", "2", "3"}


def _normal_number(text: str) -> str:
    return text.replace(",", "").rstrip(".")


@dataclass
class Grounding:
    """What may be named and counted in the story of one repository."""

    spans: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, facts: RepoFacts, outline: Script) -> Grounding:
        text = "\n".join(p for c in outline.chapters for p in c.paragraphs)
        spans = set(_SPAN.findall(text))
        spans |= facts.known_paths() | set(facts.symbol_names)
        spans |= set(facts.dependencies) | set(facts.dev_dependencies)
        spans |= set(facts.tests.commands) | {f"make {t}" for t in facts.make_targets}
        numbers = {_normal_number(n) for n in _NUMBER.findall(_SPAN.sub(" ", text))}
        numbers |= {str(facts.total_files), str(facts.code_files), str(facts.code_lines)}
        return cls(spans=spans, numbers=numbers | _FREE_NUMBERS)

    def problem(self, sentence: str) -> str | None:
        """Why `sentence` cannot be checked against the analysis, or None if it can."""
        for span in _SPAN.findall(sentence):
            if span not in self.spans:
                return f"names `{span}`, which the analysis does not know"
        prose = _SPAN.sub(" ", sentence)
        if _URL.search(prose):
            return "reads out a web address"
        if bare := _BARE_PATH.search(prose):
            return f"names {bare.group(0)!r} outside a code span"
        for number in _NUMBER.findall(prose):
            if _normal_number(number) not in self.numbers:
                return f"says {number}, a number the analysis did not give"
        return None
