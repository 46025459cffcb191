"""A story stored in S3 (moto's server on 127.0.0.1) and served back by the gateway."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from codestory.speech.mp3 import read_chapters
from tests.support import SAMPLE_PROJECT, Stack, flush, free_port, make_repo, stack_env

pytestmark = pytest.mark.integration


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_story_artifacts_live_in_s3_and_are_served(
    redis_server_url: str, tmp_path: Path, s3_endpoint: str
) -> None:
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **credentials)
    s3.create_bucket(Bucket="tours")
    port = free_port()
    env = stack_env(
        f"{redis_server_url}/0",
        tmp_path,
        CODESTORY_GATEWAY_PORT=str(port),
        CODESTORY_ARTIFACT_URL="s3://tours/codestory",
        CODESTORY_S3_ENDPOINT_URL=s3_endpoint,
        CODESTORY_S3_ACCESS_KEY_ID="test",
        CODESTORY_S3_SECRET_ACCESS_KEY="test",
    )
    for db in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        flush(env[db])
    stack = Stack(f"http://127.0.0.1:{port}", env, tmp_path, tmp_path / "artifacts")
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack.start("gateway", "story", "audio")
    try:
        stack.wait_ready({"stories", "audio"})
        story_id = stack.http.post("/api/v1/stories", json={"repository_url": str(repo)}).json()[
            "id"
        ]
        story = stack.wait_status(story_id, {"complete", "failed"})
        assert story["status"] == "complete", story
        keys = {
            o["Key"] for o in s3.list_objects_v2(Bucket="tours", Prefix="codestory/")["Contents"]
        }
        assert {
            f"codestory/stories/{story_id}/{name}"
            for name in (
                "script.json",
                "story.mp3",
                "chapters.vtt",
                "transcript.txt",
                "manifest.json",
            )
        } == keys
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
