"""A repository nested 1,200 folders deep, before a live story worker: it failed as
`internal` (a RecursionError, as if a bug of ours). Now it is told, its depths left out,
and its clone is removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from codestory.story_worker.scratch import remove_tree
from tests.support import SAMPLE_PROJECT, fresh_stack, git, make_repo
from tests.unit.analysis.test_deep_tree import DEEP, deep_tree

pytestmark = pytest.mark.integration


def test_a_very_deep_repository_is_told(redis_server_url: str, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    deep_tree(repo / "nest", DEEP)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "nest")
    stack = fresh_stack(redis_server_url, tmp_path)
    stack.start("gateway", "story")
    try:
        stack.wait_ready({"stories"})
        story = stack.wait_status(
            stack.submit(repo), {"synthesizing", "failed", "complete"}, timeout=120
        )
        # Measured and analysed without recursion: told, its depths left out.
        assert story["status"] != "failed", story
        # The clone was removed with the scratch folder, however deep it was.
        assert not any((tmp_path / "work").glob("story-*"))
    finally:
        stack.stop()
        remove_tree(repo)  # pytest's own clean-up recurses, and would fail on it later
