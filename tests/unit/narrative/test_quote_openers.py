"""A story that quotes its authors several times hands over to their words in turn: no
connecting phrase ("which its comment sums up as:") recurs while another is unsaid."""

from __future__ import annotations

from codestory.analysis.facts import ControlStep, SymbolFact
from codestory.core.domain import ExpertiseLevel, Style
from codestory.narrative.template import Voice, _idea_sentence, _told_steps

# Summaries that are no verb phrase, so each is quoted rather than said as a predicate.
DOCS = [
    "A frame: what the screen shows.",
    "Generator that mixes tokens and lines.",
    "The shared state of one session.",
]
OPENERS = [
    "its comment sums up as:",
    "Its comment reads:",
    "its authors write:",
    "Its documentation says:",
]


def _path() -> list[ControlStep]:
    steps = [ControlStep(path="a.py", name="main", line=1)]
    for number, doc in enumerate(DOCS):
        steps.append(ControlStep(path="b.py", name=f"step{number}", line=10 * number, doc=doc))
        steps.append(ControlStep(path="b.py", name=f"plain{number}", line=10 * number + 5))
    return steps


def test_three_quoted_steps_use_three_openers() -> None:
    for turn in range(len(OPENERS)):  # whichever wording a story starts on
        voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW, turn=turn)
        steps = _path()
        text = " ".join(_told_steps(steps[1:], steps, voice))
        said = [text.count(opener) for opener in OPENERS]
        assert max(said) == 1 and sum(said) == len(DOCS), text
        # Each quote still ends its sentence: the authors' words are followed by a full stop
        # and the next step starts a sentence of its own.
        for doc in DOCS:
            words = doc.rstrip(".")
            assert f"{words}." in text or f"{words[0].lower()}{words[1:]}." in text, text


def test_quoted_step_stays_a_sentence_the_next_call_does_not_join() -> None:
    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW, turn=1)  # "Its comment reads:"
    steps = _path()[:4]
    told = _told_steps(steps[1:], steps, voice)
    assert told == [
        "`main` hands the work to `step0` in `b.py`. Its comment reads: A frame: what the "
        "screen shows.",
        # The next opener is the one not yet said, and it too ends its sentence.
        "`step0` goes on to `plain0`, which calls `step1`. Of `step1`, its authors write: "
        "Generator that mixes tokens and lines.",
    ]


def test_key_ideas_and_steps_share_the_turn_of_openers() -> None:
    """The key ideas' openers are counted with the path's: a story that said "Its comment
    reads:" on its path opens the next idea's quote another way."""
    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW, turn=1)
    steps = _path()[:2]
    assert "Its comment reads:" in " ".join(_told_steps(steps[1:], steps, voice))
    ideas = [
        SymbolFact(name=f"Idea{n}", kind="class", path="c.py", line=n, doc=doc)
        for n, doc in enumerate(DOCS)
    ]
    told = [_idea_sentence(s, voice, i) for i, s in enumerate(ideas)]
    assert not any("Its comment reads:" in t for t in told[:2]), told
    said = ["Its authors describe it like this:", "In the authors' words:"]
    assert all(sum(o in t for t in told) >= 1 for o in said), told
