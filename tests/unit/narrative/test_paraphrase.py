from __future__ import annotations

from codestory.narrative.paraphrase import predicate, third_person


def test_summaries_in_each_habit_become_the_narrators_predicate() -> None:
    # Go and Javadoc: the name, then a verb in the third person.
    assert predicate("ExecuteC", "ExecuteC executes the command.") == "executes the command"
    assert predicate("Command", "Command is just that, a command for your application.") == (
        "is just that, a command for your application"
    )
    assert predicate("Cli.parse", "Parses the arguments.") == "parses the arguments"
    # PEP 257's imperative, with every verb of a list agreeing.
    assert predicate("load", "Load settings and return them.") == "loads settings and returns them"
    assert predicate("push", "Push a frame.") == "pushes a frame"
    assert predicate("apply", "Apply the patch") == "applies the patch"
    # A clause after a spaced dash is the summary's too; a hyphen inside a word is not.
    assert predicate("parse_object", "Parse an object - create a new root, and populate.") == (
        "parses an object - creates a new root, and populates"
    )
    assert predicate("decode", "Decode the UTF-8 text") is None  # a number: quoted
    assert predicate("strip", "Strip the right-hand side") == "strips the right-hand side"


def test_summaries_that_are_not_verb_phrases_or_carry_claims_are_quoted() -> None:
    assert predicate("Config", "Configuration for the whole app.") is None
    assert predicate("retry", "Retry up to 3 times.") is None  # a number the story would claim
    assert predicate("emit", "Emit the `event` now.") is None  # code inside the words
    assert predicate("run", "Run it. Then stop.") is None  # two sentences: quoted as written
    assert predicate("Parser", "Parser of the grammar.") is None
    assert predicate("x", None) is None
    # A warning to callers is not what the name does ("does not use").
    assert predicate("run", "Do not use. Testing purposes only") is None
    assert predicate("fire", "Do not invoke") is None


def test_third_person() -> None:
    assert [third_person(v) for v in ("do", "match", "copy", "play", "run")] == [
        "does",
        "matches",
        "copies",
        "plays",
        "runs",
    ]
