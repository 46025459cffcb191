"""Response bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, create_model

from codestory.artifacts.kinds import LINKED
from codestory.core.domain import ProgressEvent, Story


class Problem(BaseModel):
    """Every refusal but a 422: what went wrong, said for the caller."""

    detail: str


PROBLEMS = {
    400: "the Host is not one this gateway answers to, or a header is malformed",
    401: "no or unknown credentials: an API key (when configured), or the admin token",
    404: "no such story (another API key's stories count as none), or nothing there yet",
    409: "the story's state does not allow this, or an Idempotency-Key was reused",
    413: "the request body is larger than CODESTORY_MAX_BODY_BYTES",
    416: "the Range cannot be satisfied",
    429: "this caller's submit rate or unfinished-story quota; wait Retry-After seconds",
    503: "Redis or the broker is unreachable, or a capacity limit is reached; see Retry-After",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for refusals, so every status a route can return is documented."""
    return {code: {"model": Problem, "description": PROBLEMS[code]} for code in codes}


if TYPE_CHECKING:

    class StoryLinks(BaseModel):
        self: str
        progress: str
        events: str

else:
    # Where to follow a story, then each linked artifact kind by its name, in the table's
    # order: a kind added to the table is linked with no change here.
    StoryLinks = create_model(
        "StoryLinks",
        self=(str, ...),
        progress=(str, ...),
        events=(str, ...),
        **{kind.name: (str, ...) for kind in LINKED},
    )


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
        **{kind.name: f"{root}/{kind.route}" for kind in LINKED},
    )


def story_out(story: Story, base: str, progress: ProgressEvent | None = None) -> StoryOut:
    links = links_for(story.id, base)
    return StoryOut(
        **story.model_dump(),
        links=links,
        audio_url=links.model_dump()["audio"] if "audio" in story.artifacts else None,
        progress=progress,
    )
