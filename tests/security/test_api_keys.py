"""API keys: with CODESTORY_API_KEYS set, every story route needs a key, and a key reads,
follows, cancels and lists only its own stories (another's answer 404, as if missing); the
admin sees all. Keys are made with `codestory api-key`, whose printed entry is the config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.support import ADMIN, Stack, fresh_stack, wait_for

pytestmark = pytest.mark.integration

BODY = {"repository_url": "https://github.com/example/keyed"}


def make_key(name: str) -> tuple[str, dict[str, str]]:
    """Run `codestory api-key NAME`; return the key and its CODESTORY_API_KEYS entry."""
    done = subprocess.run(
        [sys.executable, "-m", "codestory", "api-key", name],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    key = lines[0].rsplit(" ", 1)[1]
    entry: dict[str, str] = json.loads(lines[1].split(": ", 1)[1])
    assert key not in done.stdout.split("\n", 1)[1], "the entry never holds the key itself"
    return key, entry


@pytest.fixture(scope="module")
def keyed(
    redis_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, dict[str, dict[str, str]]]]:
    alice, alice_entry = make_key("alice")
    bob, bob_entry = make_key("bob")
    stack = fresh_stack(
        redis_server_url,
        tmp_path_factory.mktemp("api-keys"),
        CODESTORY_API_KEYS=json.dumps(alice_entry | bob_entry),
    )
    stack.start("gateway")
    wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
    headers = {
        "alice": {"Authorization": f"Bearer {alice}"},
        "bob": {"Authorization": f"Bearer {bob}"},
        "admin": ADMIN,
    }
    yield stack, headers
    stack.stop()


def submit(stack: Stack, headers: dict[str, str], **extra: str) -> str:
    response = stack.http.post("/api/v1/stories", json=BODY, headers=headers | extra)
    assert response.status_code == 202, response.text
    story_id: str = response.json()["id"]
    return story_id


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic YWxpY2U6c2VjcmV0",
        "Bearer cs_not-a-key-of-this-gateway",
        "Bearer",
        "Bearer  two  spaces",
        "Token abc",
    ],
)
def test_without_a_valid_key_every_story_route_is_401(
    keyed: tuple[Stack, dict[str, dict[str, str]]], authorization: str | None
) -> None:
    stack, _ = keyed
    headers = {"Authorization": authorization} if authorization is not None else {}
    before = stack.http.get("/api/v1/stories", headers=ADMIN).json()["total"]
    for method, path in [
        ("POST", "/api/v1/stories"),
        ("GET", "/api/v1/stories"),
        ("GET", "/api/v1/stories/0123456789abcdef0123456789abcdef"),
        ("GET", "/api/v1/stories/0123456789abcdef0123456789abcdef/events"),
    ]:
        response = stack.http.request(
            method, path, json=BODY if method == "POST" else None, headers=headers
        )
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
    assert stack.http.get("/api/v1/stories", headers=ADMIN).json()["total"] == before
    assert stack.http.get("/readyz").status_code == 200, "probes need no key"


def test_a_key_sees_only_its_own_stories(keyed: tuple[Stack, dict[str, dict[str, str]]]) -> None:
    stack, who = keyed
    mine = submit(stack, who["alice"])
    theirs = submit(stack, who["bob"])
    for path in [
        f"/api/v1/stories/{mine}",
        f"/api/v1/stories/{mine}/progress",
        f"/api/v1/stories/{mine}/events",
        f"/api/v1/stories/{mine}/audio",
        f"/api/v1/stories/{mine}/transcript",
    ]:
        response = stack.http.get(path, headers=who["bob"])
        assert response.status_code == 404, (path, response.text)
        assert response.json()["detail"] == f"no story with id {mine!r}", "same as a missing id"
    for method, path in [
        ("DELETE", f"/api/v1/stories/{mine}"),
        ("POST", f"/api/v1/stories/{mine}/pause"),
        ("POST", f"/api/v1/stories/{mine}/resume"),
    ]:
        assert stack.http.request(method, path, headers=who["bob"]).status_code == 404
    record = stack.http.get(f"/api/v1/stories/{mine}", headers=who["alice"]).json()
    assert record["status"] == "queued", "bob's cancel and pause changed nothing"

    def listed(name: str) -> set[str]:
        page = stack.http.get("/api/v1/stories?limit=100", headers=who[name]).json()
        ids = {item["id"] for item in page["items"]}
        assert page["total"] == len(ids)
        return ids

    assert mine in listed("alice") and theirs not in listed("alice")
    assert theirs in listed("bob") and mine not in listed("bob")
    assert {mine, theirs} <= listed("admin")
    assert stack.http.get(f"/api/v1/stories/{mine}", headers=ADMIN).status_code == 200
    assert stack.http.delete(f"/api/v1/stories/{mine}", headers=who["alice"]).status_code == 200


def test_an_idempotency_key_never_hands_back_another_keys_story(
    keyed: tuple[Stack, dict[str, dict[str, str]]],
) -> None:
    stack, who = keyed
    once = {"Idempotency-Key": "same-key-for-both"}
    first = submit(stack, who["alice"], **once)
    assert submit(stack, who["alice"], **once) == first, "the same key repeats for its holder"
    assert submit(stack, who["bob"], **once) != first


def test_websocket_follows_only_the_callers_story(
    keyed: tuple[Stack, dict[str, dict[str, str]]],
) -> None:
    stack, who = keyed
    mine = submit(stack, who["alice"])
    url = stack.base_url.replace("http://", "ws://") + f"/api/v1/stories/{mine}/ws"
    for headers, code in [({}, 4401), (who["bob"], 4404)]:
        with (
            connect(url, additional_headers=headers, open_timeout=10) as socket,
            pytest.raises(ConnectionClosed) as closed,
        ):
            socket.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == code
    with connect(url, additional_headers=who["alice"], open_timeout=10) as socket:
        assert json.loads(socket.recv(timeout=10))["story_id"] == mine


def test_the_cli_sends_codestory_api_key(keyed: tuple[Stack, dict[str, dict[str, str]]]) -> None:
    stack, who = keyed
    key = who["alice"]["Authorization"].removeprefix("Bearer ")
    env = {**os.environ, "CODESTORY_API_KEY": key, "CODESTORY_GATEWAY_URL": stack.base_url}
    run = [sys.executable, "-m", "codestory"]
    done = subprocess.run(
        [*run, "new", BODY["repository_url"]], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    story_id = done.stdout.split()[2]
    shown = subprocess.run([*run, "status"], env=env, capture_output=True, text=True, timeout=60)
    assert story_id in shown.stdout
    env.pop("CODESTORY_API_KEY")
    refused = subprocess.run([*run, "status", story_id], env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and "API key" in refused.stderr
    assert httpx.get(f"{stack.base_url}/api/v1/stories/{story_id}", headers=ADMIN).is_success
