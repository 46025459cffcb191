"""Host and Origin: a page on another site that rebinds its name to this server (or a
request naming any other host) is refused; probes by address still answer."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.support import Stack

ROWS = [
    ("evil.example", 400),
    ("evil.example:8000", 400),
    ("127.0.0.1.evil.example", 400),
    ("localhost", 200),
    ("127.0.0.1:1234", 200),
    ("[::1]:8000", 200),
]


@pytest.mark.parametrize(("host", "status"), ROWS)
def test_only_our_own_names_are_answered(gateway: Stack, host: str, status: int) -> None:
    answer = gateway.http.get("/api/v1/stories", headers={"Host": host})
    assert answer.status_code == status, answer.text


def test_probes_answer_whatever_the_host(gateway: Stack) -> None:
    # kubelet calls them by the pod's address.
    assert gateway.http.get("/healthz", headers={"Host": "10.1.2.3:8000"}).status_code == 200


def test_a_websocket_from_another_sites_page_is_closed(gateway: Stack) -> None:
    story = gateway.http.post(
        "/api/v1/stories", json={"repository_url": "https://github.com/example/ws"}
    ).json()["id"]
    url = gateway.base_url.replace("http://", "ws://") + f"/api/v1/stories/{story}/ws"
    with connect(url, origin="http://127.0.0.1:9999") as ws:  # type: ignore[arg-type]
        assert '"status":"queued"' in str(ws.recv(timeout=10)).replace(" ", "")
    # Closed before the handshake completes: the browser sees the upgrade refused.
    with pytest.raises(InvalidStatus) as info:
        connect(url, origin="https://evil.example")  # type: ignore[arg-type]
    assert info.value.response.status_code == 403
