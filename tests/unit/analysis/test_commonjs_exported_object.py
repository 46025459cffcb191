"""JavaScript: a CommonJS module that exports one object with its methods written in place
(`module.exports = { get header() {...}, is(type) {...} }`) defines those methods: they are
its public surface, with their comments, and can be key ideas."""

from __future__ import annotations

import json
from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.syntax import parse_source
from codestory.narrative.template import write_script
from tests.support import write_files as write

REQUEST = """'use strict';

const helper = { hidden() { return 1; } };

/**
 * Prototype.
 */

module.exports = {
  /**
   * Return the request's header fields.
   */

  get header() {
    return this.req.headers;
  },

  set header(value) {
    this.req.headers = value;
  },

  /**
   * Check whether the request carries one of the given content types.
   */

  is(type, ...types) {
    return types.includes(type);
  },

  count: 0,
};
"""


def test_the_methods_of_an_object_exported_whole_are_exported_definitions() -> None:
    syntax = parse_source("lib/request.js", "JavaScript", REQUEST.encode())
    assert syntax is not None
    found = [(d.name, d.parent, d.exported, d.doc) for d in syntax.definitions]
    assert ("header", None, True, "Return the request's header fields.") in found
    assert (
        "is",
        None,
        True,
        "Check whether the request carries one of the given content types.",
    ) in found
    # An object that is not the module's export keeps its methods to itself.
    assert not any(name == "hidden" for name, *_ in found)


def test_they_are_told_as_key_ideas_in_their_authors_words(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "package.json": json.dumps(
                {"name": "tiny-web", "version": "1.0.0", "main": "lib/app.js"}
            ),
            "lib/request.js": REQUEST,
            "lib/app.js": "const request = require('./request');\n\n"
            "module.exports = function app(req) {\n  const r = Object.create(request);\n"
            "  r.req = req;\n  return r;\n};\n",
        },
    )
    told = "\n".join(c.text for c in write_script(analyse(root, name="tiny-web")).chapters)
    assert "carries one of the given content types" in told
