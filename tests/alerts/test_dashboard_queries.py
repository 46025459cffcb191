"""The dashboards' broker panels through the real promtool: every janitor exports the same
broker gauges (the chart runs two), and a panel must read two janitors as one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from codestory.core.queues import QUEUES
from codestory.janitor.broker_metrics import BrokerCollector
from tests.promql import dashboard_exprs, metric_names

JANITOR = "cs-codestory-janitor-worker-"
QUEUE = "stories"


@pytest.fixture(scope="module")
def broker_series(redis_server_url: str) -> dict[str, list[dict[str, str]]]:
    """The broker gauges a live janitor exports: name -> the label sets of its samples."""
    client = redis.Redis.from_url(f"{redis_server_url}/0")
    found: dict[str, list[dict[str, str]]] = {}
    for family in BrokerCollector(client, client, QUEUES).collect():
        for sample in family.samples:
            found.setdefault(sample.name, []).append(dict(sample.labels))
    assert "celery_queue_length" in found and "codestory_redis_memory_used_bytes" in found
    return found


def selector(name: str, labels: dict[str, str]) -> str:
    return name + "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


def input_series(broker: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    """Namespace `one` runs one janitor, namespace `two` runs two; Redis holds the same."""
    series = []
    for namespace, janitors in (("one", "a"), ("two", "ab")):
        for janitor in janitors:
            target = {"namespace": namespace, "pod": JANITOR + janitor, "job": "janitors"}
            for name, label_sets in broker.items():
                for labels in label_sets:
                    # non-zero, so that a sum of two janitors shows as twice the value
                    series.append(
                        {"series": selector(name, {**labels, **target}), "values": "7x10"}
                    )
    return series


def in_namespace(expr: str, namespace: str) -> str:
    return expr.replace("$namespace", namespace).replace("$job", ".*").replace("$queue", QUEUE)


def broker_panels(broker: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    panels = {
        where: expr
        for where, expr in dashboard_exprs().items()
        if not where.endswith(("$namespace", "$job", "$queue"))
        and metric_names(expr) <= set(broker)
    }
    assert len(panels) >= 8, panels  # queue depth, age, unacked, DLQ, memory, clients...
    return panels


def cases(panels: dict[str, str]) -> list[dict[str, Any]]:
    """Per panel: it shows something, and shows the same with two janitors as with one."""
    found = []
    for expr in panels.values():
        one, two = in_namespace(expr, "one"), in_namespace(expr, "two")
        for check in (f"absent({one})", f"({two}) != ({one})", f"count({two}) != count({one})"):
            found.append({"expr": check, "eval_time": "5m", "exp_samples": []})
    return found


def test_broker_panels_read_two_janitors_as_one(
    broker_series: dict[str, list[dict[str, str]]], tmp_path: Path
) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: `make test` installs Debian's prometheus package"
    panels = broker_panels(broker_series)
    suite = {
        "rule_files": [],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": input_series(broker_series),
                "promql_expr_test": cases(panels),
            }
        ],
    }
    (tmp_path / "panels_test.yaml").write_text(yaml.safe_dump(suite, sort_keys=False))
    result = subprocess.run(
        [promtool, "test", "rules", "panels_test.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
