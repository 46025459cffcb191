"""A summary's verbs all agree with its name, including a known verb undone or done
again ("Install and uninstall ...") and verbs ending in `o` ("undo", "echo")."""

from __future__ import annotations

from codestory.narrative.paraphrase import predicate, third_person


def test_every_verb_of_a_summary_agrees_with_its_name() -> None:
    said = predicate("sync", "Install and uninstall the given sets of modules.")
    assert said == "installs and uninstalls the given sets of modules"
    assert predicate("load", "Reload the settings and restart the server.") == (
        "reloads the settings and restarts the server"
    )
    assert predicate("revert", "Read the journal and undo its changes.") == (
        "reads the journal and undoes its changes"
    )


def test_words_that_only_look_prefixed_are_left_as_they_are() -> None:
    assert predicate("scan", "Scan the tree and unit counts.") == "scans the tree and unit counts"
    assert predicate("keep", "Keep the rest and recent entries.") == (
        "keeps the rest and recent entries"
    )


def test_verbs_ending_in_o_take_es() -> None:
    assert [third_person(v) for v in ("do", "undo", "go", "echo")] == [
        "does",
        "undoes",
        "goes",
        "echoes",
    ]
