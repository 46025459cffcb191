"""How many long-lived streams (progress over SSE or WebSocket, followed logs) each client
holds open.

A slot is taken when a stream is admitted, not when its first byte is sent: the check and
the count happen together with no `await` between them, so a burst of concurrent opens
cannot all see room under the cap. A slot is given back exactly once, however the stream
ends (finished, client gone, never started).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sse_starlette.sse import EventSourceResponse
from starlette.types import Receive, Scope, Send


class Slot:
    __slots__ = ("_client", "_owner", "_released")

    def __init__(self, owner: StreamSlots, client: str) -> None:
        self._owner = owner
        self._client = client
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._owner._give_back(self._client)


class StreamSlots:
    """At most `limit` open streams per client, in this gateway process."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: Counter[str] = Counter()

    def take(self, client: str) -> Slot | None:
        """A slot for `client`, or None when it holds `limit` already. Synchronous on
        purpose: nothing else runs on the event loop between the check and the count."""
        if self._open[client] >= self.limit:
            return None
        self._open[client] += 1
        return Slot(self, client)

    def open(self, client: str) -> int:
        return self._open.get(client, 0)

    @property
    def total(self) -> int:
        return self._open.total()

    def _give_back(self, client: str) -> None:
        self._open[client] -= 1
        if self._open[client] <= 0:
            del self._open[client]


class SlotStreamResponse(EventSourceResponse):
    """An SSE response that gives its slot back when it ends, even if its body was never
    iterated (a client that left before the first frame)."""

    def __init__(self, content: Any, slot: Slot, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.slot = slot
        if kwargs.get("ping"):
            # How often a quiet stream still sends a ping: a client that hears nothing for
            # longer knows the stream has stalled (a frozen gateway keeps its sockets open).
            self.headers["X-Heartbeat-Seconds"] = str(kwargs["ping"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.slot.release()
