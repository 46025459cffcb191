"""A summary that opens with alternatives written with a slash ("Map / Set plugin", "Read /
write lock") names things; its first word is a noun there, so the summary is quoted, never
turned into a verb ("maps / Set plugin")."""

from __future__ import annotations

from codestory.narrative.paraphrase import predicate


def test_a_word_before_a_slash_is_no_verb() -> None:
    assert predicate("MapState", "Map / Set plugin") is None
    assert predicate("RwLock", "Read / write lock.") is None
    assert predicate("MapState", "Map & Set state") is None


def test_a_verb_followed_by_words_still_agrees() -> None:
    assert predicate("mapKeys", "Map the keys of an object.") == "maps the keys of an object"
