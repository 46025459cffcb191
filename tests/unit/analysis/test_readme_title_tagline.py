"""A Markdown README whose title names the project and then says what it is ("Name - a C
library for ...") is heard in the authors' own line, not in a paragraph about building it."""

from __future__ import annotations

from codestory.analysis.readme import summarise_readme

_BUILD_FIRST = (
    "## {title}\n\nTo build and install the library, run:\n\n    $ ./configure\n    $ make\n\n"
    "If you checked the source code from the Git repository, run\n\n    $ ./bootstrap\n\n"
    "For more information, check the [homepage](https://example.org/tomlc).\n"
)


def test_a_title_with_a_tagline_says_what_the_project_is() -> None:
    text = _BUILD_FIRST.format(title="LibTOML - A C library for reading and writing TOML.")
    summary = summarise_readme("ReadMe.md", text, "tomlc")
    assert summary.summary == "A C library for reading and writing TOML."
    dashed = _BUILD_FIRST.format(title="tomlc \u2014 TOML files read in C")
    assert summarise_readme("README.md", dashed, "tomlc").summary == "TOML files read in C"


def test_a_paragraph_that_defines_the_project_still_comes_first() -> None:
    text = "# tomlc - fast TOML in C\n\ntomlc is a small library that reads TOML files.\n"
    summary = summarise_readme("README.md", text, "tomlc")
    assert summary.summary == "tomlc is a small library that reads TOML files."


def test_a_title_without_a_tagline_leaves_the_paragraphs_to_say_it() -> None:
    for title in ("LibTOML", "LibTOML - v2", "Reading and writing TOML in plain portable C"):
        summary = summarise_readme("README.md", f"# {title}\n\nIt reads TOML files into trees.\n")
        assert summary.summary == "It reads TOML files into trees.", title


def test_a_first_paragraph_opening_with_the_name_still_speaks_for_it() -> None:
    text = "# TOMLC - Fast TOML\n\nTOMLC is small parsing code, providing reads of TOML files.\n"
    summary = summarise_readme("README.md", text, "tomlc")
    assert summary.summary == "TOMLC is small parsing code, providing reads of TOML files."
