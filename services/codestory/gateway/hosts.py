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
        if scope["type"] in {"http", "websocket"}:
            hosts = [v for k, v in scope.get("headers") or [] if k == b"host"]
            # Exactly one Host (RFC 9112 3.2): with two, this check and the app could each
            # read a different one. Probes too: kubelet sends one.
            if len(hosts) > 1:
                await self._refuse(scope, receive, send, "a request must have one Host header")
                return
            host = host_of(hosts[0].decode("latin-1") if hosts else "")
            if scope.get("path") not in PROBES and not allowed(host, self.names):
                await self._refuse(scope, receive, send, "this server does not answer to that host")
                return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, why: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4400})
            return
        await PlainTextResponse(why, 400)(scope, receive, send)
