"""Per-client quotas and the queue cap: a flood from one client is turned away with 429
and `Retry-After` while another client, and the admin, still get through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support import ADMIN, Stack, fresh_stack, wait_for

pytestmark = pytest.mark.integration


@contextmanager
def gateway_with(redis_server_url: str, tmp: Path, **env: str) -> Iterator[Stack]:
    stack = fresh_stack(redis_server_url, tmp, **env)
    stack.start("gateway")  # no workers: what is submitted stays unfinished and queued
    try:
        wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
        yield stack
    finally:
        stack.stop()


def post(stack: Stack, n: int, **headers: str) -> int:
    body = {"repository_url": f"https://github.com/example/project{n}"}
    return stack.http.post("/api/v1/stories", json=body, headers=headers).status_code


def test_a_client_past_its_rate_waits_and_others_do_not(
    redis_server_url: str, tmp_path: Path
) -> None:
    with gateway_with(redis_server_url, tmp_path, CODESTORY_SUBMIT_RATE_PER_MINUTE="5") as stack:
        assert [post(stack, n) for n in range(5)] == [202] * 5
        refused = stack.http.post(
            "/api/v1/stories", json={"repository_url": "https://github.com/example/six"}
        )
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "a minute" in refused.json()["detail"]
        assert stack.http.get("/api/v1/stories").json()["total"] == 5, "nothing recorded"
        assert post(stack, 7, **ADMIN) == 202, "the admin is not rate limited"


def test_unfinished_stories_per_client_are_capped(redis_server_url: str, tmp_path: Path) -> None:
    with gateway_with(redis_server_url, tmp_path, CODESTORY_MAX_ACTIVE_PER_CLIENT="3") as stack:
        assert [post(stack, n) for n in range(3)] == [202] * 3
        refused = stack.http.post(
            "/api/v1/stories", json={"repository_url": "https://github.com/example/four"}
        )
        assert refused.status_code == 429 and "unfinished" in refused.json()["detail"]
        assert refused.headers["retry-after"]
        # A cancelled story no longer counts.
        first = stack.http.get("/api/v1/stories").json()["items"][-1]["id"]
        assert stack.http.delete(f"/api/v1/stories/{first}").status_code == 200
        assert post(stack, 5) == 202


def test_a_full_queue_turns_everyone_away(redis_server_url: str, tmp_path: Path) -> None:
    with gateway_with(redis_server_url, tmp_path, CODESTORY_MAX_QUEUED_STORIES="2") as stack:
        assert [post(stack, n) for n in range(2)] == [202, 202]
        full = stack.http.post(
            "/api/v1/stories", json={"repository_url": "https://github.com/example/three"}
        )
        assert full.status_code == 503 and "waiting already" in full.json()["detail"]
        assert full.headers["retry-after"]


def test_the_whole_service_has_a_rate_one_flood_cannot_use_up(
    redis_server_url: str, tmp_path: Path
) -> None:
    with gateway_with(
        redis_server_url,
        tmp_path,
        CODESTORY_SUBMIT_RATE_PER_MINUTE="3",
        CODESTORY_SUBMIT_RATE_PER_MINUTE_TOTAL="4",
        # Clients told apart by a proxy in front (the test's loopback peer).
        CODESTORY_TRUSTED_PROXIES='["127.0.0.1"]',
    ) as stack:
        one = {"X-Forwarded-For": "198.51.100.1"}
        other = {"X-Forwarded-For": "198.51.100.2"}
        # One client floods: past its own 3 it is refused, and the refusals cost no one else.
        assert [post(stack, n, **one) for n in range(6)] == [202] * 3 + [429] * 3
        assert post(stack, 10, **other) == 202  # the service's fourth this minute
        refused = stack.http.post(
            "/api/v1/stories", json={"repository_url": "https://github.com/example/x"},
            headers=other,
        )  # fmt: skip
        assert refused.status_code == 503 and "stories a minute" in refused.json()["detail"]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert post(stack, 12, **ADMIN) == 202, "the admin is not rate limited"
