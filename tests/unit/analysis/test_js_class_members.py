"""JavaScript and TypeScript export a class, never its members one by one: an exported
class's methods are public API unless TypeScript or a `#name` makes them private."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.syntax import parse_source

_SHELL = b"""export class Shell {
  private secret() { return 1 }
  protected guard() {}
  #hidden() {}
  constructor() {}
  pipe(dest: string) { return this.#hidden() }
  get stdout() { return 2 }
}
class Inner { run() {} }
"""


def test_an_exported_typescript_class_exports_its_public_methods() -> None:
    syntax = parse_source("src/shell.ts", "TypeScript", _SHELL)
    assert syntax is not None
    exported = {d.name for d in syntax.definitions if d.exported}
    assert exported == {"Shell", "pipe", "stdout"}


def test_a_javascript_class_has_no_private_but_its_hash_names() -> None:
    source = _SHELL.replace(b"private ", b"").replace(b"protected ", b"")
    syntax = parse_source("src/shell.js", "JavaScript", source.replace(b": string", b""))
    assert syntax is not None
    exported = {d.name for d in syntax.definitions if d.exported}
    assert exported == {"Shell", "secret", "guard", "pipe", "stdout"}


def test_a_key_class_is_told_with_its_methods(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "package.json").write_text('{"name": "shell", "main": "src/index.ts"}')
    (tmp_path / "src" / "shell.ts").write_bytes(_SHELL)
    (tmp_path / "src" / "index.ts").write_text(
        "import { Shell } from './shell'\n\nexport function run() {\n"
        "  return new Shell().pipe('out')\n}\n"
    )
    facts = analyse(tmp_path, name="shell", processes=1)
    shell = next(s for s in facts.key_symbols if s.name == "Shell")
    assert "pipe" in [m.name for m in shell.methods]
    assert not {"secret", "guard", "#hidden"} & {m.name for m in shell.methods}
