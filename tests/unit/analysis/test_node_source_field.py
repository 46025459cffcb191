"""npm: a package built by microbundle or Parcel names the source of its `main` in
package.json's `source` field; where `main` is a build output with no source of the same
path, the library is entered there."""

from __future__ import annotations

import json
from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write


def test_a_library_is_entered_at_the_source_its_build_names(tmp_path: Path) -> None:
    package = {
        "name": "draftjs",
        "version": "1.2.0",
        "main": "./dist/cjs/index.js",
        "source": "src/draftjs.ts",
    }
    files: dict[str, str | bytes] = {
        "package.json": json.dumps(package),
        "README.md": "# draftjs\n\nDrafts of state.\n",
        "src/draftjs.ts": 'import {produce} from "./core"\n\nexport {produce}\n',
        "src/core.ts": "export function produce(base: object): object {\n  return base\n}\n",
    }
    facts = analyse(write(tmp_path, files), name="draftjs")
    assert [e.path for e in facts.entry_points if e.kind == "library main"] == ["src/draftjs.ts"]
