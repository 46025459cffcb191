"""A doc comment whose authors wrote one statement a line without full stops ("Parses an
owner constraint" over "Returns an error if the string is invalid") is quoted up to the
first line's end, not as one run-on sentence; a line wrapped at the paragraph's width
still joins the next."""

from __future__ import annotations

from codestory.analysis.comments import describe


def test_a_line_ended_short_of_the_width_before_a_capital_is_a_sentence() -> None:
    doc = (
        "/// Parses an owner constraint\n"
        "/// Returns an error if the string is invalid\n"
        '/// Returns Ok(None) when string is acceptable but a noop (such as "" or ":")\n'
    )
    assert describe(doc) == "Parses an owner constraint."
    javadoc = "/**\n * Opens the archive\n * Closes it again when the reader is done.\n */"
    assert describe(javadoc) == "Opens the archive."


def test_a_wrapped_line_goes_on_in_the_next() -> None:
    wrapped = (
        "/// Creates a reader that reads from the given\n"
        "/// Source and hands out its records one at a time.\n"
    )
    assert describe(wrapped) == (
        "Creates a reader that reads from the given Source and hands out its records one at a time."
    )
    # A line that ends in a comma, or a next line in lower case, goes on too.
    assert describe("/// Reads a file,\n/// Then parses it.") == "Reads a file, Then parses it."
    assert describe("/// Reads the header\n/// and the body.") == "Reads the header and the body."
