"""Progress followers are capped per client under concurrency, and a follower's resources
go with its connection, even for a story that publishes nothing more (here: one queued
with no worker, as a paused story is)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
import redis
import websockets
from websockets.exceptions import ConnectionClosed

from codestory.core.domain import Story, StoryRequest
from codestory.records.keys import progress_channel
from codestory.records.store import StoryStore
from tests.support import Stack, fresh_stack, scrape, value, wait_for

CAP = 3
OPENERS = 12


@pytest.fixture(scope="module")
def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("streams")
    stack = fresh_stack(redis_server_url, tmp, CODESTORY_MAX_STREAMS_PER_CLIENT=str(CAP))
    stack.start("gateway")
    wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
    yield stack
    stack.stop()


def quiet_story(stack: Stack) -> str:
    """A story that will publish nothing more while the test runs."""
    records = redis.Redis.from_url(stack.env["REDIS_URL"])
    try:
        story = Story.new(StoryRequest(repository_url="https://github.com/a/b"))
        return StoryStore(records).create(story)[0].id
    finally:
        records.close()


def followers(stack: Stack) -> float:
    return value(scrape(stack.metrics_ports["gateway"]), "codestory_sse_clients")


def subscribers(stack: Stack, story_id: str) -> int:
    records = redis.Redis.from_url(stack.env["REDIS_URL"])
    try:
        return int(records.pubsub_numsub(progress_channel(story_id))[0][1])
    finally:
        records.close()


def ws_url(stack: Stack, story_id: str) -> str:
    return stack.base_url.replace("http://", "ws://") + f"/api/v1/stories/{story_id}/ws"


def test_concurrent_sse_opens_stay_under_the_cap(stack: Stack) -> None:
    story_id = quiet_story(stack)

    async def burst() -> list[int]:
        async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
            gate = asyncio.Event()
            statuses: list[int] = []

            async def open_one() -> None:
                async with http.stream("GET", f"/api/v1/stories/{story_id}/events") as response:
                    statuses.append(response.status_code)
                    await gate.wait()  # every admitted stream stays open until all have asked

            tasks = [asyncio.create_task(open_one()) for _ in range(OPENERS)]
            await asyncio.sleep(0)
            await wait_until(lambda: len(statuses) == OPENERS)
            gate.set()
            await asyncio.gather(*tasks)
            return statuses

    statuses = asyncio.run(burst())
    assert statuses.count(200) == CAP, statuses
    assert statuses.count(503) == OPENERS - CAP, statuses
    wait_for(lambda: followers(stack) == 0, 10, "the streams' followers gone")


async def wait_until(predicate: object, timeout: float = 20) -> None:
    assert callable(predicate)
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


def test_websockets_are_capped_and_released_when_their_clients_leave(stack: Stack) -> None:
    story_id = quiet_story(stack)

    async def scenario() -> tuple[list[int | None], list[int | None]]:
        sockets = []
        refused: list[int | None] = []
        results = await asyncio.gather(
            *(websockets.connect(ws_url(stack, story_id)) for _ in range(OPENERS))
        )
        for socket in results:
            try:
                # The snapshot arrives on an admitted socket; a refused one is closed.
                await asyncio.wait_for(socket.recv(), 10)
                sockets.append(socket)
            except ConnectionClosed:
                refused.append(socket.close_code)
        assert len(sockets) == CAP, (len(sockets), refused)
        # Each client leaves; the story never publishes again.
        for socket in sockets:
            await socket.close()
        await wait_until(lambda: followers(stack) == 0)
        # Room again once they are gone: the slots came back with the connections.
        again = [await websockets.connect(ws_url(stack, story_id)) for _ in range(CAP)]
        for socket in again:
            await asyncio.wait_for(socket.recv(), 10)
        codes = []
        for socket in again:
            await socket.close()
            codes.append(socket.close_code)
        return refused, codes

    refused, _ = asyncio.run(scenario())
    assert refused == [1013] * (OPENERS - CAP)
    wait_for(lambda: followers(stack) == 0, 10, "the sockets' followers gone")
    wait_for(lambda: subscribers(stack, story_id) == 0, 10, "the story's channel dropped")
