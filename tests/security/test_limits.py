"""Limits that act before the work: oversized bodies, unknown fields, echoed input,
unbounded paging. Each row is refused at the door and nothing is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tests.support import Stack


def total(gateway: Stack) -> int:
    return int(gateway.http.get("/api/v1/stories").json()["total"])


def test_a_large_body_is_refused_before_it_is_read(gateway: Stack) -> None:
    before = total(gateway)
    padding = "x" * 200_000
    answer = gateway.http.post(
        "/api/v1/stories",
        json={"repository_url": "https://github.com/a/b", "focus_areas": [padding]},
    )
    assert answer.status_code == 413, answer.text
    assert "larger than" in answer.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"repository_url": "https://github.com/a/b", "ref": "'
        for _ in range(64):
            yield b"a" * 4096
        yield b'"}'

    streamed = gateway.http.post(
        "/api/v1/stories", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413, streamed.text
    assert total(gateway) == before


def test_an_unknown_field_is_an_error_not_ignored(gateway: Stack) -> None:
    answer = gateway.http.post(
        "/api/v1/stories", json={"repository_url": "https://github.com/a/b", "styel": "x"}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "styel"]


def test_a_refusal_does_not_echo_a_huge_input(gateway: Stack) -> None:
    huge = "https://github.com/" + "a" * 9000
    answer = gateway.http.post("/api/v1/stories", json={"repository_url": huge})
    assert answer.status_code == 422
    assert len(answer.content) < 1000 and "aaaaaaaaaa" not in answer.text


def test_paging_is_bounded(gateway: Stack) -> None:
    assert gateway.http.get("/api/v1/stories", params={"offset": 10**9}).status_code == 422
    assert gateway.http.get("/api/v1/stories", params={"limit": 1000}).status_code == 422


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_metrics_listen_where_the_gateway_does(gateway: Stack) -> None:
    # The test gateway listens on loopback; so must its metrics, not on every interface.
    port = gateway.metrics_ports["gateway"]
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1
