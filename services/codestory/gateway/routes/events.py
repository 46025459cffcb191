"""Live progress: Server-Sent Events and a WebSocket, both fed by Redis pub/sub.

Subscribing happens before the snapshot is read, so no event can fall between the two;
events already sent are skipped by their sequence number.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import redis
from fastapi import APIRouter, Header, HTTPException, Request, WebSocket, WebSocketDisconnect
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from codestory.gateway.access import CallerDep, identify
from codestory.gateway.deps import State
from codestory.gateway.fanout import Delivery, Follower
from codestory.gateway.hosts import origin_allowed
from codestory.gateway.routes.stories import load_story, snapshot_from_record
from codestory.gateway.schemas import problems
from codestory.gateway.state import GatewayState
from codestory.observability.metrics import SSE_CLIENTS
from codestory.store import progress_channel

router = APIRouter(prefix="/stories", tags=["progress"], responses=problems(400, 401, 404, 503))
RECORD_RECHECK_SECONDS = 5.0


async def next_delivery(follower: Follower, timeout: float) -> Delivery | None:
    """The follower's next event, or None after `timeout` seconds. Taken without waiting
    when one is queued; otherwise a deadline on this task rather than a task per wait."""
    try:
        return follower.queue.get_nowait()
    except asyncio.QueueEmpty:
        pass
    try:
        async with asyncio.timeout(timeout):
            return await follower.queue.get()
    except TimeoutError:
        return None


async def progress_stream(
    state: GatewayState, story_id: str, last_seen: int | None
) -> AsyncIterator[Delivery]:
    """Snapshot (or the events after `last_seen`), then live events until the story ends."""
    async with state.hub.follow(progress_channel(story_id)) as follower:
        SSE_CLIENTS.inc()
        try:
            if last_seen is None:
                story = await run_in_threadpool(state.store.get, story_id)
                latest = await run_in_threadpool(state.store.latest_progress, story_id)
                backlog = [Delivery(latest or snapshot_from_record(story))]
            else:
                stored = await run_in_threadpool(state.store.progress_since, story_id, last_seen)
                backlog = [Delivery(event) for event in stored]
            sent = last_seen or 0
            checked = time.monotonic()
            while True:
                for delivery in backlog:
                    event = delivery.event
                    if event.seq <= sent and event.seq != 0:
                        continue
                    sent = max(sent, event.seq)
                    yield delivery
                    if event.is_final:
                        return
                backlog = []
                if follower.lagging:  # messages were dropped: the stored log has them
                    follower.lagging = False
                    stored = await run_in_threadpool(state.store.progress_since, story_id, sent)
                    backlog = [Delivery(event) for event in stored]
                    continue
                live = await next_delivery(follower, timeout=1.0)
                if live is not None:
                    backlog = [live]
                elif time.monotonic() - checked > RECORD_RECHECK_SECONDS:
                    # A final event published between two reads is still in the record.
                    checked = time.monotonic()
                    story = await run_in_threadpool(state.store.get, story_id)
                    if story.status.is_terminal:
                        latest = await run_in_threadpool(state.store.latest_progress, story_id)
                        final = (
                            latest if latest and latest.is_final else snapshot_from_record(story)
                        )
                        if final.seq == 0 or final.seq > sent:
                            yield Delivery(final)
                        return
        finally:
            SSE_CLIENTS.dec()


@router.get("/{story_id}/events", response_class=EventSourceResponse)
async def story_events(
    story_id: str,
    request: Request,
    state: State,
    caller: CallerDep,
    last_event_id: Annotated[str | None, Header()] = None,
) -> EventSourceResponse:
    """SSE: the current snapshot first, then live events. `Last-Event-ID` resumes."""
    await run_in_threadpool(load_story, state, story_id, caller)
    client = caller.client
    if state.streams[client] >= state.settings.max_streams_per_client:
        # Said as what it is: this client's limit, not an outage.
        raise HTTPException(
            status_code=503,
            detail=f"at most {state.settings.max_streams_per_client} open progress streams "
            "per client; close one or try again shortly",
            headers={"Retry-After": "10"},
        )
    resume: int | None = None
    if last_event_id is not None:
        if not last_event_id.isdigit():
            raise HTTPException(status_code=400, detail="Last-Event-ID must be a number")
        resume = int(last_event_id)

    async def frames() -> AsyncIterator[bytes | dict[str, Any]]:
        state.streams[client] += 1
        try:
            async for delivery in progress_stream(state, story_id, resume):
                yield delivery.sse_frame
        except redis.RedisError:
            # The client reconnects with Last-Event-ID once Redis is back.
            yield {"event": "error", "data": '{"detail": "progress store unreachable"}'}
        finally:
            state.streams[client] -= 1
            if state.streams[client] <= 0:
                del state.streams[client]

    return EventSourceResponse(frames(), ping=int(state.settings.sse_ping_seconds))


@router.websocket("/{story_id}/ws")
async def story_websocket(websocket: WebSocket, story_id: str) -> None:
    """The same stream as SSE, as JSON messages, for clients that prefer WebSockets."""
    state: GatewayState = websocket.app.state.codestory
    if not origin_allowed(websocket.headers.get("origin"), state.settings.answered_hosts):
        await websocket.close(code=4403, reason="not from a page this server answers for")
        return
    await websocket.accept()
    try:
        address = websocket.client.host if websocket.client else "unknown"
        caller = identify(state, websocket.headers.get("authorization"), address)
    except HTTPException as exc:
        await websocket.close(code=4401, reason=str(exc.detail)[:120])
        return
    try:
        await run_in_threadpool(load_story, state, story_id, caller)
        async for delivery in progress_stream(state, story_id, None):
            await websocket.send_text(delivery.json)
        await websocket.close()
    except HTTPException as exc:
        await websocket.close(code=4404, reason=str(exc.detail)[:120])
    except WebSocketDisconnect:
        return
    except redis.RedisError:
        await websocket.close(code=1011, reason="progress store unreachable")
    except asyncio.CancelledError:
        raise
