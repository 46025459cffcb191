from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from codestory.artifacts.backends import (
    ArtifactNotFoundError,
    ArtifactStore,
    FileArtifactStore,
    RangeNotSatisfiableError,
    S3ArtifactStore,
    open_store,
    parse_range,
)
from codestory.core.settings import Settings
from tests.support import free_port


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 9)),
        ("bytes=90-", (90, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=95-200", (95, 99)),
        ("bytes=0-1,5-6", None),  # several ranges: whole body, as the RFC allows
        ("items=0-5", None),
    ],
)
def test_parse_range(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize(
    "header", ["bytes=100-", "bytes=50-10", "bytes=x-y", "bytes=-0", "bytes=5"]
)
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiableError):
        parse_range(header, 100)


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    if request.param == "file":
        return open_store(Settings(artifact_url=tmp_path.as_uri()))
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"b{free_port()}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket)
    settings = Settings(
        artifact_url=f"s3://{bucket}/prefix",
        s3_endpoint_url=endpoint,
        s3_access_key_id="test",
        s3_secret_access_key="test",
    )
    return open_store(settings)


def test_store_round_trip_and_ranges(store: ArtifactStore) -> None:
    data = bytes(range(256)) * 4000  # larger than one read chunk
    store.put("stories/s1/story.mp3", data)
    store.put("stories/s1/chapters.vtt", b"WEBVTT\n")
    assert store.get("stories/s1/story.mp3") == data
    assert store.size("stories/s1/story.mp3") == len(data)
    assert b"".join(store.read_range("stories/s1/story.mp3", 10, 300_000)) == data[10:300_001]
    store.put("stories/s1/facts.json", b"{}")
    store.delete("stories/s1/facts.json")
    store.delete("stories/s1/facts.json")  # already gone: not an error
    with pytest.raises(ArtifactNotFoundError):
        store.get("stories/s1/facts.json")
    assert store.delete_prefix("stories/s1/") == 2
    with pytest.raises(ArtifactNotFoundError):
        store.size("stories/s1/story.mp3")
    with pytest.raises(ArtifactNotFoundError):
        store.get("stories/s1/chapters.vtt")


def test_store_kinds(store: ArtifactStore, tmp_path: Path) -> None:
    expected = FileArtifactStore if isinstance(store, FileArtifactStore) else S3ArtifactStore
    assert isinstance(store, expected)
    location = store.location("stories/x/a.txt")
    assert location.startswith(str(tmp_path)) or location.endswith("/prefix/stories/x/a.txt")


@pytest.mark.parametrize("key", ["../escape", "/abs/path", "a/../../b", ""])
def test_keys_cannot_escape(key: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad artifact key"):
        FileArtifactStore(tmp_path).put(key, b"x")
