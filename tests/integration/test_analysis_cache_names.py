"""One commit told from two locations (a fork, a mirror) is told under each one's own
name: the cached analysis of the first no longer lends it its name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import Stack, fresh_stack, git, make_repo

pytestmark = pytest.mark.integration

# No manifest and no README: the project is named after its repository.
UNNAMED = {
    "app.py": "from util import shout\n\n\ndef main():\n    print(shout('hi'))\n\n\nmain()\n",
    "util.py": "def shout(text):\n    return text.upper()\n",
}


def told_name(stack: Stack, story_id: str) -> str:
    story = stack.wait_status(story_id, {"synthesizing", "complete", "failed"}, timeout=120)
    assert story["status"] != "failed", story
    document = json.loads((stack.artifact_dir / story["artifacts"]["script"]).read_text())
    return str(document["facts"]["name"])


def test_a_commit_told_from_two_places_keeps_each_name(
    redis_server_url: str, tmp_path: Path
) -> None:
    first = make_repo(tmp_path / "alpha", UNNAMED)
    second = tmp_path / "beta"
    git(tmp_path, "clone", "-q", str(first), str(second))  # the very same commit
    stack = fresh_stack(redis_server_url, tmp_path)
    stack.start("gateway", "story")
    try:
        stack.wait_ready({"stories"})
        assert told_name(stack, stack.submit(first)) == "alpha"
        assert told_name(stack, stack.submit(second)) == "beta"
        # The same location again is still a cache hit.
        again = stack.submit(first)
        assert told_name(stack, again) == "alpha"
        assert stack.http.get(f"/api/v1/stories/{again}").json()["cache"]["analysis"] == "hit"
    finally:
        stack.stop()
