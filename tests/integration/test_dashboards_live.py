"""Every dashboard panel shows data on a healthy stack, asked of a real Prometheus.

A Prometheus server (Debian's package, on loopback) scrapes the four services of a live
stack, labelled with a namespace and a job each the way a ServiceMonitor would. After one
story, every panel's query (with the dashboard's variables filled in the way Grafana fills
them) and every variable's own query must return at least one series: "No data" on a
healthy stack hides the one panel an operator needs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.prometheus_server import running_prometheus
from tests.support import SAMPLE_PROJECT, Stack, make_repo, running_stack, wait_for

pytestmark = pytest.mark.integration

DASHBOARDS = Path(__file__).resolve().parents[2] / "charts" / "codestory" / "dashboards"
NAMESPACE = "codestory"
SERVICES = ("gateway", "story", "audio", "janitor")
# The queue a queue-dashboard user picks: the story queue has seen work after one story.
QUEUE = "stories"


@pytest.fixture(scope="module")
def prometheus(
    redis_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, str]]:
    tmp = tmp_path_factory.mktemp("prometheus")
    # A Redis with a memory limit, as the chart's Valkey has: the memory ratio panel needs one.
    broker = redis.Redis.from_url(redis_server_url)
    limit = broker.config_get("maxmemory")["maxmemory"]
    broker.config_set("maxmemory", str(2 << 30))
    request_restore = lambda: broker.config_set("maxmemory", limit)  # noqa: E731
    try:
        with running_stack(
            redis_server_url, tmp, SERVICES, CODESTORY_JANITOR_SWEEP_SECONDS="1"
        ) as stack:
            config = {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "scrape_configs": [
                    {
                        "job_name": f"cs-codestory-{name}",
                        "static_configs": [
                            {
                                "targets": [f"127.0.0.1:{port}"],
                                "labels": {"namespace": NAMESPACE},
                            }
                        ],
                    }
                    for name, port in stack.metrics_ports.items()
                ],
            }
            with running_prometheus(tmp, config) as url:
                story = stack.submit(make_repo(tmp / "tally", SAMPLE_PROJECT))
                stack.wait_status(story, {"complete"})
                # rate() needs two samples after the work: a few scrapes.
                wait_for(
                    lambda: query(url, "sum(celery_task_runtime_count)") >= 2,
                    30,
                    "the story's tasks scraped",
                )
                # rate() needs two samples in its window: a few more scrapes of every target.
                wait_for(
                    lambda: query(url, "min(count_over_time(up[5m]))") >= 5,
                    30,
                    "a few scrapes of every target",
                )
                yield stack, url
    finally:
        request_restore()


def query(url: str, expr: str) -> float:
    result = instant(url, expr)
    return sum(float(r["value"][1]) for r in result) if result else 0.0


def instant(url: str, expr: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{url}/api/v1/query", params={"query": expr}, timeout=10)
    body = response.json()
    assert body["status"] == "success", (expr, body)
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def filled(expr: str) -> str:
    """The variables as Grafana fills them: one namespace, every job, one queue."""
    return (
        expr.replace("$namespace", NAMESPACE)
        .replace('job=~"$job"', 'job=~".*"')
        .replace("$queue", QUEUE)
    )


def panels() -> list[tuple[str, str]]:
    found = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for target in panel["targets"]:
                found.append((f"{path.stem} / {panel['title']}", target["expr"]))
    return found


def variables() -> list[tuple[str, str]]:
    found = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        for variable in json.loads(path.read_text())["templating"]["list"]:
            if variable["type"] == "query":
                found.append((f"{path.stem} / ${variable['name']}", variable["query"]))
    return found


def test_every_panel_has_data_on_a_healthy_stack(prometheus: tuple[Stack, str]) -> None:
    _, url = prometheus
    empty = [(where, expr) for where, expr in panels() if not instant(url, filled(expr))]
    assert empty == [], "panels that would show No data:\n" + "\n".join(
        f"{where}: {expr}" for where, expr in empty
    )


def test_every_dashboard_variable_offers_a_choice(prometheus: tuple[Stack, str]) -> None:
    _, url = prometheus
    label_values = re.compile(r"^label_values\((.+), (\w+)\)$")
    for where, definition in variables():
        match = label_values.match(definition)
        assert match, (where, definition)
        selector, label = filled(match.group(1)), match.group(2)
        response = httpx.get(
            f"{url}/api/v1/label/{label}/values", params={"match[]": selector}, timeout=10
        )
        values = response.json()["data"]
        assert values, f"{where}: {definition} offers nothing"
        if label == "namespace":
            assert values == [NAMESPACE]
        if label == "queue_name":
            assert QUEUE in values
