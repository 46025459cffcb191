"""Write codestory's Grafana dashboards into charts/codestory/dashboards/.

Panels are data here, so every query sits in one readable list; the JSON files are the
output (committed, provisioned by the chart, importable by hand). A test checks the files
match this script and that every metric they query is one the services export.

Usage: python scripts/build_dashboards.py [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "charts" / "codestory" / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}

Panel = tuple[str, str, list[tuple[str, str]], str]  # title, unit, [(expr, legend)], help

# Every query is scoped to the chosen namespace and jobs: one Prometheus often watches
# several releases, and a panel must never add another release's workers to this one's.
# The broker's view (queues, DLQ, stories, Redis) is exported alike by every janitor, and
# the chart runs two: those panels take the `max` of the janitors, never their sum.
SCOPE = 'namespace="$namespace", job=~"$job"'
_SELECTOR = re.compile(r"\b((?:celery|codestory)_[a-z_]+)(\{([^}]*)\})?")


def scoped(expr: str) -> str:
    def add(match: re.Match[str]) -> str:
        inner = match.group(3)
        return f"{match.group(1)}{{{SCOPE}{', ' + inner if inner else ''}}}"

    return _SELECTOR.sub(add, expr)


SCOPE_VARIABLES = [
    {
        "name": "namespace",
        "label": "Namespace",
        "type": "query",
        "datasource": DATASOURCE,
        "query": "label_values(celery_worker_up, namespace)",
        "refresh": 2,
        "includeAll": False,
    },
    {
        "name": "job",
        "label": "Job",
        "type": "query",
        "datasource": DATASOURCE,
        "query": 'label_values(up{namespace="$namespace"}, job)',
        "refresh": 2,
        "includeAll": True,
        "multi": True,
        "allValue": ".*",
        "current": {"text": "All", "value": "$__all"},
    },
]


def panel(index: int, spec: Panel, width: int = 12) -> dict[str, Any]:
    title, unit, queries, description = spec
    per_row = 24 // width
    return {
        "id": index + 1,
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "gridPos": {
            "h": 8,
            "w": width,
            "x": (index % per_row) * width,
            "y": (index // per_row) * 8,
        },
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "bottom"}},
        "targets": [
            {
                "expr": scoped(expr),
                "legendFormat": legend,
                "refId": chr(ord("A") + n),
                "datasource": DATASOURCE,
            }
            for n, (expr, legend) in enumerate(queries)
        ],
    }


def dashboard(
    uid: str, title: str, panels: list[Panel], variables: list[dict[str, Any]]
) -> dict[str, Any]:
    datasource_variable = {
        "name": "datasource",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
    }
    return {
        "uid": uid,
        "title": title,
        "tags": ["codestory"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [datasource_variable, *SCOPE_VARIABLES, *variables]},
        "panels": [panel(i, spec) for i, spec in enumerate(panels)],
    }


def quantiles(metric: str, by: str, window: str = "5m") -> list[tuple[str, str]]:
    return [
        (
            f"histogram_quantile({q}, sum by ({by}, le) (rate({metric}_bucket[{window}])))",
            f"p{int(q * 100)} {{{{{by}}}}}",
        )
        for q in (0.5, 0.95, 0.99)
    ]


OVERVIEW: list[Panel] = [
    (
        "Stories submitted and finished",
        "ops",
        [
            ("sum(rate(codestory_stories_submitted_total[5m]))", "submitted"),
            ("sum by (status) (rate(codestory_stories_finished_total[5m]))", "{{status}}"),
        ],
        "Stories per second accepted by the gateway, and reaching complete or failed.",
    ),
    (
        "Story success rate",
        "percentunit",
        [
            (
                'sum(rate(codestory_stories_finished_total{status="complete"}[15m]))'
                " / sum(rate(codestory_stories_finished_total[15m]))",
                "success",
            ),
        ],
        "Share of finished stories that completed. The failure alert fires under 95%.",
    ),
    (
        "Task throughput",
        "ops",
        [
            ("sum by (name) (rate(celery_task_succeeded_total[5m]))", "{{name}} ok"),
            ("sum by (name) (rate(celery_task_failed_total[5m]))", "{{name}} crashed"),
            ("sum by (name) (rate(celery_task_retried_total[5m]))", "{{name}} retried"),
        ],
        "Tasks finishing per second, by task.",
    ),
    (
        "Queue depth",
        "short",
        [
            ("max by (queue_name) (celery_queue_length)", "{{queue_name}}"),
        ],
        "Messages waiting per queue: what KEDA scales on.",
    ),
    (
        "Queue wait (p95)",
        "s",
        [
            (
                "histogram_quantile(0.95, sum by (queue_name, le)"
                " (rate(codestory_task_queue_wait_seconds_bucket[5m])))",
                "{{queue_name}}",
            ),
        ],
        "Time from publish to start: how long users wait before work begins.",
    ),
    (
        "Task runtime",
        "s",
        quantiles("celery_task_runtime", "name"),
        "p50/p95/p99 run time per task; the hard limits are 300 s (story) and up to 1800 s (audio).",
    ),
    (
        "In flight",
        "short",
        [
            ("sum by (queue) (codestory_tasks_in_flight)", "{{queue}}"),
        ],
        "Tasks running now per queue; KEDA counts these so scale-in spares running work.",
    ),
    (
        "Worker replicas",
        "short",
        [
            (
                'count by (pool) (label_replace(celery_worker_up == 1, "pool", "$1", "hostname", "(.*)@.*"))',
                "{{pool}}",
            ),
        ],
        "Live workers per pool (from each worker's own celery_worker_up).",
    ),
    (
        "Stage duration (p95)",
        "s",
        [
            (
                "histogram_quantile(0.95, sum by (stage, le)"
                " (rate(codestory_stage_duration_seconds_bucket[15m])))",
                "{{stage}}",
            ),
        ],
        "Where a story's time goes: fetch, analyse, narrate, speak, encode, upload.",
    ),
    (
        "Failures by type",
        "ops",
        [
            (
                'sum by (error_type) (rate(codestory_stories_finished_total{status="failed"}[15m]))',
                "{{error_type}}",
            ),
        ],
        "Why stories fail; see docs/runbooks.md for what each type means.",
    ),
    (
        "DLQ and stuck stories",
        "short",
        [
            ("max(codestory_dlq_size)", "DLQ size"),
            ("sum(increase(codestory_stuck_stories_found_total[1h]))", "stuck found (1h)"),
        ],
        "Failed tasks kept for inspection, and stories the janitor had to rescue.",
    ),
    (
        "Gateway requests",
        "reqps",
        [
            ("sum by (status) (rate(codestory_http_requests_total[5m]))", "{{status}}"),
        ],
        "Requests per second by HTTP status; 503s mean Redis is unreachable.",
    ),
    (
        "Gateway latency (p95)",
        "s",
        [
            (
                "histogram_quantile(0.95, sum by (route, le)"
                " (rate(codestory_http_request_duration_seconds_bucket[5m])))",
                "{{route}}",
            ),
        ],
        "Time to first byte per route (event streams count until they start).",
    ),
    (
        "Progress streams",
        "short",
        [
            ("sum(codestory_sse_clients)", "open streams"),
        ],
        "Clients following a story over SSE or WebSocket.",
    ),
]

QUEUE_VARIABLE = {
    "name": "queue",
    "label": "Queue",
    "type": "query",
    "datasource": DATASOURCE,
    "query": f"label_values(celery_queue_length{{{SCOPE}}}, queue_name)",
    "refresh": 2,
    "includeAll": False,
}
QUEUES: list[Panel] = [
    (
        "Waiting",
        "short",
        [('max(celery_queue_length{queue_name="$queue"})', "waiting")],
        "Messages waiting in the queue.",
    ),
    (
        "Oldest message age",
        "s",
        [
            (
                'max(codestory_queue_oldest_message_age_seconds{queue_name="$queue"})',
                "oldest",
            ),
        ],
        "How long the next message to be taken has waited.",
    ),
    (
        "In flight and unacknowledged",
        "short",
        [
            ('sum(codestory_tasks_in_flight{queue="$queue"})', "running (workers)"),
            ('max(codestory_tasks_unacked{queue_name="$queue"})', "unacked (broker)"),
        ],
        "Running tasks as workers count them, and as the broker sees them.",
    ),
    (
        "Wait time",
        "s",
        [
            (
                expr.replace(
                    "rate(codestory_task_queue_wait_seconds_bucket[5m])",
                    'rate(codestory_task_queue_wait_seconds_bucket{queue_name="$queue"}[5m])',
                ),
                legend,
            )
            for expr, legend in quantiles("codestory_task_queue_wait_seconds", "queue_name")
        ],
        "p50/p95/p99 time from publish to start.",
    ),
    (
        "Runtime",
        "s",
        [
            (
                expr.replace(
                    "rate(celery_task_runtime_bucket[5m])",
                    'rate(celery_task_runtime_bucket{queue_name="$queue"}[5m])',
                ),
                legend,
            )
            for expr, legend in quantiles("celery_task_runtime", "name")
        ],
        "p50/p95/p99 run time of the tasks on this queue.",
    ),
    (
        "Outcomes",
        "ops",
        [
            (
                'sum by (name) (rate(celery_task_succeeded_total{queue_name="$queue"}[5m]))',
                "{{name}} ok",
            ),
            (
                'sum by (name) (rate(celery_task_failed_total{queue_name="$queue"}[5m]))',
                "{{name}} crashed",
            ),
            (
                'sum by (name) (rate(celery_task_rejected_total{queue_name="$queue"}[5m]))',
                "{{name}} requeued",
            ),
        ],
        "Successes, crashes and redeliveries (a worker lost mid-task).",
    ),
]

REDIS: list[Panel] = [
    (
        "Memory",
        "bytes",
        [
            ("max(codestory_redis_memory_used_bytes)", "used"),
            ("max(codestory_redis_maxmemory_bytes)", "maxmemory"),
        ],
        "Used memory against maxmemory; the alert fires at 80%.",
    ),
    (
        "Memory used / maxmemory",
        "percentunit",
        [
            (
                "max(codestory_redis_memory_used_bytes)"
                " / (max(codestory_redis_maxmemory_bytes) > 0)",
                "ratio",
            ),
        ],
        "Empty when no maxmemory is set.",
    ),
    (
        "Clients",
        "short",
        [("max(codestory_redis_connected_clients)", "connected")],
        "Connections from gateways, workers, janitors and KEDA.",
    ),
    (
        "Reachable",
        "short",
        [("max(codestory_broker_up)", "broker up")],
        "1 when a janitor can read Redis.",
    ),
    (
        "Unfinished stories",
        "short",
        [("max by (status) (codestory_stories)", "{{status}}")],
        "Stories in each running status.",
    ),
    (
        "Dead letters",
        "short",
        [("max(codestory_dlq_size)", "DLQ")],
        "Failed tasks kept for inspection.",
    ),
]

DASHBOARDS = {
    "codestory-overview": dashboard("codestory-overview", "codestory / Overview", OVERVIEW, []),
    "codestory-queues": dashboard(
        "codestory-queues", "codestory / Queues", QUEUES, [QUEUE_VARIABLE]
    ),
    "codestory-redis": dashboard("codestory-redis", "codestory / Redis", REDIS, []),
}


def render(board: dict[str, Any]) -> str:
    return json.dumps(board, indent=2, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    args = parser.parse_args()
    stale = []
    for name, board in DASHBOARDS.items():
        path = OUT / f"{name}.json"
        if args.check:
            if not path.exists() or path.read_text() != render(board):
                stale.append(path.name)
        else:
            path.write_text(render(board))
    if stale:
        print(f"stale dashboards: {', '.join(stale)}; run python scripts/build_dashboards.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
