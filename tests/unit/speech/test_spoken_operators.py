"""Authors' words quoted with a comparison or a generic type are said in words: "limit -
pos >= minimum" as "greater than or equal to", `Map<K, V>` as "Map of K, V", while a
placeholder (`src/bin/<name>.rs`) is still said as its word."""

from __future__ import annotations

from codestory.speech.text import speakable


def test_a_comparison_is_said_in_words() -> None:
    said = speakable("Its documentation says: Returns true once limit - pos >= minimum.")
    assert "greater than or equal to minimum" in said, said
    assert "less than b" in speakable("True when a < b.")
    assert "greater" not in speakable("It maps a -> b.")  # an arrow is no comparison


def test_a_generic_type_is_said_as_of() -> None:
    said = speakable("Reads a Map<K, V> from the stream.")
    assert "Map of K, V" in said, said
    assert "<" not in said and ">" not in said


def test_a_placeholder_is_still_its_word() -> None:
    assert "<" not in speakable("Each program is built from src/bin/<name>.rs.")
