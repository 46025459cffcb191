"""Change digests of real releases, checked sentence by sentence against both trees.

Each older release in trees.toml is told against the newer tree it names; the digest
checker looks every claim up in the files themselves, and the digest must mention what the
pair's entry lists (read by comparing the two trees by hand).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from codestory.analysis import analyse
from codestory.analysis.changelog import entries_between, is_changelog
from codestory.analysis.changes import compare
from codestory.narrative.digest import write_digest
from tests.truth.checker import Tree
from tests.truth.digest_checker import DigestChecker

HERE = Path(__file__).parent
CACHE = HERE.parent.parent / ".cache" / "truth"
LISTED = tomllib.loads((HERE / "trees.toml").read_text())
TREES = {t["name"]: t for t in LISTED["tree"]}
PAIRS = LISTED.get("older", [])


@pytest.mark.parametrize("older", PAIRS, ids=[p["name"] for p in PAIRS])
def test_a_digest_of_two_releases_is_true_of_both_trees(older: dict[str, object]) -> None:
    old_root, new_root = CACHE / str(older["name"]), CACHE / str(older["newer"])
    if not (old_root.is_dir() and new_root.is_dir()):
        pytest.fail(f"run `make truth-trees` first: {old_root} or {new_root} is missing")
    newer = TREES[str(older["newer"])]
    change = compare(analyse(old_root, name=newer["name"]), analyse(new_root, name=newer["name"]))
    logs = [p for p in sorted(new_root.iterdir()) if p.is_file() and is_changelog(p.name)]
    since, until = str(older["version"]), str(newer["version"])
    entries = entries_between(logs[0].read_text(errors="replace"), since, until) if logs else None
    script = write_digest(
        change, since=since, until=until, repository=str(newer["name"]), changelog=entries
    )
    chapters = [(c.title, c.text) for c in script.chapters]
    findings, checked = DigestChecker(Tree.read(old_root), Tree.read(new_root)).check(chapters)
    told = "\n".join(text for _, text in chapters)
    assert not findings, "\n".join(str(f) for f in findings) + "\n\n" + told
    assert checked, f"no claim could be checked:\n{told}"
    missing = [m for m in older.get("mention", []) if str(m) not in told]  # type: ignore[attr-defined]
    assert not missing, f"the digest does not mention {missing}:\n{told}"
