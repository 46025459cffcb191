"""A name defined several times in one file (overloads, or C++'s internal `detail::f`
before the public `f`) is one idea, told in the words its authors wrote above whichever of
them they documented, at that definition's line."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write

_HEADER = """#pragma once

namespace tick {
namespace detail {
template <typename T> int render(T value, int width) {
  int used = width;
  used += static_cast<int>(sizeof(value));
  return used;
}
}  // namespace detail

/** Renders a value into the text buffer and returns its width. */
template <typename T> int render(T value) {
  int width = 0;
  return detail::render(value, width);
}
}  // namespace tick
"""


def test_an_idea_is_told_in_the_words_of_its_documented_overload(tmp_path: Path) -> None:
    uses = '#include "tick/core.h"\n\nint use_{n}() {{\n  return tick::render({n});\n}}\n'
    root = write(
        tmp_path / "tick",
        {
            "CMakeLists.txt": "project(tick)\nadd_library(tick src/a.cc src/b.cc src/c.cc)\n",
            "include/tick/core.h": _HEADER,
            **{f"src/{n}.cc": uses.format(n=i) for i, n in enumerate("abc")},
        },
    )
    facts = analyse(root, name="tick")
    render = next(s for s in facts.key_symbols if s.name == "render")
    assert render.doc == "Renders a value into the text buffer and returns its width."
    assert render.line == 13  # the documented definition, where its words are
