"""A story's own log: paged JSON, or followed live as Server-Sent Events.

Lines come from the story's Redis stream; once that is gone (Redis lost it), from the copy
kept in the artifact store when the story ended. Each line's `id` is its stream id: a page
starts after the last one seen, and a followed stream resumes with `Last-Event-ID`.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import redis
from fastapi import APIRouter, Header, HTTPException, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from codestory.artifacts.backends import ArtifactNotFoundError
from codestory.artifacts.kinds import story_artifact
from codestory.gateway.access import CallerDep
from codestory.gateway.deps import State
from codestory.gateway.routes.stories import load_story
from codestory.gateway.schemas import problems
from codestory.gateway.state import GatewayState
from codestory.gateway.streams import SlotStreamResponse
from codestory.records import story_log

router = APIRouter(prefix="/stories", tags=["logs"], responses=problems(400, 401, 404, 503))
STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
FOLLOW_POLL_SECONDS = 1.0
QUIET_POLLS_AFTER_END = 2  # lines written as a story ends may land just after its status


# With follow=true, each event is `log` (data: one LogLine as JSON), then `end` (data: the
# story's final status) or `error`.
SSE_EVENT = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "enum": ["log", "end", "error"]},
        "id": {"type": "string"},
        "data": {"type": "string"},
    },
}


class LogLine(BaseModel):
    id: str = Field(description="stream id; pass it as `after` (or Last-Event-ID) to go on")
    time: str
    level: str
    service: str
    step: str = ""
    message: str
    error_type: str | None = None
    traceback: str | None = None


class LogPage(BaseModel):
    story_id: str
    lines: list[LogLine]
    next_after: str | None = Field(description="`after` for the next page; null at the end")


def _checked_after(after: str | None) -> str | None:
    if after is not None and not STREAM_ID.match(after):
        raise HTTPException(status_code=400, detail="`after` must be a log line id like 1-0")
    return after


def _stream_order(line_id: str) -> tuple[int, int]:
    ms, _, seq = line_id.partition("-")
    return int(ms), int(seq or 0)


def read_page(state: GatewayState, story_id: str, after: str | None, limit: int) -> list[Any]:
    lines = story_log.read_lines(state.store.redis, story_id, after=after, limit=limit)
    if lines or (after is not None and state.store.redis.exists(story_log.story_log_key(story_id))):
        return lines
    try:  # Redis no longer has it: the copy taken when the story ended
        archived = story_log.from_jsonl(state.artifacts.get(story_artifact(story_id, "log")))
    except ArtifactNotFoundError:
        return []
    start = _stream_order(after) if after else (-1, -1)
    return [line for line in archived if _stream_order(line["id"]) > start][:limit]


@router.get(
    "/{story_id}/logs",
    response_model=LogPage,
    responses={200: {"content": {"text/event-stream": {"schema": SSE_EVENT}}}},
)
async def story_logs(
    story_id: str,
    request: Request,
    state: State,
    caller: CallerDep,
    after: Annotated[str | None, Query(max_length=45)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    follow: bool = False,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Any:
    """The lines every service wrote while working on this story (time, level, service,
    step, message; for errors their type and the end of the traceback), oldest first.
    `follow=true` streams them as Server-Sent Events (`log` events, then `end` once the
    story has finished), resuming after `Last-Event-ID`."""
    await run_in_threadpool(load_story, state, story_id, caller)
    start = _checked_after(last_event_id if follow and last_event_id else after)
    if not follow:
        lines = await run_in_threadpool(read_page, state, story_id, start, limit)
        return LogPage(
            story_id=story_id,
            lines=[LogLine.model_validate(line) for line in lines],
            next_after=lines[-1]["id"] if len(lines) == limit else None,
        )

    # The same allowance as progress streams: a follower holds a poll loop open.
    slot = state.streams.take(caller.client)
    if slot is None:
        raise HTTPException(
            status_code=503,
            detail=f"at most {state.streams.limit} open streams per client; "
            "close one or try again shortly",
            headers={"Retry-After": "10"},
        )

    async def frames() -> AsyncIterator[dict[str, Any]]:
        seen, quiet = start, 0
        try:
            while quiet < QUIET_POLLS_AFTER_END:
                lines = await run_in_threadpool(read_page, state, story_id, seen, 500)
                for line in lines:
                    seen = line["id"]
                    yield {"id": seen, "event": "log", "data": json.dumps(line)}
                if len(lines) == 500:
                    continue
                story = await run_in_threadpool(state.store.get, story_id)
                quiet = quiet + 1 if story.status.is_terminal and not lines else 0
                await asyncio.sleep(FOLLOW_POLL_SECONDS)
            yield {"event": "end", "data": json.dumps({"status": str(story.status)})}
        except redis.RedisError:
            yield {"event": "error", "data": '{"detail": "log store unreachable"}'}
        finally:
            slot.release()

    return SlotStreamResponse(frames(), slot, ping=int(state.settings.sse_ping_seconds))
