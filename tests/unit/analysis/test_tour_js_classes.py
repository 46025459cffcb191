"""JavaScript classes as their users and their own code reach them: a class's private
`#method` is a definition its other methods call, and the public methods of an exported
class are the API a README example calls (`export class Command { parse() {} }` marks only
the class exported)."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.syntax import parse_source
from tests.call_graphs import callees_of
from tests.support import write_files as write

_QUEUE = """export class Queue {
  #items = [];

  add(item) {
    this.#check(item);
    this.#items.push(item);
  }

  #check(item) {
    if (item == null) throw new TypeError('empty item');
  }
}
"""


def test_a_private_method_is_a_definition_of_its_class() -> None:
    for language, suffix in (("JavaScript", ".js"), ("TypeScript", ".ts")):
        syntax = parse_source(f"queue{suffix}", language, _QUEUE.encode())
        assert syntax is not None
        found = {(d.qualified_name, d.kind, d.exported) for d in syntax.definitions}
        assert ("Queue.#check", "method", False) in found, language


def test_a_call_to_a_private_method_reaches_it() -> None:
    found = callees_of({"lib/queue.js": _QUEUE}, "lib/queue.js::Queue.add", "JavaScript")
    assert ("lib/queue.js", "Queue.#check") in found


_README = """# clipper

```js
import { program } from 'clipper';

program.option('--first');
program.parse();
```
"""
_INDEX = "import { Command } from './lib/command.js';\n\nexport const program = new Command();\n"


def _command(parse_body: str) -> str:
    return (
        "export class Command {\n"
        "  constructor() {\n    this.options = [];\n  }\n\n"
        "  option(flags) {\n    this.options.push(flags);\n    return this;\n  }\n\n"
        f"  parse(argv) {{\n{parse_body}  }}\n\n"
        "  #prepare(argv) {\n    const args = argv.slice(2);\n"
        "    return this.#dispatch(args);\n  }\n\n"
        "  #dispatch(args) {\n    const found = args.filter((a) => this.options.includes(a));\n"
        "    return this.#report(found);\n  }\n\n"
        "  #report(found) {\n    console.log(found.join(' '));\n    return found.length;\n  }\n"
        "}\n"
    )


def test_a_readme_example_is_followed_into_an_exported_class_method(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "clipper", "version": "2.0.0", "type": "module",'
            ' "main": "./index.js"}',
            "README.md": _README,
            "index.js": _INDEX,
            "lib/command.js": _command("    return this.#prepare(argv ?? process.argv);\n"),
        },
    )
    facts = analyse(root, name="clipper")
    steps = [s.name for s in facts.control_paths[0]]
    assert steps[:4] == [
        "Command.parse",
        "Command.#prepare",
        "Command.#dispatch",
        "Command.#report",
    ]
    assert facts.control_paths[0][0].via == "program.parse"


def test_an_accessor_is_no_call_a_readme_example_makes(tmp_path: Path) -> None:
    """`get json()` is read as a property: the README's `program.json()` is some other
    function, so the tour is entered through the next call it shows."""
    command = _command("    return this.#prepare(argv ?? process.argv);\n").replace(
        "  parse(argv) {",
        "  get json() {\n    return this.#prepare(this.options);\n  }\n\n  parse(argv) {",
    )
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "clipper", "version": "2.0.0", "type": "module",'
            ' "main": "./index.js"}',
            "README.md": _README.replace("program.option('--first');", "program.json();"),
            "index.js": _INDEX,
            "lib/command.js": command,
        },
    )
    facts = analyse(root, name="clipper")
    assert facts.control_paths[0][0].name == "Command.parse"


def test_the_checker_reads_a_private_method_name_as_a_name(tmp_path: Path) -> None:
    from tests.truth.checker import Checker, Tree

    tree = Tree.read(write(tmp_path / "repo", {"lib/queue.js": _QUEUE}))
    key = {"language": "JavaScript", "version": None, "name": "queue"}

    def findings(text: str) -> list[str]:
        found = Checker(tree, key).check_script([("Parts", text)])
        return [str(f) for f in found if "(whole story)" not in str(f)]

    assert findings("`Queue.add` hands the work to `Queue.#check`.") == []
    assert findings("`Queue.add` hands the work to `Queue.#flushAll`.") != []
