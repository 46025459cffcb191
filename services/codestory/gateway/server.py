"""How the gateway's HTTP server is run: uvicorn, with limits on request headers and on
whom it believes about the client's address.

uvicorn's httptools protocol (the fast one, and the one `uvicorn[standard]` picks) sets no
bound on a header block and no time limit for receiving it: an 8 MB header or 20,000 of
them were read whole, and a client trickling a header a byte at a time held its connection
for as long as it liked. The protocol here refuses a header block past `max_header_bytes`
or `max_headers` with 431 and closes a connection whose request headers have not all
arrived within `header_timeout` seconds (408), as nginx's `client_header_timeout` and
Apache's `LimitRequestFields` do.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from codestory.core.settings import Settings

# The WebSocket is send-only (progress out); nothing a client sends needs more than this.
WS_MAX_MESSAGE_BYTES = 4096


class HeaderTooLargeError(ValueError):
    """Raised inside a parser callback to stop parsing; answered with 431."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    max_header_bytes = 16 * 1024
    max_headers = 100
    header_timeout = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_bytes = 0  # of the headers httptools has handed over whole
        self._received = 0  # bytes that arrived while this request's headers were incomplete
        self._header_count = 0
        self._reading_headers = False
        self._refusal: bytes | None = None
        self._header_deadline: asyncio.TimerHandle | None = None

    # A connection waits for a request's headers from the moment it opens, and again from
    # the first byte of each later request (idle keep-alive time is uvicorn's to limit).
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._reading_headers = True
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Headers still incomplete after this chunk: what arrived counts against the bound
        # even before httptools hands over a whole header, so one endless header is refused
        # after a chunk past the limit, not buffered.
        if self._reading_headers and not self.transport.is_closing():
            self._received += len(data)
            if self._received > self.max_header_bytes:
                self._refuse_headers(f"request headers over {self.max_header_bytes} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = self._received = self._header_count = 0
        self._reading_headers = True
        if self._header_deadline is None:
            self._arm_header_deadline()

    def on_url(self, url: bytes) -> None:
        self._count_header_bytes(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > self.max_headers:
            self._refusal = _response(431, f"more than {self.max_headers} request headers")
            raise HeaderTooLargeError
        self._count_header_bytes(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._cancel_header_deadline()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers every parser error with 400; a refusal made here says what it was.
        if self._refusal is None:
            super().send_400_response(msg)
            return
        self.transport.write(self._refusal)
        self.transport.close()

    def _count_header_bytes(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > self.max_header_bytes:
            self._refusal = _response(431, f"request headers over {self.max_header_bytes} bytes")
            raise HeaderTooLargeError

    def _refuse_headers(self, why: str) -> None:
        self._cancel_header_deadline()
        self.transport.write(_response(431, why))
        self.transport.close()

    def _arm_header_deadline(self) -> None:
        self._cancel_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing():
            return
        # A 408 only when no earlier response is still being written on this connection.
        if self.cycle is None or self.cycle.response_complete:
            self.transport.write(_response(408, "request headers took too long"))
        self.transport.close()


def _response(status: int, text: str) -> bytes:
    reason = {408: "Request Timeout", 431: "Request Header Fields Too Large"}[status]
    body = text.encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


def guarded_protocol(settings: Settings) -> type[GuardedHttpToolsProtocol]:
    """The protocol class with this gateway's limits (uvicorn builds one per connection)."""
    return type(
        "GatewayHttpProtocol",
        (GuardedHttpToolsProtocol,),
        {
            "max_header_bytes": settings.max_header_bytes,
            "max_headers": settings.max_headers,
            "header_timeout": settings.header_timeout_seconds,
        },
    )


def uvicorn_config(settings: Settings, **extra: Any) -> uvicorn.Config:
    """The gateway's server. `X-Forwarded-For` and `X-Forwarded-Proto` are believed only
    from the peers in CODESTORY_TRUSTED_PROXIES (none by default): from anyone else they
    would let a client pick the address its quotas are counted under."""
    trusted = settings.trusted_proxies
    return uvicorn.Config(
        "codestory.gateway.app:create_app",
        factory=True,
        host=settings.gateway_host,
        port=settings.gateway_port,
        http=guarded_protocol(settings),
        proxy_headers=bool(trusted),
        forwarded_allow_ips=list(trusted) if trusted else None,
        ws_max_size=WS_MAX_MESSAGE_BYTES,
        **extra,
    )
