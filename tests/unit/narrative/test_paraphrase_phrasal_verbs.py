"""A phrasal verb written as one word opens some summaries ("Lookup and compile a named
format function"): said in the third person its verb agrees, not its particle."""

from __future__ import annotations

from codestory.narrative.paraphrase import predicate, third_person


def test_a_one_word_phrasal_verb_agrees_in_its_verb() -> None:
    assert predicate("getFormatFunction", "Lookup and compile a named format function.") == (
        "looks up and compiles a named format function"
    )
    assert third_person("setup") == "sets up"
    assert third_person("shutdown") == "shuts down"
    assert third_person("lookup") == "looks up"
    assert third_person("compile") == "compiles"
