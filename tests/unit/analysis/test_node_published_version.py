"""npm: a package released by semantic-release gets its version when it is published; the
one committed in package.json is a stand-in (`0.0.0-development`, or an old number left
behind), so no story says it is the project's version."""

from __future__ import annotations

import json
from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write


def _package(version: str, **more: object) -> str:
    return json.dumps({"name": "draftjs", "version": version, "main": "src/index.js", **more})


def _version(tmp_path: Path, package: str) -> str | None:
    files: dict[str, str | bytes] = {
        "package.json": package,
        "README.md": "# draftjs\n\nDrafts of state.\n",
        "src/index.js": "export function produce(base) {\n  return base\n}\n",
    }
    return analyse(write(tmp_path, files), name="draftjs").version


def test_a_version_semantic_release_writes_at_publish_is_not_told(tmp_path: Path) -> None:
    released = _package(
        "10.0.3-beta",
        scripts={"release": "semantic-release --branches main"},
        devDependencies={"semantic-release": "^17.0.0"},
    )
    assert _version(tmp_path / "a", released) is None
    assert _version(tmp_path / "b", _package("0.0.0-development")) is None


def test_a_version_kept_by_hand_is_told(tmp_path: Path) -> None:
    kept = _package("2.4.1", scripts={"test": "node --test"})
    assert _version(tmp_path, kept) == "2.4.1"
