"""The alert rules on a real Prometheus (Debian's package, on loopback) scraping a live
stack: a worker that is stopped (SIGSTOP) or killed (SIGKILL) exports nothing at all, and
the rules still see it, through Prometheus's own `up` and the last heartbeat it scraped."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml

from tests.prometheus_server import running_prometheus
from tests.promql import rendered_rules
from tests.support import Stack, running_stack, wait_for

pytestmark = pytest.mark.integration

SERVICES = ("gateway", "story", "audio", "janitor")
# Named as the chart names the pods, in the namespace the rules are rendered for.
PODS = {
    "gateway": "cs-codestory-gateway-0",
    "story": "cs-codestory-story-worker-0",
    "audio": "cs-codestory-audio-worker-0",
    "janitor": "cs-codestory-janitor-worker-0",
}
WATCHED = ("CodestoryWorkerDown", "CodestoryWorkerFrozen")
STALE_SECONDS = 15


@pytest.fixture(scope="module")
def prometheus(
    redis_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, str]]:
    tmp = tmp_path_factory.mktemp("prometheus-alerts")
    # A heartbeat stale after 15 s (three of the workers' 5 s beats) rather than 120 s: the
    # rule is the same, only sooner.
    alerts = {"heartbeatStaleSeconds": STALE_SECONDS}
    rules = rendered_rules({"metrics": {"prometheusRule": {"alerts": alerts}}})
    (tmp / "rules.yaml").write_text(yaml.safe_dump(rules, sort_keys=False))
    with running_stack(
        redis_server_url, tmp, SERVICES, CODESTORY_JANITOR_SWEEP_SECONDS="1"
    ) as stack:
        config = {
            "global": {
                "scrape_interval": "1s",
                "scrape_timeout": "1s",
                "evaluation_interval": "1s",
            },
            "rule_files": [str(tmp / "rules.yaml")],
            "scrape_configs": [
                {
                    "job_name": f"cs-codestory-{name}",
                    "static_configs": [
                        {
                            "targets": [f"127.0.0.1:{port}"],
                            "labels": {"namespace": "codestory", "pod": PODS[name]},
                        }
                    ],
                }
                for name, port in stack.metrics_ports.items()
            ],
        }
        with running_prometheus(tmp, config) as url:
            wait_for(
                lambda: (
                    query(url, "count(up == 1)") == len(SERVICES)
                    and query(url, "count(codestory_worker_last_heartbeat_timestamp_seconds)") == 3
                    and query(url, "max(codestory_broker_up)") == 1
                ),
                60,
                "every service scraped, every worker heartbeating",
            )
            yield stack, url


def query(url: str, expr: str) -> float:
    body = httpx.get(f"{url}/api/v1/query", params={"query": expr}, timeout=10).json()
    assert body["status"] == "success", (expr, body)
    return sum(float(r["value"][1]) for r in body["data"]["result"])


def active(url: str) -> set[tuple[str, str]]:
    """(alert, pod) of every worker alert pending or firing now."""
    alerts: list[dict[str, Any]] = httpx.get(f"{url}/api/v1/alerts", timeout=10).json()["data"][
        "alerts"
    ]
    return {
        (a["labels"]["alertname"], a["labels"].get("pod", ""))
        for a in alerts
        if a["labels"]["alertname"] in WATCHED
    }


def rules_evaluated(url: str, rounds: int = 3) -> None:
    """Wait for a few evaluations of the rule group to have happened from now."""
    groups = httpx.get(f"{url}/api/v1/rules", timeout=10).json()["data"]["groups"]
    start = max(g["lastEvaluation"] for g in groups if g["name"] == "codestory.workers")
    seen = [start]

    def later() -> bool:
        groups = httpx.get(f"{url}/api/v1/rules", timeout=10).json()["data"]["groups"]
        now = max(g["lastEvaluation"] for g in groups if g["name"] == "codestory.workers")
        if now != seen[-1]:
            seen.append(now)
        return len(seen) > rounds

    wait_for(later, 30, "the rules evaluated again")


def test_a_stopped_and_a_killed_worker_are_seen(prometheus: tuple[Stack, str]) -> None:
    stack, url = prometheus
    rules_evaluated(url, rounds=5)
    lag = "max(time() - codestory_worker_last_heartbeat_timestamp_seconds)"
    assert active(url) == set(), f"a healthy stack must not page ({query(url, lag):.1f} s lag)"
    story, audio = stack.services["story"], stack.services["audio"]
    story.kill(signal.SIGSTOP)  # the worker and its pool, frozen whole
    audio.kill(signal.SIGKILL)
    try:
        wanted = {
            ("CodestoryWorkerFrozen", PODS["story"]),
            ("CodestoryWorkerDown", PODS["story"]),
            ("CodestoryWorkerDown", PODS["audio"]),
        }
        wait_for(lambda: wanted <= active(url), 60, f"{sorted(wanted)} pending")
        # The healthy janitor is not among them.
        assert all(pod != PODS["janitor"] for _, pod in active(url)), active(url)
    finally:
        story.kill(signal.SIGCONT)
