"""Javadoc shows a `{@code ...}` tag's text literally: a comparison in it keeps its
operator (`limit - pos >= minimum` is not `limit - pos = minimum`), while an element named
in one (`{@code <body>}`) still reads as its name."""

from __future__ import annotations

from codestory.analysis.comments import describe


def test_a_code_tag_keeps_its_comparison_operators() -> None:
    doc = (
        "/**\n * Returns true once {@code limit - pos >= minimum}. If the data is exhausted\n"
        " * before that, this returns false.\n */"
    )
    assert describe(doc) == "Returns true once limit - pos >= minimum."
    assert describe("/** True when {@code a < b} and {@code b <= c}. */") == (
        "True when a < b and b <= c."
    )
    assert describe("/** Shifts it by {@code n >> 2} bits. */") == "Shifts it by n >> 2 bits."


def test_an_element_named_in_a_code_tag_reads_as_its_name() -> None:
    assert describe("/** Get this document's {@code <body>} element, or {@code </p>}. */") == (
        "Get this document's body element, or p."
    )


def test_a_generic_type_in_a_code_tag_keeps_its_brackets() -> None:
    assert describe("/** Reads a {@code Map<K, V>} from the stream. */") == (
        "Reads a Map<K, V> from the stream."
    )
