"""Every service's /metrics after one story completes and one fails on purpose."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support import (
    ADMIN,
    SAMPLE_PROJECT,
    Stack,
    fresh_stack,
    make_repo,
    scrape,
    value,
    wait_for,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def finished(
    redis_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, str, str]]:
    tmp = tmp_path_factory.mktemp("metrics")
    stack = fresh_stack(redis_server_url, tmp, CODESTORY_JANITOR_SWEEP_SECONDS="1")
    stack.start("gateway", "story", "audio", "janitor")
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        good = make_repo(tmp / "tally", SAMPLE_PROJECT)
        empty = make_repo(tmp / "empty", {})
        ok = stack.submit(good)
        bad = stack.submit(empty)
        stack.wait_status(ok, {"complete"})
        stack.wait_status(bad, {"failed"})
        # A story's status is written inside its task; Celery's success and postrun
        # signals (which count and time it) fire a moment later.
        wait_for(
            lambda: (
                value(scrape(stack.metrics_ports["story"]), "celery_task_runtime_count") == 2
                and value(scrape(stack.metrics_ports["audio"]), "celery_task_runtime_count") == 1
            ),
            30,
            "the workers to finish counting",
        )
        yield stack, ok, bad
    finally:
        stack.stop()


def test_gateway_metrics(finished: tuple[Stack, str, str]) -> None:
    stack, _, _ = finished
    samples = scrape(stack.metrics_ports["gateway"])
    assert value(samples, "codestory_stories_submitted_total") == 2
    assert (
        value(
            samples,
            "codestory_http_requests_total",
            route="/api/v1/stories",
            method="POST",
            status="202",
        )
        == 2
    )
    assert (
        value(
            samples,
            "codestory_http_requests_total",
            route="/api/v1/stories/{story_id}",
            method="GET",
            status="200",
        )
        >= 2
    )
    assert (
        value(
            samples,
            "codestory_http_request_duration_seconds_count",
            route="/api/v1/stories",
            method="POST",
        )
        == 2
    )
    assert value(samples, "codestory_sse_clients") == 0


def test_story_worker_metrics(finished: tuple[Stack, str, str]) -> None:
    stack, _, _ = finished
    samples = scrape(stack.metrics_ports["story"])
    task = {"name": "codestory.story.generate", "queue_name": "stories"}
    assert value(samples, "celery_task_received_total", **task) == 2
    assert value(samples, "celery_task_started_total", **task) == 2
    # A bad repository is the task doing its job: the story fails, the task does not.
    assert value(samples, "celery_task_succeeded_total", **task) == 2
    assert value(samples, "celery_task_runtime_count", **task) == 2
    assert value(samples, "celery_task_runtime_bucket", le="1800.0", **task) == 2
    assert value(samples, "codestory_task_queue_wait_seconds_count", **task) == 2
    assert value(samples, "codestory_tasks_in_flight", queue="stories") == 0
    assert value(samples, "codestory_stage_duration_seconds_count", stage="fetch") == 2
    assert value(samples, "codestory_stage_duration_seconds_count", stage="narrate") == 1
    assert (
        value(samples, "codestory_stories_finished_total", status="failed", error_type="no_source")
        == 1
    )
    assert value(samples, "celery_worker_up") == 1
    heartbeat = value(samples, "codestory_worker_last_heartbeat_timestamp_seconds")
    assert time.time() - heartbeat < 30


def test_audio_worker_metrics(finished: tuple[Stack, str, str]) -> None:
    stack, _, _ = finished
    samples = scrape(stack.metrics_ports["audio"])
    task = {"name": "codestory.audio.synthesize", "queue_name": "audio"}
    assert value(samples, "celery_task_succeeded_total", **task) == 1
    for stage in ("speak", "encode", "upload"):
        assert value(samples, "codestory_stage_duration_seconds_count", stage=stage) == 1
    assert value(samples, "codestory_stories_finished_total", status="complete") == 1
    assert value(samples, "celery_worker_tasks_active") == 0


def test_janitor_exports_the_brokers_view(finished: tuple[Stack, str, str]) -> None:
    stack, _, _ = finished
    wait_for(
        lambda: (
            value(
                scrape(stack.metrics_ports["janitor"]),
                "celery_task_succeeded_total",
                name="codestory.janitor.sweep_stuck",
            )
            >= 1
        ),
        30,
        "a sweep",
    )
    samples = scrape(stack.metrics_ports["janitor"])
    assert value(samples, "codestory_broker_up") == 1
    for queue in ("stories", "audio", "maintenance"):
        assert ("celery_queue_length", frozenset({("queue_name", queue)})) in samples
    assert value(samples, "celery_queue_length", queue_name="stories") == 0
    assert value(samples, "codestory_dlq_size") == 1
    assert value(samples, "codestory_stories", status="queued") == 0
    assert value(samples, "codestory_redis_memory_used_bytes") > 0
    assert value(samples, "codestory_redis_connected_clients") >= 1
    last_sweep = value(
        samples,
        "codestory_janitor_last_run_timestamp_seconds",
        task="codestory.janitor.sweep_stuck",
    )
    assert 0 < time.time() - last_sweep < 60  # the alert on this age stays quiet
    # the publish hook counts what the gateway and story-worker sent, per process
    gateway = scrape(stack.metrics_ports["gateway"])
    assert (
        value(
            gateway, "celery_task_sent_total", name="codestory.story.generate", queue_name="stories"
        )
        == 2
    )


def test_queue_age_and_length_while_work_waits(
    finished: tuple[Stack, str, str], tmp_path: Path
) -> None:
    stack, _, _ = finished
    stack.services["story"].stop()  # nobody consumes stories now
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack.http.post("/api/v1/stories", json={"repository_url": str(repo)}, headers=ADMIN)
    time.sleep(1.5)
    samples = scrape(stack.metrics_ports["janitor"])
    assert value(samples, "celery_queue_length", queue_name="stories") == 1
    assert value(samples, "codestory_queue_oldest_message_age_seconds", queue_name="stories") >= 1
    assert value(samples, "codestory_stories", status="queued") == 1


def exported_names(stack: Stack) -> set[str]:
    """Every sample name the running services expose, from their own /metrics."""
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "gauge": ("",),
        "summary": ("_count", "_sum", "_created"),
        "untyped": ("",),
    }
    names: set[str] = set()
    for name, port in stack.metrics_ports.items():
        process = stack.services[name].process
        if process is None or process.poll() is not None:
            continue  # stopped on purpose by an earlier test
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        for family in text_string_to_metric_families(text):
            names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
            names |= {sample.name for sample in family.samples}
    return names


def test_every_dashboard_alert_and_keda_query_uses_exported_metrics(
    finished: tuple[Stack, str, str],
) -> None:
    from tests.promql import dashboard_exprs, metric_names, rule_exprs

    stack, _, _ = finished
    exported = exported_names(stack)
    queries = {**dashboard_exprs(), **rule_exprs()}
    # Series Prometheus writes itself for every target, not exported by anyone.
    exported |= {"up", "scrape_duration_seconds"}
    missing = {
        where: sorted(metric_names(expr) - exported)
        for where, expr in queries.items()
        if metric_names(expr) - exported
    }
    assert not missing, missing


def test_failure_counters_exist_at_zero_before_anything_happens(
    redis_server_url: str, tmp_path: Path
) -> None:
    """The first failure must be a change from 0, or rate() and the alerts never see it."""
    stack = fresh_stack(redis_server_url, tmp_path)
    stack.start("gateway", "story", "audio", "janitor")
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        expected = {
            "story": [
                (
                    "codestory_stories_finished_total",
                    {"status": "failed", "error_type": "internal"},
                ),
                ("codestory_tasks_lost_total", {"reason": "worker_lost"}),
                ("celery_task_rejected_total", {"name": "codestory.story.generate"}),
            ],
            "audio": [
                ("codestory_tasks_lost_total", {"reason": "time_limit"}),
                ("codestory_stories_finished_total", {"status": "complete"}),
            ],
            "janitor": [
                ("codestory_stuck_stories_found_total", {"status": "analyzing"}),
                ("codestory_stuck_stories_fixed_total", {"action": "fail"}),
            ],
            "gateway": [("codestory_gateway_degraded_stories_total", {"outcome": "refused"})],
        }
        for service, series in expected.items():
            samples = scrape(stack.metrics_ports[service])
            for name, labels in series:
                matching = [
                    v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= ls
                ]
                assert matching == [0.0] * len(matching) and matching, (service, name, labels)
    finally:
        stack.stop()
