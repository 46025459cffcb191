"""What `kubectl codestory` decides. Pure: cluster facts in, actions and text out.

Like the rest of the plugin, it runs on Python 3.9 and later (the krew archive runs on
whatever `python3` a workstation has: 3.9 on macOS, 3.10 on Ubuntu 22.04).
"""

from dataclasses import dataclass
from enum import Enum
from typing import Optional

PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas"
POOLS = {"story": "stories", "audio": "audio", "janitor": "maintenance"}


class _Named(str, Enum):
    """An enum whose members print as their value (enum.StrEnum is 3.11 and later)."""

    def __str__(self) -> str:
        return str(self.value)


class Manager(_Named):
    KEDA = "keda"
    HPA = "hpa"
    NONE = "none"


@dataclass(frozen=True)
class PoolFacts:
    pool: str
    deployment: str
    desired: int
    ready: int
    manager: Manager
    paused_at: Optional[int] = None  # KEDA's paused-replicas, when set
    queue_depth: Optional[int] = None
    in_flight: Optional[int] = None
    consumers: Optional[int] = None  # workers seen by heartbeat on the pool's queue


class ActionKind(_Named):
    PAUSE_KEDA = "pause-keda"  # annotate the ScaledObject: KEDA holds the count there
    UNPAUSE_KEDA = "unpause-keda"
    SCALE = "scale"  # set the Deployment's replicas
    NOTHING = "nothing"


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    target: str
    replicas: Optional[int]
    message: str


class PlanError(ValueError):
    """A request that cannot be carried out; the message says why."""


def pool_selector(release: str, pool: str) -> str:
    """Labels the chart puts on a pool's Deployment and ScaledObject."""
    return f"app.kubernetes.io/instance={release},app.kubernetes.io/component={pool}-worker"


def gateway_selector(release: str) -> str:
    return f"app.kubernetes.io/instance={release},app.kubernetes.io/component=gateway"


def check_pool(pool: str) -> str:
    if pool not in POOLS:
        raise PlanError(f"unknown pool {pool!r}; choose from {', '.join(POOLS)}")
    return pool


def plan_scale(facts: PoolFacts, replicas: int) -> Action:
    """Scale a pool so its autoscaler does not undo it."""
    if replicas < 0:
        raise PlanError("replicas must be zero or more")
    if facts.manager is Manager.KEDA:
        return Action(
            ActionKind.PAUSE_KEDA,
            facts.deployment,
            replicas,
            f"{facts.pool}: KEDA paused at {replicas} replica(s); "
            f"`kubectl codestory resume {facts.pool}` hands control back",
        )
    if facts.manager is Manager.HPA:
        raise PlanError(
            f"{facts.pool} is scaled by a HorizontalPodAutoscaler, which would undo a manual "
            "scale; change its minReplicas/maxReplicas in the chart values instead"
        )
    return Action(
        ActionKind.SCALE,
        facts.deployment,
        replicas,
        f"{facts.pool}: {facts.deployment} scaled from {facts.desired} to {replicas}",
    )


def plan_resume(facts: PoolFacts) -> Action:
    if facts.manager is not Manager.KEDA:
        raise PlanError(f"{facts.pool} is not autoscaled by KEDA; there is nothing to resume")
    if facts.paused_at is None:
        return Action(
            ActionKind.NOTHING, facts.deployment, None, f"{facts.pool}: KEDA is not paused"
        )
    return Action(
        ActionKind.UNPAUSE_KEDA,
        facts.deployment,
        None,
        f"{facts.pool}: KEDA autoscaling resumed (was paused at {facts.paused_at})",
    )


def paused_replicas(annotations: Optional[dict[str, str]]) -> Optional[int]:
    value = (annotations or {}).get(PAUSED_REPLICAS)
    return int(value) if value is not None and value.isdigit() else None


def _cell(value: Optional[int]) -> str:
    return "-" if value is None else str(value)


def status_table(pools: list[PoolFacts], dlq_size: Optional[int]) -> str:
    headers = ("POOL", "QUEUE", "WAITING", "IN-FLIGHT", "CONSUMERS", "REPLICAS", "AUTOSCALING")
    rows = []
    for facts in pools:
        scaling = str(facts.manager)
        if facts.paused_at is not None:
            scaling += f" (paused at {facts.paused_at})"
        rows.append(
            (
                facts.pool,
                POOLS[facts.pool],
                _cell(facts.queue_depth),
                _cell(facts.in_flight),
                _cell(facts.consumers),
                f"{facts.ready}/{facts.desired}",
                scaling,
            )
        )
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [headers, *rows]
    ]
    lines.append(f"DLQ: {_cell(dlq_size)} failed task(s)")
    return "\n".join(lines)
