"""Two key types that share a method (an iterator and the wrapper that filters it) say its
authors' summary once: the second names the method without saying it again."""

from __future__ import annotations

from codestory.analysis.facts import MemberFact, SymbolFact
from codestory.core.domain import ExpertiseLevel, Style
from codestory.narrative.template import Voice, _bare, _idea_sentence

SUMMARY = "Yields only entries which satisfy the given predicate."


def _walker(name: str, line: int) -> SymbolFact:
    methods = [
        MemberFact(name="filter_entry", path="src/lib.rs", line=line + 1, doc=SUMMARY),
        MemberFact(name="skip_current_dir", path="src/lib.rs", line=line + 2),
    ]
    return SymbolFact(
        name=name, kind="struct", path="src/lib.rs", line=line, doc=None, methods=methods
    )


def test_a_shared_method_summary_is_said_once() -> None:
    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW)
    walk, filtered = _walker("Walk", 10), _walker("Filtered", 50)
    # Weighing an idea (is it bare?) says nothing, so it spends no summary.
    assert not _bare(walk, voice) and not _bare(filtered, voice)
    first = _idea_sentence(walk, voice, 0)
    second = _idea_sentence(filtered, voice, 1)
    assert "yields only entries which satisfy the given predicate" in first
    assert "satisfy the given predicate" not in second
    assert "`filter_entry`" in second and "`skip_current_dir`" in second
