"""The fast subset of the story evaluation (`make eval` tells the whole corpus): every
truth-suite tree's story scored against its answer key, written by reading the tree.

Claims of fact (kind, language, ways in, tests, test command, version, what it must not
say) must all hold. Naming the project's core is a matter of ranking, not truth: it is
measured here across the subset and reported per tree by `make eval`.
"""

from __future__ import annotations

import pytest

from codestory.narrative.template import write_script
from tests.eval.answer_key import Assertion, accuracy, load_corpus, score
from tests.truth.test_stories_are_true import TREES, facts_of

KEYS = {k["name"]: k for k in load_corpus() if k["name"] in TREES}
RANKING = {"core names"}
# Below this share of core-name assertions held across the subset, the ranking has slipped.
CORE_FLOOR = 60.0


def _assertions(name: str) -> list[Assertion]:
    facts = facts_of(name)
    chapters = [(c.title, c.text) for c in write_script(facts).chapters]
    return score(KEYS[name], facts, chapters)


def test_every_truth_tree_has_an_answer_key_in_each_ecosystem() -> None:
    assert set(KEYS) == set(TREES)
    assert {k["ecosystem"] for k in KEYS.values()} == {
        "python",
        "node",
        "go",
        "rust",
        "jvm",
        "c_cpp",
    }


@pytest.mark.parametrize("name", sorted(TREES))
def test_the_story_holds_to_its_answer_key(name: str) -> None:
    missed = [a for a in _assertions(name) if not a.held and a.name not in RANKING]
    assert not missed, "\n".join(f"{a.name}: {a.detail}" for a in missed)


def test_the_core_of_each_project_is_named_often_enough() -> None:
    core = [a for name in sorted(TREES) for a in _assertions(name) if a.name in RANKING]
    assert accuracy(core) >= CORE_FLOOR, [a.detail for a in core if not a.held]


def test_the_scorer_catches_a_wrong_story() -> None:
    """A story that gets everything wrong must fail every kind of assertion it can."""
    name = "flask"
    facts = facts_of(name).model_copy(update={"kind": "service", "version": "9.9.9"})
    chapters = [
        ("What it is", "This is a tour of flask. It is a database."),
        ("Where it starts", "The entry point is `src/flask/nowhere.py`. No tests were found."),
    ]
    failed = {a.name for a in score(KEYS[name], facts, chapters) if not a.held}
    assert {"kind", "what it is", "a way in is named", "core names", "tests found"} <= failed
    assert {"test command", "version"} <= failed
