"""The gateway's own ASGI middleware: request metrics, and failing fast while Redis is down.

Plain ASGI, not starlette's `BaseHTTPMiddleware`: that runs every request through an extra
task and a pair of memory streams, which on a submission cost more than the work itself.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from codestory.observability import metrics

REDIS_DOWN = "the story database (Redis) is unreachable; please retry shortly"
# Answered without Redis while the breaker is open: everything else needs it.
NEEDS_REDIS = ("/api/", "/readyz")


def needs_redis(path: str) -> bool:
    return path.startswith(NEEDS_REDIS)


def redis_down(retry_after: int) -> JSONResponse:
    return JSONResponse(
        status_code=503, content={"detail": REDIS_DOWN}, headers={"Retry-After": str(retry_after)}
    )


def route_template(scope: Mapping[str, Any]) -> str:
    """`/api/v1/stories/{story_id}` for any request to that endpoint: one series per route.

    Routes in included routers know only their own part of the path; the prefix they were
    included under is what remains of the request path once that part is filled in.
    """
    route = scope.get("route")
    template = getattr(route, "path", None)
    if template is None:
        return "unmatched"
    filled = template
    for name, value in (scope.get("path_params") or {}).items():
        filled = filled.replace("{" + name + "}", str(value)).replace(
            "{" + name + ":path}", str(value)
        )
    path = str(scope.get("path", ""))
    prefix = path[: -len(filled)] if filled and path.endswith(filled) else ""
    return prefix + str(template)


class RedisGate:
    """While the gateway's Redis breaker is open, routes that need Redis answer 503 at once
    instead of each waiting out a connection timeout."""

    def __init__(self, app: ASGIApp, retry_after: int) -> None:
        self.app = app
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and needs_redis(scope["path"]):
            state = getattr(scope["app"].state, "codestory", None)
            if state is not None and state.breaker.is_open:
                await redis_down(self.retry_after)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RequestMetrics:
    """Counts every HTTP request and times it to its response headers (a progress stream
    stays open for minutes; its first byte is what a latency alert should see), labelled
    by route template, not raw path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answered: float | None = None
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = int(message["status"])
                answered = time.perf_counter()
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = route_template(scope)
            method = scope["method"]
            metrics.HTTP_REQUESTS.labels(route=route, method=method, status=str(status)).inc()
            metrics.HTTP_DURATION.labels(route=route, method=method).observe(
                (answered or time.perf_counter()) - started
            )
