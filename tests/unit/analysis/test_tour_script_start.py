"""A program whose start is a script with no main function (a Node package's `bin` file)
is entered at the top-level call that leads into the project's code, not at the option
reading before it; the story goes on from the sentence that names the script."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write


def _chain(names: list[str]) -> str:
    """CommonJS functions each calling the next, with bodies long enough to be real steps."""
    text = ""
    for name, onward in zip(names, [*names[1:], None], strict=True):
        call = f"  return {onward}(rows.concat([1]));\n" if onward else "  return rows;\n"
        text += (
            f"function {name}(rows) {{\n  rows = rows.slice();\n  rows.push(rows.length);\n"
            f"{call}}}\n\n"
        )
    return text + f"module.exports = {{ {names[0]} }};\n"


def test_a_bin_script_is_entered_where_its_top_level_sets_the_work_going(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "serve-rows", "version": "1.0.0", '
            '"bin": {"serve-rows": "bin/serve-rows.js"}}',
            "bin/serve-rows.js": (
                "#!/usr/bin/env node\n"
                "const { startServer } = require('../lib/server');\n\n"
                "function usage() {\n  console.log('usage: serve-rows [port]');\n}\n\n"
                "function options(argv) {\n  if (argv.includes('--help')) usage();\n"
                "  return { port: Number(argv[2] || 8080) };\n}\n\n"
                "const opts = options(process.argv);\n"
                "startServer([opts.port]);\n"
            ),
            "lib/server.js": _chain(["startServer", "acceptRows", "parseRows", "answerRows"]),
        },
    )
    facts = analyse(root, name="serve-rows")
    first = facts.control_paths[0]
    assert [s.name for s in first][:3] == ["startServer", "acceptRows", "parseRows"]
    assert first[0].script == "bin/serve-rows.js"
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert "built from `bin/serve-rows.js`; its top-level code leads to `startServer` in " in told
    # Reading the options leads nowhere else in the project: no path starts there.
    assert not any(path[0].name == "options" for path in facts.control_paths)
