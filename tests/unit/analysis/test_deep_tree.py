"""A tree nested far deeper than any project (1,200 folders) is told, its depths left out
and counted, and removed afterwards, rather than failing the story as a bug (Python
3.11's os.walk and shutil.rmtree recurse once per level)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from codestory.analysis import analyse
from codestory.analysis.walk import MAX_FOLDER_DEPTH, walk_repository
from codestory.story_worker.scratch import remove_tree, scratch_folder

DEEP = 1200


def deep_tree(root: Path, depth: int) -> Path:
    """main.py at the top, leaf.py `depth` folders down."""
    root.mkdir()
    (root / "main.py").write_text("def main():\n    print('hi')\n\n\nmain()\n")
    # One level at a time, by descriptor: os.makedirs itself recurses once per level.
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        leaf = os.open("leaf.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, b"def leaf():\n    return 1\n")
        os.close(leaf)
    finally:
        os.close(fd)
    return root


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Path]:
    root = deep_tree(tmp_path / "deep", DEEP)
    yield root
    if root.exists():  # pytest's own clean-up recurses, and would fail on it later
        remove_tree(root)


def test_a_1200_deep_tree_is_walked_with_its_depths_left_out(deep: Path) -> None:
    files, unreadable = walk_repository(deep, max_files=1000, max_bytes=1 << 20)
    assert [f.path for f in files] == ["main.py"]
    assert unreadable == 1  # the one folder below the limit, counted
    facts = analyse(deep, name="deep", processes=1)
    assert facts.code_files == 1


def test_folders_within_the_limit_are_all_read(tmp_path: Path) -> None:
    root = deep_tree(tmp_path / "deep", MAX_FOLDER_DEPTH - 1)
    files, unreadable = walk_repository(root, max_files=1000, max_bytes=1 << 20)
    assert len(files) == 2 and unreadable == 0
    assert files[-1].path == "d/" * (MAX_FOLDER_DEPTH - 1) + "leaf.py"


def test_a_scratch_folder_holding_a_deep_clone_is_removed(tmp_path: Path) -> None:
    outside = tmp_path / "kept"
    outside.mkdir()
    with scratch_folder(tmp_path / "work", "story-") as work:
        deep_tree(work / "clone", DEEP)
        (work / "clone" / "out").symlink_to(outside, target_is_directory=True)
    assert not work.exists()
    assert outside.exists()  # a link is removed, never followed
