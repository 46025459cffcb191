"""Stories as the workers leave them, written straight into the records and artifact store."""

from __future__ import annotations

from pathlib import Path

from codestory.artifacts.backends import FileArtifactStore
from codestory.artifacts.kinds import SERVED, story_artifact
from codestory.core.domain import Chapter, Status, Story, StoryRequest
from codestory.records.store import StoryStore

URL = "https://github.com/pallets/click"


def artifact_folder(env: dict[str, str]) -> Path:
    return Path(env["CODESTORY_ARTIFACT_URL"].removeprefix("file://"))


def finished_story(
    store: StoryStore,
    env: dict[str, str],
    audio: bytes,
    *,
    url: str = URL,
    owner: str | None = None,
) -> Story:
    """A complete story as the audio worker leaves it: its record and its files."""
    story = Story.new(StoryRequest(repository_url=url), owner=owner)
    files = FileArtifactStore(artifact_folder(env))
    keys = {kind.name: story_artifact(story.id, kind.name) for kind in SERVED}
    for name, key in keys.items():
        files.put(key, audio if name == "audio" else f"{name} of the story".encode())
    story.status = Status.COMPLETE
    story.artifacts = keys
    story.chapters = [
        Chapter(index=0, title="What it is", start_seconds=0.0, duration_seconds=61.5),
        Chapter(index=1, title="Where it starts", start_seconds=61.5, duration_seconds=90.0),
    ]
    story.duration_seconds = 151.5
    store.create(story)
    return story
