"""JavaScript bundlers read annotation comments (`/*#__PURE__*/`, `/* @__NO_SIDE_EFFECTS__ */`)
written between a doc comment and the code it documents: they mark the code for the
minifier, say nothing to a reader, and never end up in a summary."""

from __future__ import annotations

from codestory.analysis.syntax import parse_source

_SOURCE = """\
/** Returns true if the given value can be copied */
/*#__PURE__*/
export function isCopyable(value: any): boolean {
  return !!value
}

/** Makes a fresh draft of the base */
/* @__NO_SIDE_EFFECTS__ */
export function createDraft(base: any): any {
  return base
}
"""


def test_an_annotation_comment_is_no_part_of_the_doc_above_it() -> None:
    syntax = parse_source("src/common.ts", "TypeScript", _SOURCE.encode())
    assert syntax is not None
    docs = {d.name: d.doc for d in syntax.definitions}
    assert docs["isCopyable"] == "Returns true if the given value can be copied"
    assert docs["createDraft"] == "Makes a fresh draft of the base"
