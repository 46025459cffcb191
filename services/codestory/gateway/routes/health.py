"""Liveness, readiness and a human-readable health report."""

from __future__ import annotations

import time
from typing import Any

import redis
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from codestory.core.queues import QUEUES, TASK_EXPIRE_OLD, TASK_SWEEP_STUCK
from codestory.core.settings import Settings
from codestory.gateway.deps import State
from codestory.gateway.state import GatewayState
from codestory.observability.tracing import untraced
from codestory.runtime.broker import in_flight_by_queue

router = APIRouter(tags=["health"])
DOWN: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "Redis is unreachable (the body says which part is down)",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def redis_trouble(exc: redis.RedisError) -> str:
    """Said without the error's text, which names the server's addresses."""
    return f"unreachable ({type(exc).__name__})"


@router.get("/healthz")
def healthz(state: State) -> dict[str, str]:
    """The process answers. Deliberately independent of Redis, so a broker outage does
    not get healthy gateways restarted. `instance` lets `codestory up` know its own."""
    if state.settings.instance:
        return {"status": "ok", "instance": state.settings.instance}
    return {"status": "ok"}


@router.get("/readyz", responses=DOWN)
def readyz(state: State) -> JSONResponse:
    with untraced():
        return ready_report(state)


def ready_report(state: GatewayState) -> JSONResponse:
    try:
        state.store.redis.ping()
    except redis.RedisError as exc:
        state.breaker.trip_if_unreachable(exc)
        return JSONResponse(
            status_code=503, content={"status": "unready", "redis": redis_trouble(exc)}
        )
    return JSONResponse(content={"status": "ready"})


@router.get("/health", responses=DOWN)
def health(state: State) -> JSONResponse:
    """Redis, the workers seen by heartbeat, and the depth of each queue."""
    with untraced():
        return health_report(state)


def health_report(state: GatewayState) -> JSONResponse:
    report: dict[str, Any] = {"status": "ok"}
    if state.breaker.is_open:
        unreachable = f"unreachable (not tried again for {state.breaker.open_for():.0f} s)"
        return JSONResponse(status_code=503, content={"status": "down", "redis": unreachable})
    try:
        state.store.redis.ping()
        report["redis"] = "ok"
        workers = state.store.live_workers()
        report["workers"] = workers
        report.update(broker_report(state))
        report["dlq"] = state.store.dlq_size()
        report["janitor"] = state.store.janitor_runs()
    except redis.RedisError as exc:
        state.breaker.trip_if_unreachable(exc)
        return JSONResponse(
            status_code=503, content={"status": "down", "redis": redis_trouble(exc)}
        )
    served = {q for w in report["workers"] for q in w.get("queues", [])}
    missing = [q for q in QUEUES if q not in served]
    if missing:
        report["status"] = "degraded"
        report["queues_without_workers"] = missing
    if report.get("broker") != "ok":
        report["status"] = "degraded"
    stale = stale_janitor_tasks(report["janitor"], state.settings, time.time())
    if stale:
        report["status"] = "degraded"
        report["janitor_stale"] = stale
    return JSONResponse(content=report)


@router.get(
    "/health/celery",
    responses={
        503: {
            "description": "a queue has no live consumer, or Redis is unreachable",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def celery_health(state: State) -> JSONResponse:
    """Workers seen by heartbeat (hostname, queues, concurrency, active tasks, heartbeat
    age) and each queue's depth and consumers. 200 when every queue has a live consumer,
    503 naming those without one. A queue whose workers scale to zero is not counted as
    missing its consumer while nothing waits in it."""
    with untraced():
        return celery_report(state)


def celery_report(state: GatewayState) -> JSONResponse:
    now = time.time()
    try:
        workers = state.store.live_workers()
        waiting, running = queue_load(state)
    except redis.RedisError as exc:
        state.breaker.trip_if_unreachable(exc)
        return JSONResponse(
            status_code=503, content={"status": "down", "redis": redis_trouble(exc)}
        )
    shown = sorted(
        (
            {
                "hostname": w.get("hostname"),
                "queues": w.get("queues", []),
                "concurrency": w.get("concurrency"),
                "active": w.get("active", len(w.get("held", []))),
                "heartbeat_age_seconds": round(max(0.0, now - float(w.get("at", now))), 1),
            }
            for w in workers
        ),
        key=lambda w: str(w["hostname"]),
    )
    queues = {
        q: {
            "waiting": waiting[q],
            "running": running.get(q, 0),
            "consumers": sum(1 for w in shown if q in w["queues"]),
        }
        for q in QUEUES
    }
    idle_ok = set(state.settings.scale_to_zero_queues)
    missing = [
        q
        for q, row in queues.items()
        if row["consumers"] == 0 and (q not in idle_ok or row["waiting"] > 0)
    ]
    report: dict[str, Any] = {"status": "ok" if not missing else "unhealthy"}
    if missing:
        report["queues_without_consumer"] = missing
    report.update({"workers": shown, "queues": queues})
    return JSONResponse(status_code=503 if missing else 200, content=report)


@router.get("/scaling", responses=DOWN)
def scaling(state: State) -> JSONResponse:
    """Work per queue, for KEDA: waiting messages plus those a worker has taken and not yet
    acknowledged (acks_late: running, or about to). Scaling on the sum never removes a
    replica below the work in hand; read from the broker, it cannot stick after a kill."""
    with untraced():
        return scaling_report(state)


def scaling_report(state: GatewayState) -> JSONResponse:
    try:
        waiting, running = queue_load(state)
    except redis.RedisError as exc:
        state.breaker.trip_if_unreachable(exc)
        # An error, never a zero: the autoscaler then holds its replicas rather than shrink.
        return JSONResponse(status_code=503, content={"broker": redis_trouble(exc)})
    return JSONResponse(
        content={
            "queues": {
                queue: {
                    "waiting": count,
                    "running": running.get(queue, 0),
                    "work": count + running.get(queue, 0),
                }
                for queue, count in waiting.items()
            }
        }
    )


def queue_load(state: GatewayState) -> tuple[dict[str, int], dict[str, int]]:
    """Messages waiting per queue, and those taken and not yet acknowledged (running)."""
    running = in_flight_by_queue(state.broker)
    return {q: int(state.broker.llen(q)) for q in QUEUES}, running


def broker_report(state: GatewayState) -> dict[str, Any]:
    """Queue depths and running work; in degraded mode an unreachable broker is reported,
    not raised, since the gateway still takes stories."""
    side = state.broker_breaker
    if side is not None and side.is_open:
        return {
            "broker": "unreachable: new stories run in the gateway (degraded mode)",
            "queues": {},
            "in_flight": {},
        }
    try:
        waiting, running = queue_load(state)
        return {
            "broker": "ok",
            "queues": waiting,
            "in_flight": {q: running.get(q, 0) for q in QUEUES},
        }
    except redis.RedisError as exc:
        if side is None:
            raise
        side.trip_if_unreachable(exc)
        return {"broker": redis_trouble(exc), "queues": {}, "in_flight": {}}


def stale_janitor_tasks(runs: dict[str, float], settings: Settings, now: float) -> dict[str, int]:
    """Scheduled tasks whose last run is older than three of their intervals: a janitor may
    answer its probes while nothing schedules its work."""
    intervals = {
        TASK_SWEEP_STUCK: settings.janitor_sweep_seconds,
        TASK_EXPIRE_OLD: settings.janitor_expire_seconds,
    }
    stale: dict[str, int] = {}
    for task, interval in intervals.items():
        last = runs.get(f"{task}:last")
        if last is not None and now - last > 3 * interval:
            stale[task] = round(now - last)
    return stale
