"""Which names the gateway answers to, for HTTP (`Host`) and for WebSockets (`Origin`).

A web page on another site can point its own name at 127.0.0.1 (DNS rebinding) and then
call a local gateway as if same-origin; its requests still say the other site's name in
`Host`, and are refused here. Liveness and readiness probes are exempt: kubelet calls
them by the pod's address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# Called by the cluster itself, by address or in-cluster name: kubelet's probes, KEDA.
PROBES = frozenset({"/healthz", "/readyz", "/scaling"})


def host_of(header: str) -> str:
    """`example.com:8000` -> `example.com`; `[::1]:8000` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed(host: str, names: list[str]) -> bool:
    host = host.strip("[]")
    for name in names:
        name = name.lower().strip("[]")
        if name == "*" or host == name or (name.startswith("*.") and host.endswith(name[1:])):
            return True
    return False


def origin_allowed(origin: str | None, names: list[str]) -> bool:
    """A WebSocket from a browser page is allowed only from a page served by these names;
    clients that send no Origin (not browsers) are judged by Host alone."""
    if origin is None:
        return True
    return allowed(urlsplit(origin).hostname or "", names)


class HostCheck:
    def __init__(self, app: ASGIApp, names: list[str]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"} and scope.get("path") not in PROBES:
            headers = dict(scope.get("headers") or [])
            host = host_of(headers.get(b"host", b"").decode("latin-1"))
            if not allowed(host, self.names):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 4400})
                    return
                response = PlainTextResponse("this server does not answer to that host", 400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
