"""A change digest end to end, in live processes: a repository tagged twice, a story asked
for `since` the older tag, told by the story worker from both trees and spoken."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ADMIN, SAMPLE_PROJECT, git, make_repo, running_stack

pytestmark = pytest.mark.integration


def test_a_digest_tells_what_changed_between_two_tags(
    redis_server_url: str, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    git(repo, "tag", "v1")
    (repo / "src" / "tally" / "export.py").write_text(
        '"""Export counts."""\n\nimport os\n\n\ndef to_csv(counts):\n'
        '    return os.environ.get("TALLY_SEPARATOR", ",").join(counts)\n'
    )
    manifest = (repo / "pyproject.toml").read_text().replace('"rich"]', '"rich", "httpx"]')
    (repo / "pyproject.toml").write_text(manifest)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feat(export): write counts as CSV")
    (repo / "README.md").write_text("# Tally\n\nCounts words, and exports them.\n")
    git(repo, "commit", "-q", "-am", "docs: say it exports")
    git(repo, "tag", "v2")
    with running_stack(redis_server_url, tmp_path, ("gateway", "story", "audio")) as stack:
        story_id = stack.submit(repo, ref="v2", since="v1")
        story = stack.wait_status(story_id, {"complete", "failed"}, timeout=180)
        assert story["status"] == "complete", story.get("failure_reason")
        assert story["since"] == "v1" and story["narrator"] == "digest"
        assert story["since_commits"] == 2
        assert story["title"] == "tally: what changed from v1 to v2"
        titles = [c["title"] for c in story["chapters"]]
        assert titles[0] == "The change in one minute" and "What is new" in titles
        transcript = stack.http.get(f"/api/v1/stories/{story_id}/transcript", headers=ADMIN).text
        assert "export.py" in transcript and "httpx" in transcript
        assert "It spans 2 commits" in transcript and "write counts as CSV" in transcript
        assert "now read the environment variable `TALLY_SEPARATOR`" in transcript
        again = stack.submit(repo, ref="v2", since="v2")
        same = stack.wait_status(again, {"complete", "failed"}, timeout=180)
        assert same["status"] == "complete" and [c["title"] for c in same["chapters"]] == [
            "Nothing changed"
        ]
        assert same["cache"]["analysis"] == "hit"  # both trees were analysed before
