"""Response bodies."""

from __future__ import annotations

from pydantic import BaseModel

from codestory.domain import ProgressEvent, Story


class StoryLinks(BaseModel):
    self: str
    progress: str
    events: str
    audio: str
    chapters: str
    captions: str
    transcript: str


class StoryOut(Story):
    links: StoryLinks
    audio_url: str | None = None
    progress: ProgressEvent | None = None


class Accepted(BaseModel):
    id: str
    status: str
    links: StoryLinks
    degraded: bool = False  # the broker was unreachable; the gateway runs this story itself


class StoryPage(BaseModel):
    items: list[StoryOut]
    total: int
    offset: int
    limit: int


def links_for(story_id: str, base: str) -> StoryLinks:
    root = f"{base.rstrip('/')}/api/v1/stories/{story_id}"
    return StoryLinks(
        self=root,
        progress=f"{root}/progress",
        events=f"{root}/events",
        audio=f"{root}/audio",
        chapters=f"{root}/chapters.vtt",
        captions=f"{root}/captions.vtt",
        transcript=f"{root}/transcript",
    )


def story_out(story: Story, base: str, progress: ProgressEvent | None = None) -> StoryOut:
    links = links_for(story.id, base)
    return StoryOut(
        **story.model_dump(),
        links=links,
        audio_url=links.audio if "audio" in story.artifacts else None,
        progress=progress,
    )
