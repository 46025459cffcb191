"""Sentence skeletons: how often stories of different repositories say the same thing the
same way. A skeleton is a sentence with its particulars (names in backticks, numbers, the
project's name, quoted words) replaced by placeholders."""

from __future__ import annotations

import re
from collections import defaultdict

from tests.truth.checker import QUOTE_OPENER, sentences

# Above this share of stories, a skeleton is a stock phrase, not a telling of this project.
STOCK_SHARE = 0.2


def skeleton(sentence: str, project: str) -> str:
    text = QUOTE_OPENER.split(sentence, maxsplit=1)[0]  # the authors' words are theirs
    text = re.sub(r"`[^`]*`", "X", text)
    if project:
        text = re.sub(re.escape(project), "NAME", text, flags=re.IGNORECASE)
    text = re.sub(r"\d[\d,.]*", "N", text)
    text = re.sub(r"\"[^\"]*\"|“[^”]*”", "Q", text)
    return " ".join(re.findall(r"[a-zA-Z]+", text.lower()))


def body_sentences(chapters: list[tuple[str, str]]) -> list[str]:
    """The sentences between the opening chapter and the closing one."""
    middle = chapters[1:-1] if len(chapters) > 2 else []
    return [s for _, text in middle for s in sentences(text)]


def stock_skeletons(stories: dict[str, tuple[str, list[tuple[str, str]]]]) -> dict[str, int]:
    """Skeletons found in more than one story in five (and in at least two stories), with the
    number of stories each occurs in. `stories` maps a tree to (project name, chapters)."""
    where: dict[str, set[str]] = defaultdict(set)
    for tree, (project, chapters) in stories.items():
        for sentence in body_sentences(chapters):
            shape = skeleton(sentence, project)
            if len(shape.split()) >= 3:  # "X." and "Run X." say nothing about a habit
                where[shape].add(tree)
    least = max(2, int(STOCK_SHARE * len(stories)) + 1)
    return {s: len(trees) for s, trees in where.items() if len(trees) >= least}


def stock_share(stories: dict[str, tuple[str, list[tuple[str, str]]]]) -> float:
    """The share of body sentences, over all stories, whose skeleton is a stock one."""
    stock = stock_skeletons(stories)
    total = hits = 0
    for project, chapters in stories.values():
        for sentence in body_sentences(chapters):
            total += 1
            hits += skeleton(sentence, project) in stock
    return 100.0 * hits / total if total else 0.0
