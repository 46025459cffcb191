"""Live progress: Server-Sent Events and a WebSocket, both fed by Redis pub/sub.

Subscribing happens before the snapshot is read, so no event can fall between the two;
events already sent are skipped by their sequence number.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, Any

import redis
from fastapi import APIRouter, Header, HTTPException, Request, WebSocket, WebSocketDisconnect
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from codestory.gateway.access import Caller, CallerDep, identify
from codestory.gateway.deps import State
from codestory.gateway.fanout import Delivery, Follower
from codestory.gateway.hosts import origin_allowed
from codestory.gateway.routes.stories import load_story, snapshot_from_record
from codestory.gateway.schemas import problems
from codestory.gateway.state import GatewayState
from codestory.gateway.streams import SlotStreamResponse
from codestory.observability.metrics import SSE_CLIENTS
from codestory.records.keys import progress_channel

router = APIRouter(prefix="/stories", tags=["progress"], responses=problems(400, 401, 404, 503))
RECORD_RECHECK_SECONDS = 5.0
STREAMS_FULL = "at most {} open progress streams per client; close one or try again shortly"
# Event numbers are 64-bit at most; a longer header is not one of ours (and int() of
# thousands of digits is refused by Python itself).
LAST_EVENT_ID = re.compile(r"[0-9]{1,19}")


def parse_last_event_id(header: str | None) -> int | None:
    if header is None:
        return None
    if not LAST_EVENT_ID.fullmatch(header):
        raise HTTPException(status_code=400, detail="Last-Event-ID must be an event number")
    return int(header)


def streams_refused(state: GatewayState) -> HTTPException:
    # Said as what it is: this client's limit, not an outage.
    return HTTPException(
        status_code=503,
        detail=STREAMS_FULL.format(state.streams.limit),
        headers={"Retry-After": "10"},
    )


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
) -> AsyncGenerator[Delivery, None]:
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
    resume = parse_last_event_id(last_event_id)
    slot = state.streams.take(caller.client)
    if slot is None:
        raise streams_refused(state)

    async def frames() -> AsyncIterator[bytes | dict[str, Any]]:
        try:
            # aclosing: the follower goes when the response does, not when collected.
            async with contextlib.aclosing(progress_stream(state, story_id, resume)) as stream:
                async for delivery in stream:
                    yield delivery.sse_frame
        except redis.RedisError:
            # The client reconnects with Last-Event-ID once Redis is back.
            yield {"event": "error", "data": '{"detail": "progress store unreachable"}'}
        finally:
            slot.release()

    return SlotStreamResponse(frames(), slot, ping=int(state.settings.sse_ping_seconds))


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
    slot = state.streams.take(caller.client)
    if slot is None:
        # 1013: "try again later", the WebSocket spelling of a 503 with Retry-After.
        await websocket.close(code=1013, reason=STREAMS_FULL.format(state.streams.limit))
        return
    try:
        await relay_until_closed(websocket, state, story_id, caller)
    finally:
        slot.release()


async def relay_until_closed(
    websocket: WebSocket, state: GatewayState, story_id: str, caller: Caller
) -> None:
    """Relay progress while watching the socket: the client leaving ends the relay at once,
    even when the story publishes nothing more (paused, stuck), so its follower, its
    queue and its periodic record reads go with the connection."""

    async def relay() -> None:
        await run_in_threadpool(load_story, state, story_id, caller)
        async with contextlib.aclosing(progress_stream(state, story_id, None)) as stream:
            async for delivery in stream:
                await websocket.send_text(delivery.json)

    async def closed_by_client() -> None:
        # Nothing is expected from the client; whatever it sends is read and dropped.
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    relaying = asyncio.create_task(relay())
    watching = asyncio.create_task(closed_by_client())
    try:
        await asyncio.wait({relaying, watching}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (relaying, watching):
            task.cancel()
        await asyncio.gather(relaying, watching, return_exceptions=True)
    if not relaying.done() or relaying.cancelled():
        return  # the client left first
    error = relaying.exception()
    try:
        if error is None:
            await websocket.close()
        elif isinstance(error, HTTPException):
            await websocket.close(code=4404, reason=str(error.detail)[:120])
        elif isinstance(error, redis.RedisError):
            await websocket.close(code=1011, reason="progress store unreachable")
        elif not isinstance(error, WebSocketDisconnect):
            raise error
    except (WebSocketDisconnect, RuntimeError):
        pass  # the socket closed meanwhile: nothing left to tell
