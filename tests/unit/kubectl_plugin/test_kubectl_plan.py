from __future__ import annotations

import pytest

from codestory.core.queues import SERVICE_QUEUES
from codestory.kubectl_plugin.cli import build_parser
from codestory.kubectl_plugin.plan import (
    PAUSED_REPLICAS,
    ActionKind,
    Manager,
    PlanError,
    PoolFacts,
    check_pool,
    paused_replicas,
    plan_resume,
    plan_scale,
    status_table,
)


def facts(manager: Manager, paused: int | None = None, **extra: int | None) -> PoolFacts:
    return PoolFacts("story", "cs-codestory-story-worker", 2, 1, manager, paused, **extra)


def test_keda_pools_are_paused_at_the_count_not_scaled_directly() -> None:
    action = plan_scale(facts(Manager.KEDA), 5)
    assert (action.kind, action.target, action.replicas) == (
        ActionKind.PAUSE_KEDA,
        "cs-codestory-story-worker",
        5,
    )
    assert "resume story" in action.message


def test_plain_pools_are_scaled_and_hpa_pools_refused() -> None:
    action = plan_scale(facts(Manager.NONE), 0)
    assert (action.kind, action.replicas) == (ActionKind.SCALE, 0)
    assert action.message == "story: cs-codestory-story-worker scaled from 2 to 0"
    with pytest.raises(PlanError, match="HorizontalPodAutoscaler"):
        plan_scale(facts(Manager.HPA), 3)
    with pytest.raises(PlanError, match="zero or more"):
        plan_scale(facts(Manager.NONE), -1)


def test_resume() -> None:
    assert plan_resume(facts(Manager.KEDA, paused=3)).kind is ActionKind.UNPAUSE_KEDA
    assert plan_resume(facts(Manager.KEDA)).kind is ActionKind.NOTHING
    with pytest.raises(PlanError, match="not autoscaled by KEDA"):
        plan_resume(facts(Manager.NONE))


def test_paused_annotation_and_pools() -> None:
    assert paused_replicas({PAUSED_REPLICAS: "4"}) == 4
    assert paused_replicas({PAUSED_REPLICAS: "x"}) is None
    assert paused_replicas(None) is None
    assert check_pool("audio") == "audio"
    with pytest.raises(PlanError, match="unknown pool 'video'"):
        check_pool("video")


def test_pools_match_the_celery_queues() -> None:
    from codestory.kubectl_plugin.plan import POOLS

    assert POOLS == SERVICE_QUEUES


def test_status_table() -> None:
    table = status_table(
        [
            facts(Manager.KEDA, paused=3, queue_depth=7, in_flight=2, consumers=1),
            PoolFacts("audio", "a", 0, 0, Manager.KEDA),
        ],
        dlq_size=4,
    )
    lines = table.splitlines()
    assert lines[0].split() == [
        "POOL", "QUEUE", "WAITING", "IN-FLIGHT", "CONSUMERS", "REPLICAS", "AUTOSCALING"
    ]  # fmt: skip
    assert lines[1].split() == [
        "story", "stories", "7", "2", "1", "1/2", "keda", "(paused", "at", "3)"
    ]  # fmt: skip
    assert lines[2].split() == ["audio", "audio", "-", "-", "-", "0/0", "keda"]
    assert lines[-1] == "DLQ: 4 failed task(s)"


def test_parser_rejects_unknown_pools() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["scale", "video", "3"])
    args = build_parser().parse_args(["-n", "prod", "scale", "audio", "0"])
    assert (args.namespace, args.pool, args.replicas) == ("prod", "audio", 0)
