"""One file must never pin a worker: a crafted file beside a normal project is left out
within its time budget and the story finishes; a cancelled analysis stops mid-way and the
worker takes the next story."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import SAMPLE_PROJECT, fresh_stack, make_repo, wait_for

pytestmark = pytest.mark.integration

# Makes tree-sitter's JavaScript parser take minutes: comments that never close.
CRAFTED = "function f(){}\n" + "/* a " * 200_000


def test_a_crafted_file_does_not_stall_the_story(redis_server_url: str, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "tally", {**SAMPLE_PROJECT, "web/evil.js": CRAFTED})
    stack = fresh_stack(redis_server_url, tmp_path, CODESTORY_ANALYSIS_FILE_SECONDS="1")
    stack.start("gateway", "story", "audio")
    try:
        stack.wait_ready({"stories", "audio"})
        story = stack.wait_status(stack.submit(repo), {"complete", "failed"}, timeout=120)
        assert story["status"] == "complete", story
        transcript = (tmp_path / "artifacts" / story["artifacts"]["transcript"]).read_text()
        assert "tally" in transcript.lower()
    finally:
        stack.stop()


def test_cancel_stops_a_running_analysis(redis_server_url: str, tmp_path: Path) -> None:
    # Twenty files of a second's parsing each: twenty seconds of analysis if nothing stops it.
    slow = {f"web/evil{i}.js": CRAFTED for i in range(20)}
    repo = make_repo(tmp_path / "slow", {**SAMPLE_PROJECT, **slow})
    other = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack = fresh_stack(redis_server_url, tmp_path, CODESTORY_ANALYSIS_FILE_SECONDS="1")
    stack.start("gateway", "story", "audio")
    try:
        stack.wait_ready({"stories", "audio"})
        doomed = stack.submit(repo)
        wait_for(
            lambda: (
                stack.http.get(f"/api/v1/stories/{doomed}").json()["progress"]["step"] == "analyse"
            ),
            60,
            "the analysis under way",
            interval=0.1,
        )
        assert stack.http.delete(f"/api/v1/stories/{doomed}").status_code == 200
        # The only story worker is free again: the next story completes.
        after = stack.wait_status(stack.submit(other), {"complete", "failed"}, timeout=120)
        assert after["status"] == "complete", after
        said = [str(e["message"]) for e in stack.events(doomed)]
        assert not any(m.startswith("Found ") for m in said), "the analysis ran to its end"
        assert stack.http.get(f"/api/v1/stories/{doomed}").json()["status"] == "cancelled"
    finally:
        stack.stop()
