"""A comment that only sends the reader elsewhere for the description (a C source deferring
to its header, a cross-reference) is no description of the code it sits on."""

from __future__ import annotations

import pytest

from codestory.analysis.comments import describe
from codestory.analysis.syntax import parse_source


@pytest.mark.parametrize(
    "raw",
    [
        "/* See documentation in header file. */",
        "/** See {@link Parser} for the grammar it reads. */",
        "// Refer to ini.h for the details.",
        "See :func:`load`.",
        "/* For details, see the header. */",
        "/* Documented in server.h */",
        "# Please see the module docstring.",
    ],
)
def test_a_pointer_elsewhere_is_no_description(raw: str) -> None:
    assert describe(raw) is None


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("/* Seeds the generator from the clock. */", "Seeds the generator from the clock."),
        ("// See whether the key is set.", "See whether the key is set."),
        (
            "/* Parses one line; see the header for the rules. */",
            "Parses one line; see the header for the rules.",
        ),
    ],
)
def test_a_description_that_mentions_seeing_is_kept(raw: str, said: str) -> None:
    assert describe(raw) == said


def test_a_c_function_whose_comment_defers_to_the_header_has_no_doc() -> None:
    source = (
        b'#include "ini.h"\n\n'
        b"/* See documentation in header file. */\n"
        b"int ini_parse(const char* filename, ini_handler handler, void* user)\n"
        b"{\n    return ini_parse_file(filename, handler, user);\n}\n\n"
        b"/* Strip whitespace chars off end of given string, in place. */\n"
        b"static char* rstrip(char* s)\n{\n    return s;\n}\n"
    )
    syntax = parse_source("ini.c", "C", source)
    assert syntax is not None
    docs = {d.name: d.doc for d in syntax.definitions}
    assert docs["ini_parse"] is None
    assert docs["rstrip"] == "Strip whitespace chars off end of given string, in place."
