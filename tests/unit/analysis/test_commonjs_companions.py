"""CommonJS: a module whose value is one function often hands out its companions on it
(`module.exports = logger` with `module.exports.format = format`): they are the package's
surface too, and the story can tell them as its ideas."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.syntax import parse_source
from tests.support import write_files as write

_INDEX = (
    "'use strict'\n\nmodule.exports = logger\nmodule.exports.format = format\n"
    "exports.token = token\n\n"
    "/**\n * Create a logger middleware.\n */\n\n"
    "function logger (name) {\n  var line = logger[name] || name\n  return line\n}\n\n"
    "/**\n * Define a format with the given name.\n */\n\n"
    "function format (name, fmt) {\n  logger[name] = fmt\n  return this\n}\n\n"
    "/**\n * Define a token function with the given name.\n */\n\n"
    "function token (name, fn) {\n  logger[name] = fn\n  return this\n}\n\n"
    "function pad (n) {\n  return n < 10 ? '0' + n : String(n)\n}\n"
)


def _exported(source: str) -> dict[str, bool]:
    syntax = parse_source("index.js", "JavaScript", source.encode())
    assert syntax is not None
    return {d.name: d.exported for d in syntax.definitions}


def test_the_companions_of_an_exported_function_are_exported() -> None:
    assert _exported(_INDEX) == {"logger": True, "format": True, "token": True, "pad": False}
    # A helper module's `exports.x = x` without a value of its own is left as it was.
    helpers = "exports.create = create\n\nfunction create () {\n  return {}\n}\n"
    assert _exported(helpers) == {"create": False}


def test_a_companion_is_told_among_the_key_ideas(tmp_path: Path) -> None:
    root = write(
        tmp_path / "logger",
        {
            "package.json": '{"name": "logger", "version": "1.0.0", "main": "index.js"}\n',
            "README.md": "# logger\n\nA request logger.\n",
            "index.js": _INDEX,
        },
    )
    names = {s.name for s in analyse(root, name="logger").key_symbols}
    assert {"format", "token"} <= names, names
