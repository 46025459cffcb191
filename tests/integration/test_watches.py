"""A watched repository end to end, in live processes: the janitor's scan finds the watch
due, a story worker asks git for the ref, notes it, and once the ref has moved submits a
story that the workers then tell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import ADMIN, SAMPLE_PROJECT, git, make_repo, running_stack, wait_for

pytestmark = pytest.mark.integration


def test_a_watch_tells_the_repository_again_when_its_ref_moves(
    redis_server_url: str, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    with running_stack(
        redis_server_url,
        tmp_path,
        ("gateway", "story", "janitor"),
        CODESTORY_WATCH_SCAN_SECONDS="1",
        CODESTORY_WATCH_MIN_INTERVAL_SECONDS="60",
    ) as stack:
        made = stack.http.post(
            "/api/v1/watches",
            json={"repository_url": str(repo), "interval_minutes": 1},
            headers=ADMIN,
        )
        assert made.status_code == 201, made.text
        url = made.json()["url"].removeprefix(stack.base_url)

        def watch() -> dict[str, Any]:
            shown: dict[str, Any] = stack.http.get(url, headers=ADMIN).json()
            return shown

        noted = wait_for(lambda: watch()["last_commit"], 30, "the first check noted the ref")
        assert watch()["last_story_id"] is None, "the first check tells nothing"

        (repo / "src" / "tally" / "extra.py").write_text('"""More."""\n')
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "more")
        assert stack.http.post(f"{url}/check", headers=ADMIN).status_code == 202
        story_id = wait_for(lambda: watch()["last_story_id"], 30, "a story for the moved ref")
        shown = watch()
        assert shown["last_commit"] != noted and shown["stories_submitted"] == 1
        assert shown["last_error"] is None
        story = stack.wait_status(story_id, {"synthesizing", "failed", "complete"}, timeout=120)
        assert story["status"] != "failed", story.get("failure_reason")
        assert story["repository_url"] == str(repo)
        # A digest of what changed since the commit the first check saw, read by its id.
        assert story["since"] == noted and story["narrator"] == "digest"
        newer = shown["last_commit"][:12]
        assert story["title"] == f"tally: what changed from {noted[:12]} to {newer}"


def test_codestory_watch_adds_lists_pauses_and_removes(
    redis_server_url: str, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    from tests.support import ADMIN_TOKEN

    with running_stack(redis_server_url, tmp_path, ("gateway",)) as stack:
        env = {**os.environ, "CODESTORY_GATEWAY_URL": stack.base_url}
        env["CODESTORY_API_KEY"] = ADMIN_TOKEN  # an admin may list every watch

        def watch(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "codestory", "watch", *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
                check=False,
            )

        added = watch("add", "https://github.com/pallets/click", "--every", "60")
        assert added.returncode == 0, added.stderr
        watch_id = added.stdout.split()[0]
        assert "https://github.com/pallets/click, digest every 60 min" in added.stdout
        assert watch_id in watch("list").stdout
        assert "paused" in watch("pause", watch_id).stdout
        short = watch("add", "https://github.com/pallets/click", "--every", "1")
        assert short.returncode == 2 and "interval_minutes" in short.stderr
        assert watch("rm", watch_id).returncode == 0
        assert watch_id not in watch("list").stdout
