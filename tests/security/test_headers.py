"""Request headers at the server: bounded in size and count, and in the time they may take
to arrive; one Host only; X-Forwarded-For believed only from configured proxies."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import Stack, fresh_stack, wait_for

HEADER_TIMEOUT = 1.5
RATE = 2


def start(redis_server_url: str, tmp: Path, **extra: str) -> Stack:
    stack = fresh_stack(
        redis_server_url,
        tmp,
        CODESTORY_HEADER_TIMEOUT_SECONDS=str(HEADER_TIMEOUT),
        CODESTORY_SUBMIT_RATE_PER_MINUTE=str(RATE),
        **extra,
    )
    stack.start("gateway")
    wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
    return stack


@pytest.fixture(scope="module")
def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = start(redis_server_url, tmp_path_factory.mktemp("headers"))
    yield stack
    stack.stop()


def address(stack: Stack) -> tuple[str, int]:
    parts = urlsplit(stack.base_url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def exchange(stack: Stack, raw: bytes, timeout: float = 10) -> bytes:
    """Send `raw`, then read until the server closes (or `timeout`)."""
    with socket.create_connection(address(stack), timeout=timeout) as conn:
        # Refused part-way: the answer is already waiting.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(raw)
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        return received


def request(*headers: str) -> bytes:
    lines = ["GET /api/v1/stories HTTP/1.1", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode()


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ", 2)[1])


def test_an_ordinary_request_is_answered(stack: Stack) -> None:
    assert status_of(exchange(stack, request("Host: 127.0.0.1"))) == 200


def test_a_huge_header_is_refused_with_431(stack: Stack) -> None:
    answer = exchange(stack, request("Host: 127.0.0.1", "X-Big: " + "a" * 1_000_000))
    assert status_of(answer) == 431


def test_a_header_block_just_past_the_limit_in_one_piece_is_refused(stack: Stack) -> None:
    answer = exchange(stack, request("Host: 127.0.0.1", "X-Big: " + "a" * 17_000))
    assert status_of(answer) == 431


def test_too_many_headers_are_refused_with_431(stack: Stack) -> None:
    many = [f"X-H{i}: v" for i in range(500)]
    assert status_of(exchange(stack, request("Host: 127.0.0.1", *many))) == 431


def test_a_trickled_header_block_is_cut_off(stack: Stack) -> None:
    with socket.create_connection(address(stack), timeout=10) as conn:
        conn.sendall(b"GET /api/v1/stories HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        answer = b""
        try:
            # One byte every 0.2 s: never idle long, never done.
            while time.monotonic() - started < HEADER_TIMEOUT + 5:
                conn.sendall(b"X")
                conn.settimeout(0.2)
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                answer += chunk
        except (BrokenPipeError, ConnectionResetError):
            pass
        held = time.monotonic() - started
    assert held < HEADER_TIMEOUT + 3, f"the connection was held {held:.1f} s"
    assert status_of(answer) == 408


def test_a_silent_connection_is_closed(stack: Stack) -> None:
    with socket.create_connection(address(stack), timeout=HEADER_TIMEOUT + 5) as conn:
        started = time.monotonic()
        answer = b""
        try:
            while chunk := conn.recv(4096):
                answer += chunk
        except TimeoutError:
            pytest.fail("a connection that sent nothing was kept open")
        assert time.monotonic() - started < HEADER_TIMEOUT + 3
    assert status_of(answer) == 408


def test_two_host_headers_are_refused(stack: Stack) -> None:
    # The last was checked while the app read the first: both orders are refused now.
    for pair in (("evil.example", "127.0.0.1"), ("127.0.0.1", "evil.example")):
        answer = exchange(stack, request(f"Host: {pair[0]}", f"Host: {pair[1]}"))
        assert status_of(answer) == 400, answer


def submit(stack: Stack, forwarded_for: str) -> int:
    response = stack.http.post(
        "/api/v1/stories",
        json={"repository_url": "https://github.com/example/forwarded"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


def test_forwarded_for_from_an_untrusted_peer_does_not_pick_the_bucket(stack: Stack) -> None:
    # No trusted proxies (the default): each request's claimed address is ignored, so a
    # client cannot take a fresh quota per request.
    statuses = [submit(stack, f"203.0.113.{i}") for i in range(RATE + 1)]
    assert statuses == [202] * RATE + [429], statuses


def test_a_trusted_proxy_gives_each_client_its_own_bucket(
    redis_server_url: str, tmp_path: Path
) -> None:
    stack = start(redis_server_url, tmp_path, CODESTORY_TRUSTED_PROXIES='["127.0.0.1"]')
    try:
        # Behind the proxy, each client its own bucket...
        assert [submit(stack, f"198.51.100.{i}") for i in range(RATE + 1)] == [202] * (RATE + 1)
        # ...and what a client writes itself in front of the proxy's entry is not believed:
        # the rightmost address the proxy did not vouch for is the client.
        spoofed = [submit(stack, f"10.9.9.{i}, 198.51.100.77") for i in range(RATE + 1)]
        assert spoofed == [202] * RATE + [429], spoofed
    finally:
        stack.stop()
