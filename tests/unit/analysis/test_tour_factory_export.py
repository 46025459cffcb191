"""A package that hands out what its factory makes (`const ky = createInstance();
export default ky`) is entered through that factory."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write


def test_a_default_export_made_by_a_factory_is_entered_through_the_factory(
    tmp_path: Path,
) -> None:
    """`const ky = createInstance(); export default ky`, built from `source/` into
    `distribution/`: the package hands out what the factory makes."""
    root = write(
        tmp_path / "repo",
        {
            "package.json": '{"name": "fetchy", "version": "1.0.0", "type": "module",'
            ' "main": "./distribution/index.js"}',
            "source/index.ts": (
                "import {Client} from './core/client.js';\n\n"
                "const createInstance = (defaults?: object) => {\n"
                "\tconst fetchy = (input: string) => Client.create(input, defaults);\n"
                "\treturn fetchy;\n};\n\n"
                "const fetchy = createInstance();\n\nexport default fetchy;\n"
            ),
            "source/core/client.ts": (
                "export class Client {\n"
                "\tstatic create(input: string, options?: object) {\n"
                "\t\tconst url = input.trim();\n\t\treturn Client.send(url, options);\n\t}\n\n"
                "\tstatic send(url: string, options?: object) {\n"
                "\t\tconst parts = [url, String(options)];\n\t\treturn parts.join(' ');\n\t}\n}\n"
            ),
        },
    )
    facts = analyse(root, name="fetchy")
    entry = facts.library_entry
    assert entry is not None and (entry.name, entry.made) == ("createInstance", "fetchy")
    assert entry.path == "source/index.ts"
    assert [s.name for s in facts.control_paths[0]] == [
        "createInstance",
        "Client.create",
        "Client.send",
    ]
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert "hands its users is `fetchy`, the value `createInstance` in `source/index.ts` makes" in (
        told
    )
