from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.promql import ROOT, dashboard_exprs, metric_names, rule_exprs


def test_metric_names_are_extracted_from_promql() -> None:
    assert metric_names(
        'histogram_quantile(0.95, sum by (queue_name, le) (rate(codestory_task_queue_wait_seconds_bucket{queue_name="$queue"}[5m])))'
    ) == {"codestory_task_queue_wait_seconds_bucket"}
    assert metric_names(
        'count by (pool) (label_replace(celery_worker_up == 1, "pool", "$1", "hostname", "(.*)@.*"))'
    ) == {"celery_worker_up"}
    assert metric_names("a_total / on(x) group_left b > 0.05 and absent(c)") == {
        "a_total",
        "b",
        "c",
    }


def test_dashboards_match_their_generator() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_dashboards.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_dashboards_cover_what_operators_need() -> None:
    boards = {
        path.stem: json.loads(path.read_text())
        for path in (ROOT / "charts" / "codestory" / "dashboards").glob("*.json")
    }
    assert set(boards) == {"codestory-overview", "codestory-queues", "codestory-redis"}
    titles = {panel["title"] for panel in boards["codestory-overview"]["panels"]}
    for needed in (
        "Task throughput",
        "Story success rate",
        "Queue depth",
        "Queue wait (p95)",
        "Task runtime",
        "In flight",
        "Worker replicas",
    ):
        assert needed in titles
    for board in boards.values():
        assert board["uid"] and board["templating"]["list"][0]["type"] == "datasource"
        for panel in board["panels"]:
            assert panel["description"] and panel["targets"]
            assert all(t["datasource"]["uid"] == "${datasource}" for t in panel["targets"])


def test_every_panel_and_alert_names_some_metric() -> None:
    for where, expr in {**dashboard_exprs(), **rule_exprs()}.items():
        assert metric_names(expr), f"{where}: no metric in {expr!r}"


def test_operations_doc_explains_every_panel_and_alert() -> None:
    text = (Path(ROOT) / "docs" / "operations.md").read_text()
    for path in (ROOT / "charts" / "codestory" / "dashboards").glob("*.json"):
        for panel in json.loads(path.read_text())["panels"]:
            assert panel["title"] in text, f"docs/operations.md does not explain {panel['title']!r}"
    for name in rule_exprs():
        assert name.removeprefix("alert ") in text


def test_every_dashboard_query_is_scoped_to_the_chosen_namespace_and_jobs() -> None:
    """One Prometheus often watches several releases: no panel may mix in another's."""
    for where, expr in dashboard_exprs().items():
        if where.endswith(("$namespace", "$job")):
            continue  # the variables that offer the choice
        for name in re.findall(r"\b(?:celery|codestory)_[a-z_]+", expr):
            selector = expr.split(name, 1)[1]
            assert selector.startswith('{namespace="$namespace", job=~"$job"'), (where, name)
    for path in (ROOT / "charts" / "codestory" / "dashboards").glob("*.json"):
        names = [v["name"] for v in json.loads(path.read_text())["templating"]["list"]]
        assert names[:3] == ["datasource", "namespace", "job"], path.name
