"""C and C++ comments written for Doxygen: `@file name` names the file, `@brief` (like
`\\brief`) only marks the summary, and a comment leading into a grammar or a list ("the
following grammar:") says nothing once what it leads into is gone."""

from __future__ import annotations

from codestory.analysis.comments import describe

_HEADER = """/**
 * @file tomlc.h
 * @brief Public interface for tomlc.
 *
 * Include the header file with the code:
 * @code
 * #include <tomlc.h>
 * @endcode
 */"""


def test_doxygen_file_and_brief_markers_are_not_words() -> None:
    assert describe(_HEADER) == "Public interface for tomlc."
    assert describe(_HEADER.replace("@", "\\")) == "Public interface for tomlc."


def test_a_blank_line_still_ends_the_summary_paragraph() -> None:
    raw = "/*\n * Reads TOML tables into trees.\n *\n * key ::= bare | quoted\n */"
    assert describe(raw) == "Reads TOML tables into trees."


def test_a_comment_leading_into_a_grammar_is_no_description() -> None:
    raw = "/*\n * The parser implements the following grammar:\n *\n * key ::= bare | quoted\n */"
    assert describe(raw) is None


def test_an_underlined_heading_is_no_description() -> None:
    raw = (
        "/*\n * Introduction\n * ************\n *\n * The scanner turns a stream of "
        "characters into tokens.\n */"
    )
    assert describe(raw) == "The scanner turns a stream of characters into tokens."
    summary = "/*\n * Read the whole config file\n * -----------------\n */"
    assert describe(summary) == "Read the whole config file"


def test_a_summary_line_without_a_full_stop_ends_before_the_next_sentence() -> None:
    raw = (
        "/* converts a UTF-16 literal to UTF-8\n"
        " * A literal can be one or two sequences of the form \\\\uXXXX */"
    )
    assert describe(raw) == "converts a UTF-16 literal to UTF-8."
    # Wrapped prose goes on in lower case, or with a name, or after a word that needs more.
    assert describe("/* Reads a table from\n * The given stream. */") == (
        "Reads a table from The given stream."
    )
    assert describe("// Parses the header of a\n// TOML file into a table.") == (
        "Parses the header of a TOML file into a table."
    )
    assert describe("// Counts the lines\n// in a file.") == "Counts the lines in a file."
