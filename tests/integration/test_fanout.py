"""Live progress for many followers over one Redis connection per gateway."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
import redis

from codestory.core.domain import Status, Story, StoryRequest
from codestory.records.store import StoryStore
from tests.support import fresh_stack, wait_for

pytestmark = pytest.mark.integration

FOLLOWERS = 150


async def follow(base: str, story_id: str) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    event_id = ""
    async with (
        httpx.AsyncClient(base_url=base, timeout=60) as http,
        http.stream("GET", f"/api/v1/stories/{story_id}/events") as response,
    ):
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                event_id = line.removeprefix("id:").strip()
            if line.startswith("data:"):
                events.append(json.loads(line.removeprefix("data:")))
                assert event_id == str(events[-1]["seq"])  # resumable with Last-Event-ID
                if events[-1]["status"] in {"complete", "failed", "cancelled"}:
                    break
    return events


def pubsub_connections(client: redis.Redis) -> int:
    return sum(1 for c in client.client_list() if int(c.get("psub", 0)) or int(c.get("sub", 0)))


def test_many_followers_share_one_subscription(redis_server_url: str, tmp_path: Path) -> None:
    stack = fresh_stack(
        redis_server_url, tmp_path, CODESTORY_MAX_STREAMS_PER_CLIENT=str(FOLLOWERS + 10)
    )
    stack.start("gateway")
    records = redis.Redis.from_url(stack.env["REDIS_URL"])
    store = StoryStore(records)
    try:
        wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
        stories = [
            store.create(Story.new(StoryRequest(repository_url=f"https://github.com/a/b{i}")))[0]
            for i in range(3)
        ]

        async def scenario() -> list[list[dict[str, object]]]:
            tasks = [
                asyncio.create_task(follow(stack.base_url, stories[n % 3].id))
                for n in range(FOLLOWERS)
            ]
            await asyncio.sleep(0)
            await asyncio.to_thread(
                wait_for,
                lambda: (
                    stack.http.get("/health").status_code == 200
                    and pubsub_connections(records) >= 1
                ),
                30,
                "followers subscribed",
            )
            await asyncio.sleep(2)  # every follower has its snapshot and waits
            # All followers of three stories ride on one subscribing connection.
            assert pubsub_connections(records) == 1
            for story in stories:
                # A malformed message on the channel is skipped; the stream goes on.
                records.publish(f"codestory:progress-events:{story.id}", b"{not json")
                store.publish(story.id, Status.ANALYZING, "analyse", "Reading the code")
                store.transition(story.id, Status.CANCELLED, failure_reason="test")
                store.publish(story.id, Status.CANCELLED, "cancelled", "Cancelled")
            return await asyncio.gather(*tasks)

        results = asyncio.run(scenario())
        for received in results:
            steps = [e["step"] for e in received]
            assert steps[-1] == "cancelled", steps
            assert "analyse" in steps, steps
        # The last follower gone, its channels are dropped.
        wait_for(
            lambda: (
                not records.pubsub_numsub(*[f"codestory:progress-events:{s.id}" for s in stories])[
                    0
                ][1]
            ),
            10,
            "unsubscribed",
        )
    finally:
        records.close()
        stack.stop()


def test_a_client_past_its_stream_limit_is_told_so(redis_server_url: str, tmp_path: Path) -> None:
    stack = fresh_stack(redis_server_url, tmp_path, CODESTORY_MAX_STREAMS_PER_CLIENT="2")
    stack.start("gateway")
    records = redis.Redis.from_url(stack.env["REDIS_URL"])
    try:
        wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
        story = StoryStore(records).create(
            Story.new(StoryRequest(repository_url="https://github.com/a/b"))
        )[0]
        url = f"/api/v1/stories/{story.id}/events"
        with (
            httpx.Client(base_url=stack.base_url, timeout=30) as one,
            httpx.Client(base_url=stack.base_url, timeout=30) as two,
            one.stream("GET", url) as first,
            two.stream("GET", url) as second,
        ):
            assert first.status_code == second.status_code == 200
            third = stack.http.get(url)
            assert third.status_code == 503
            assert third.headers["retry-after"]
            assert "open progress streams per client" in third.json()["detail"]
            # A followed log holds a stream too, and counts against the same allowance.
            log = stack.http.get(f"/api/v1/stories/{story.id}/logs?follow=true")
            assert log.status_code == 503 and log.headers["retry-after"]
            assert stack.http.get(f"/api/v1/stories/{story.id}/logs").status_code == 200
            # The rest of the API is untouched: this is a limit, not an outage.
            assert stack.http.get(f"/api/v1/stories/{story.id}").status_code == 200
    finally:
        records.close()
        stack.stop()
