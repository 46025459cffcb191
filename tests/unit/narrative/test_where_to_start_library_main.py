"""A library whose way in is known but from which no call is followed (its index hands out
an instance's methods) still sends the listener to that file, not from its README straight
to a test."""

from __future__ import annotations

import json
from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write


def test_the_reading_list_names_a_librarys_main_module(tmp_path: Path) -> None:
    package = {"name": "draftjs", "main": "./dist/index.js", "source": "src/draftjs.ts"}
    files: dict[str, str | bytes] = {
        "package.json": json.dumps(package),
        "README.md": "# draftjs\n\nDrafts of state.\n",
        "src/draftjs.ts": (
            'import {Drafter} from "./drafter"\n\nconst drafter = new Drafter()\n\n'
            "export const produce = drafter.produce\n"
        ),
        "src/drafter.ts": (
            "export class Drafter {\n  produce(base: object): object {\n    return base\n  }\n}\n"
        ),
    }
    facts = analyse(write(tmp_path, files), name="draftjs")
    assert not facts.control_paths
    chapter = next(c for c in write_script(facts).chapters if c.title == "Where to start reading")
    assert "Then open `src/draftjs.ts`, the library's main module" in chapter.text
