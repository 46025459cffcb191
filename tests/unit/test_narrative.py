from __future__ import annotations

import re
from pathlib import Path

import pytest

from codestory.analysis import RepoFacts, analyse
from codestory.domain import ExpertiseLevel, Style
from codestory.narrative import write_script
from codestory.narrative.phrases import join_words
from codestory.narrative.template import MAX_CHAPTERS, MIN_CHAPTERS
from tests.support import SAMPLE_PROJECT
from tests.support import write_files as write

PATHLIKE = re.compile(r"[\w.-]+(?:/[\w.-]+)+|\b[\w-]+\.(?:py|js|ts|go|toml|md|json|yml|txt)\b")


@pytest.fixture
def facts(tmp_path: Path) -> RepoFacts:
    return analyse(write(tmp_path, SAMPLE_PROJECT), name="tally")


def mentioned_paths(text: str) -> set[str]:
    return {m.rstrip(".") for m in PATHLIKE.findall(text)}


def test_every_path_named_is_in_the_repository(facts: RepoFacts, tmp_path: Path) -> None:
    script = write_script(facts)
    known = facts.known_paths() | {f.name for f in facts.folders} | set(facts.tests.directories)
    known |= {p.target for p in facts.entry_points}
    for chapter in script.chapters:
        for path in mentioned_paths(chapter.text):
            assert path in known or (tmp_path / path).exists(), f"{path!r} is invented"


def test_chapters_cover_the_tour(facts: RepoFacts) -> None:
    script = write_script(facts)
    titles = [c.title for c in script.chapters]
    assert MIN_CHAPTERS <= len(titles) <= MAX_CHAPTERS
    assert titles[0] == "What tally is"
    assert titles[-1] == "Where to start reading"
    assert {
        "How it is laid out",
        "The key parts",
        "How data flows",
        "How to run and test it",
    } <= set(titles)
    text = "\n".join(c.text for c in script.chapters)
    for fact in ["Tally counts words", "src/tally/counting.py", "click", "GitHub Actions", "tests"]:
        assert fact in text


def test_smallest_repository_still_gets_five_chapters(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path, {"hello.py": "print('hi')\n"}), name="hello")
    script = write_script(facts)
    assert len(script.chapters) == MIN_CHAPTERS
    assert "No test files were found" in script.chapters[-2].text


def test_focus_areas_add_chapters_up_to_the_limit(facts: RepoFacts) -> None:
    base = write_script(facts)
    focused = write_script(facts, focus_areas=["report", "nowhere", "counting", "cli", "tally"])
    titles = [c.title for c in focused.chapters]
    assert "A closer look at report" in titles
    assert "A closer look at nowhere" not in titles  # nothing matches: nothing invented
    assert len(focused.chapters) <= MAX_CHAPTERS
    assert len(focused.chapters) > len(base.chapters)


def test_levels_and_styles_change_the_telling(facts: RepoFacts) -> None:
    beginner = write_script(facts, level=ExpertiseLevel.BEGINNER)
    expert = write_script(facts, level=ExpertiseLevel.EXPERT, style=Style.DEEP_DIVE)
    assert beginner.words > write_script(facts).words  # explanations added
    assert "big picture" in beginner.chapters[0].text
    assert "big picture" not in expert.chapters[0].text


def test_join_words() -> None:
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"
    assert join_words(["a, x", "b", "c"], separator="; ") == "a, x; b; and c"
