"""A story stored in S3 (moto's server on 127.0.0.1) and served back by the gateway."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from codestory.speech.mp3 import read_chapters
from tests.support import SAMPLE_PROJECT, fresh_stack, make_repo, wait_for

pytestmark = pytest.mark.integration


def test_story_artifacts_live_in_s3_and_are_served(
    redis_server_url: str, tmp_path: Path, s3_endpoint: str
) -> None:
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **credentials)
    s3.create_bucket(Bucket="tours")
    stack = fresh_stack(
        redis_server_url,
        tmp_path,
        CODESTORY_ARTIFACT_URL="s3://tours/codestory",
        CODESTORY_S3_ENDPOINT_URL=s3_endpoint,
        CODESTORY_S3_ACCESS_KEY_ID="test",
        CODESTORY_S3_SECRET_ACCESS_KEY="test",
    )
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack.start("gateway", "story", "audio")
    try:
        stack.wait_ready({"stories", "audio"})
        story_id = stack.submit(repo)
        story = stack.wait_status(story_id, {"complete", "failed"})
        assert story["status"] == "complete", story

        def stored_keys() -> set[str]:
            listing = s3.list_objects_v2(Bucket="tours", Prefix="codestory/")
            return {o["Key"] for o in listing["Contents"]}

        # The story's log is copied a moment after the status is written.
        log_key = f"codestory/stories/{story_id}/log.jsonl"
        keys = wait_for(lambda: (found := stored_keys()) and log_key in found and found, 30, "log")
        assert {
            f"codestory/stories/{story_id}/{name}"
            for name in (
                "script.json",
                "story.mp3",
                "chapters.vtt",
                "captions.vtt",
                "evidence.json",
                "transcript.txt",
                "manifest.json",
                "log.jsonl",
            )
        } == {k for k in keys if k.startswith("codestory/stories/")}
        # The analysis of the commit and the spoken audio are kept for the next story.
        cached = {k.split("/")[2] for k in keys if k.startswith("codestory/cache/")}
        assert cached == {"analysis", "audio", "chapters"}
        assert {
            k for k in keys if not k.startswith(("codestory/stories/", "codestory/cache/"))
        } == set()
        assert not (tmp_path / "artifacts").exists(), "nothing went to local disk"
        stored = s3.get_object(Bucket="tours", Key=f"codestory/stories/{story_id}/story.mp3")
        mp3 = stored["Body"].read()
        assert stored["ContentType"] == "audio/mpeg"
        served = stack.http.get(f"/api/v1/stories/{story_id}/audio")
        assert served.content == mp3
        part = stack.http.get(f"/api/v1/stories/{story_id}/audio", headers={"Range": "bytes=10-19"})
        assert part.status_code == 206 and part.content == mp3[10:20]
        assert [m[0] for m in read_chapters(mp3)] == [c["title"] for c in story["chapters"]]
    finally:
        stack.stop()
