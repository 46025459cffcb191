"""The gateway's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from kombu.exceptions import OperationalError
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

import codestory
from codestory.artifacts.backends import open_store
from codestory.core.queues import QUEUE_STORIES
from codestory.core.settings import Settings, get_settings
from codestory.gateway.breaker import RedisBreaker, ping_all, probe_client
from codestory.gateway.fallback import FallbackPool
from codestory.gateway.fanout import ProgressHub
from codestory.gateway.hosts import HostCheck
from codestory.gateway.limits import BodyLimit, brief_errors
from codestory.gateway.middleware import RedisGate, RequestMetrics, redis_down
from codestory.gateway.routes import admin, events, feed, health, logs, stories, watches, web
from codestory.gateway.state import GatewayState
from codestory.gateway.streams import StreamSlots
from codestory.observability import metrics, series, tracing
from codestory.records.quotas import SubmitQuotas
from codestory.records.store import StoryStore, make_client

BREAKER_PROBE_TIMEOUT = 0.5


def build_state(settings: Settings) -> GatewayState:
    # Clients connect lazily, so the gateway starts (and stays up) while Redis is down.
    from codestory.runtime.celery_app import create_app

    store_probe = probe_client(settings.redis_url, BREAKER_PROBE_TIMEOUT)
    broker_probe = probe_client(settings.celery_broker_url, BREAKER_PROBE_TIMEOUT)
    if settings.sync_fallback:
        # A broker outage no longer closes the API: the breaker watches the record store,
        # and a second one, for the broker alone, sends new stories to the gateway's pool.
        breaker = RedisBreaker(ping_all(store_probe))
        broker_breaker: RedisBreaker | None = RedisBreaker(
            ping_all(broker_probe),
            open_gauge=metrics.DEGRADED,
            trips=metrics.DEGRADED_TRIPS,
            consequence="new stories run in the gateway until the broker is back",
        )
        fallback: FallbackPool | None = FallbackPool(
            settings.sync_fallback_workers, settings.sync_fallback_queue
        )
    else:
        breaker = RedisBreaker(ping_all(store_probe, broker_probe))
        broker_breaker = fallback = None
    records = make_client(settings.redis_url)
    events = aioredis.Redis.from_url(
        settings.redis_url, decode_responses=True, socket_connect_timeout=2
    )
    broker = make_client(settings.celery_broker_url)
    return GatewayState(
        settings=settings,
        store=StoryStore(records, progress_ttl=settings.progress_ttl_seconds),
        broker=broker,
        quotas=SubmitQuotas(
            records,
            broker,
            rate_per_minute=settings.submit_rate_per_minute,
            rate_per_minute_total=settings.submit_rate_per_minute_total,
            max_active=settings.max_active_per_client,
            max_queued=settings.max_queued_stories,
            queue=QUEUE_STORIES,
        ),
        events=events,
        hub=ProgressHub(events),
        artifacts=open_store(settings),
        celery=create_app(settings),
        breaker=breaker,
        streams=StreamSlots(settings.max_streams_per_client),
        broker_breaker=broker_breaker,
        fallback=fallback,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.codestory = build_state(settings)
        metrics.serve(settings.metrics_port, host=settings.metrics_bind)
        series.gateway_series()
        yield
        state: GatewayState = app.state.codestory
        state.breaker.stop()
        if state.broker_breaker is not None:
            state.broker_breaker.stop()
        if state.fallback is not None:
            state.fallback.shutdown()
        tracing.shutdown_tracing()
        await state.hub.close()
        await state.events.aclose()

    app = FastAPI(
        title="codestory",
        version=codestory.__version__,
        description="Turn a code repository into a narrated, chaptered audio tour.",
        lifespan=lifespan,
        # No Swagger UI or ReDoc pages: they load scripts from a CDN, unpinned and without
        # a CSP, on the origin where the web page keeps API keys. The schema stays at
        # /openapi.json for any OpenAPI viewer or client generator.
        docs_url=None,
        redoc_url=None,
    )

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(HostCheck, names=settings.answered_hosts)

    async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = brief_errors(list(exc.errors()))
        if request.scope.get("endpoint") is stories.submit_story and not any(
            "repository_url" in (error["loc"] or ()) for error in errors
        ):
            refusal = stories.url_refusal(settings, exc.body)
            if refusal is not None:
                errors.insert(0, refusal)
        return JSONResponse(status_code=422, content={"detail": errors})

    app.add_exception_handler(RequestValidationError, invalid_request)

    async def store_unavailable(request: Request, exc: Exception) -> JSONResponse:
        request.app.state.codestory.breaker.trip_if_unreachable(exc)
        return redis_down(settings.redis_retry_after_seconds)

    # Pure ASGI middleware: starlette's @app.middleware("http") runs every request through
    # an extra task and memory streams, which cost more than the submission itself.
    app.add_middleware(RedisGate, retry_after=settings.redis_retry_after_seconds)
    app.add_middleware(RequestMetrics)

    # Tracing: the request span parents the publish span, whose context rides in the
    # Celery message headers to the story task.
    tracing.configure_tracing("gateway")
    tracing.instrument_celery()
    tracing.instrument_redis()
    # One span per request, not one more per ASGI message: a progress stream sends a
    # message per event, and those spans cost a fan-out a fifth of its time for no reader.
    FastAPIInstrumentor.instrument_app(
        # Feeds are polled by podcast apps, and a keyed feed's path holds its API key.
        app,
        excluded_urls="healthz,readyz,health,api/v1/feed",
        exclude_spans=["receive", "send"],
    )

    app.add_exception_handler(redis.RedisError, store_unavailable)
    app.add_exception_handler(OperationalError, store_unavailable)
    app.include_router(health.router)
    for prefix, documented in (("/api/v1", True), ("/api", False)):
        app.include_router(stories.router, prefix=prefix, include_in_schema=documented)
        app.include_router(events.router, prefix=prefix, include_in_schema=documented)
        app.include_router(logs.router, prefix=prefix, include_in_schema=documented)
    app.include_router(feed.router, prefix="/api/v1")
    app.include_router(watches.router, prefix="/api/v1")
    app.include_router(admin.router, prefix="/api/v1")
    app.include_router(web.router)
    return app
