"""The gateway's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from kombu.exceptions import OperationalError

import codestory
from codestory.artifacts import open_store
from codestory.gateway.routes import admin, events, health, stories
from codestory.gateway.state import GatewayState
from codestory.settings import Settings, get_settings
from codestory.store import StoryStore, make_client

REDIS_DOWN = "the story database (Redis) is unreachable; please retry shortly"


def build_state(settings: Settings) -> GatewayState:
    # Clients connect lazily, so the gateway starts (and stays up) while Redis is down.
    from codestory.queue import create_app

    return GatewayState(
        settings=settings,
        store=StoryStore(
            make_client(settings.redis_url), progress_ttl=settings.progress_ttl_seconds
        ),
        broker=make_client(settings.celery_broker_url),
        events=aioredis.Redis.from_url(
            settings.redis_url, decode_responses=True, socket_connect_timeout=2
        ),
        artifacts=open_store(settings),
        celery=create_app(settings),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.codestory = build_state(settings)
        yield
        await app.state.codestory.events.aclose()

    app = FastAPI(
        title="codestory",
        version=codestory.__version__,
        description="Turn a code repository into a narrated, chaptered audio tour.",
        lifespan=lifespan,
    )

    async def store_unavailable(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            status_code=503,
            content={"detail": REDIS_DOWN},
            headers={"Retry-After": str(settings.redis_retry_after_seconds)},
        )

    app.add_exception_handler(redis.RedisError, store_unavailable)
    app.add_exception_handler(OperationalError, store_unavailable)
    app.include_router(health.router)
    for prefix, documented in (("/api/v1", True), ("/api", False)):
        app.include_router(stories.router, prefix=prefix, include_in_schema=documented)
        app.include_router(events.router, prefix=prefix, include_in_schema=documented)
    app.include_router(admin.router, prefix="/api/v1")
    return app
