"""Checkpoints: a story whose worker dies resumes where it stopped, not from the start.

The audio worker keeps each spoken chapter; the story worker keeps a plain folder's
analysis and the written script. Each test kills a whole worker mid-stage and checks, from
the story's own progress log, which work was done again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codestory.speech.mp3 import read_chapters
from tests.support import (
    FAST_RECOVERY,
    SAMPLE_PROJECT,
    Stack,
    fresh_stack,
    make_repo,
    wait_for,
    write_files,
)

pytestmark = [pytest.mark.integration, pytest.mark.fault]

SLOW = {"CODESTORY_DEBUG_STAGE_DELAY_SECONDS": "1.5"}  # a pause at every checkpoint


def latest_message(stack: Stack, story_id: str) -> str:
    progress = stack.http.get(f"/api/v1/stories/{story_id}").json().get("progress") or {}
    return str(progress.get("message", ""))


def messages(stack: Stack, story_id: str) -> list[str]:
    return [str(e.get("message", "")) for e in stack.events(story_id)]


def kill_when(stack: Stack, story_id: str, worker: str, said_first: str) -> dict[str, Any]:
    """SIGKILL the whole `worker` once the story's progress starts with `said_first`, start
    a new one, and return the story once it ends."""
    wait_for(
        lambda: latest_message(stack, story_id).startswith(said_first),
        60,
        f"progress saying {said_first!r}",
        interval=0.05,
    )
    stack.services[worker].kill()
    stack.start(worker)
    return stack.wait_status(story_id, {"complete", "failed"}, timeout=120)


def test_audio_resumes_at_the_first_unspoken_chapter(redis_server_url: str, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack = fresh_stack(redis_server_url, tmp_path, **FAST_RECOVERY)
    stack.start("gateway", "story", "janitor")
    # One chapter at a time: with several, the threads speak and store the later chapters
    # while the checkpoints pause, so none may be left to speak after the restart. Resuming
    # with gaps anywhere is tested in tests/unit/audio_worker/test_chapters_at_once.py.
    stack.start("audio", extra_env={**SLOW, "CODESTORY_SPEECH_CHAPTER_WORKERS": "1"})
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        story_id = stack.submit(repo)
        story = kill_when(stack, story_id, "audio", "Spoke chapter 2 of")
        assert story["status"] == "complete", story
        assert story["requeues"] == 1, story
        said = messages(stack, story_id)
        total = len(story["chapters"])
        assert total >= 4, story["chapters"]
        reused = [m for m in said if "was spoken before the restart" in m]
        assert reused[:2] == [
            f"Chapter 1 of {total} was spoken before the restart; reusing it",
            f"Chapter 2 of {total} was spoken before the restart; reusing it",
        ]
        after = said[said.index(reused[0]) :]
        assert not any(m.startswith(("Spoke chapter 1 of", "Spoke chapter 2 of")) for m in after)
        assert f"Spoke chapter {total} of {total}" in after
        mp3 = (tmp_path / "artifacts" / "stories" / story_id / "story.mp3").read_bytes()
        marks = read_chapters(mp3)
        assert [title for title, _, _ in marks] == [c["title"] for c in story["chapters"]]
        assert marks[-1][2] == pytest.approx(story["duration_seconds"], abs=0.01)
        # The stored chapters go once the MP3 is kept.
        assert not (tmp_path / "artifacts" / "stories" / story_id / "speech").exists()
    finally:
        stack.stop()


def test_a_plain_folder_is_not_read_again_after_a_restart(
    redis_server_url: str, tmp_path: Path
) -> None:
    folder = write_files(tmp_path / "tally", SAMPLE_PROJECT)  # no .git: a plain folder
    stack = fresh_stack(redis_server_url, tmp_path, **FAST_RECOVERY)
    stack.start("gateway", "audio", "janitor")
    stack.start("story", extra_env=SLOW)
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        story_id = stack.submit(folder)
        story = kill_when(stack, story_id, "story", "Found ")
        said = messages(stack, story_id)
        assert story["status"] == "complete", (story["failure_reason"], said)
        resumed = said.index("Resuming with the analysis stored before the restart")
        assert not any(m.startswith("Reading the code") for m in said[resumed:])
        assert sum(m.startswith("Reading the code") for m in said) == 1
        assert not (tmp_path / "artifacts" / "stories" / story_id / "facts.json").exists()
    finally:
        stack.stop()
