"""Watched repositories: what a user asks for, and what is kept of each watch.

A watch checks its ref every interval; when the ref has moved since the last check, a new
story is submitted for the watch's owner: a digest of what changed since the commit the last
check saw, or (asked for) a whole tour at the new commit. The first check only notes the
commit: a watch tells what changes from then on.
"""

from __future__ import annotations

import time
import uuid
from enum import StrEnum

from pydantic import BaseModel, Field

from codestory.core.domain import StoryRequest

MAX_INTERVAL_MINUTES = 30 * 24 * 60  # a month


class WatchTells(StrEnum):
    DIGEST = "digest"  # what changed since the commit the last check saw
    TOUR = "tour"  # the whole repository again, at its new commit


class WatchRequest(StoryRequest):
    """A story request, told again whenever its ref moves."""

    since: None = Field(default=None, description="not for watches: each move is told whole")
    tells: WatchTells = Field(
        default=WatchTells.DIGEST, description="what each move gets: a digest or a whole tour"
    )
    interval_minutes: int = Field(
        default=24 * 60,
        ge=1,
        le=MAX_INTERVAL_MINUTES,
        description="how often to check the ref (the server's minimum applies)",
    )


class Watch(BaseModel):
    id: str
    request: StoryRequest
    interval_seconds: int
    tells: WatchTells = WatchTells.DIGEST
    owner: str | None = None  # the API key that made it (none without keys, or the admin)
    client: str  # whose quotas its stories count against
    admin: bool = False  # made with the admin token: its stories skip the quotas
    paused: bool = False
    created_at: float
    next_check_at: float
    last_checked_at: float | None = None
    last_commit: str | None = None  # the commit the last check found
    last_story_id: str | None = None  # the story it submitted last
    last_error: str | None = None  # why the last check submitted nothing, if it failed
    stories_submitted: int = 0

    @classmethod
    def new(
        cls,
        request: WatchRequest,
        *,
        owner: str | None,
        client: str,
        admin: bool,
        now: float | None = None,
    ) -> Watch:
        moment = time.time() if now is None else now
        return cls(
            id=uuid.uuid4().hex,
            request=StoryRequest(**request.model_dump(exclude={"interval_minutes", "tells"})),
            interval_seconds=request.interval_minutes * 60,
            tells=request.tells,
            owner=owner,
            client=client,
            admin=admin,
            created_at=moment,
            next_check_at=moment,  # the first check notes the commit at once
        )
