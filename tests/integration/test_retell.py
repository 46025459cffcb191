"""A story told again after a small change, end to end: the audio worker takes the chapters
whose words did not change from the chapter cache and speaks the others, and the record and
the manifest say which were reused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import SAMPLE_PROJECT, git, make_repo, running_stack

pytestmark = pytest.mark.integration


def test_a_retold_story_reuses_the_chapters_that_did_not_change(
    redis_server_url: str, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    with running_stack(redis_server_url, tmp_path, ("gateway", "story", "audio")) as stack:
        first = stack.wait_status(stack.submit(repo), {"complete", "failed"}, timeout=180)
        assert first["status"] == "complete", first.get("failure_reason")
        assert not any(c["reused"] for c in first["chapters"])
        (repo / "tests" / "test_report.py").write_text(
            "from tally.report import render\n\n\ndef test_render():\n    assert render('a')\n"
        )
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "test the report")
        second = stack.wait_status(stack.submit(repo), {"complete", "failed"}, timeout=180)
        assert second["status"] == "complete", second.get("failure_reason")
        reused = [c["reused"] for c in second["chapters"]]
        assert any(reused) and not all(reused), reused
        manifest = json.loads((stack.artifact_dir / second["artifacts"]["manifest"]).read_text())
        assert [c["reused"] for c in manifest["chapters"]] == reused
