"""A web address in the authors' words is said as what a listener can take from it: a code
forge's repository by its name and forge, any other address as "a web address"."""

from __future__ import annotations

from codestory.speech.text import speakable


def test_a_forge_repository_address_is_said_by_its_name() -> None:
    said = speakable("Inlined from https://github.com/someone/is-offline v1.3.2.")
    assert said.startswith("Inlined from the is-offline repository on Git")
    assert "https" not in said and "slash" not in said


def test_an_address_at_a_sentence_end_keeps_the_full_stop() -> None:
    said = speakable("Ported from https://gitlab.com/group/parser.")
    assert said == "Ported from the parser repository on Git Lab."


def test_other_addresses_are_a_web_address() -> None:
    assert speakable("See https://example.com/docs for more.") == "See a web address for more."
    assert speakable("See https://github.com/someone for more.") == "See a web address for more."
