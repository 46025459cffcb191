"""Liveness, readiness and a human-readable health report."""

from __future__ import annotations

from typing import Any

import redis
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from codestory.gateway.deps import State
from codestory.queue import QUEUES
from codestory.store import in_flight_by_queue

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers. Deliberately independent of Redis, so a broker outage does
    not get healthy gateways restarted."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(state: State) -> JSONResponse:
    try:
        state.store.redis.ping()
    except redis.RedisError as exc:
        return JSONResponse(status_code=503, content={"status": "unready", "redis": str(exc)})
    return JSONResponse(content={"status": "ready"})


@router.get("/health")
def health(state: State) -> JSONResponse:
    """Redis, the workers seen by heartbeat, and the depth of each queue."""
    report: dict[str, Any] = {"status": "ok"}
    try:
        state.store.redis.ping()
        report["redis"] = "ok"
        workers = state.store.live_workers()
        report["workers"] = workers
        report["queues"] = {q: int(state.broker.llen(q)) for q in QUEUES}
        running = in_flight_by_queue(state.broker)
        report["in_flight"] = {q: running.get(q, 0) for q in QUEUES}
        report["dlq"] = state.store.dlq_size()
        report["janitor"] = state.store.janitor_runs()
    except redis.RedisError as exc:
        return JSONResponse(status_code=503, content={"status": "down", "redis": str(exc)})
    served = {q for w in report["workers"] for q in w.get("queues", [])}
    missing = [q for q in QUEUES if q not in served]
    if missing:
        report["status"] = "degraded"
        report["queues_without_workers"] = missing
    return JSONResponse(content=report)
