"""A pool process killed outright (SIGKILL, OOM) runs no shutdown hook; its live gauges must
still stop counting, or `tasks in flight` sticks above zero and keeps replicas up forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from prometheus_client import CollectorRegistry

from codestory.observability.metrics import PruningMultiProcessCollector, dead_pids

CHILD = """
import os, sys, time
from codestory.observability import metrics
metrics.TASKS_IN_FLIGHT.labels(queue="stories").inc()
print(os.getpid(), flush=True)
time.sleep(60)
"""


def in_flight(directory: Path) -> float:
    registry = CollectorRegistry()
    PruningMultiProcessCollector(registry, str(directory))
    value = registry.get_sample_value("codestory_tasks_in_flight", {"queue": "stories"})
    return value or 0.0


def test_a_killed_processs_in_flight_gauge_stops_counting(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        pids = [int(child.stdout.readline()) for child in children if child.stdout]
        assert in_flight(tmp_path) == 2.0, "two live processes, one task each"
        children[0].send_signal(signal.SIGKILL)
        children[0].wait(10)
        assert dead_pids(str(tmp_path)) == {pids[0]}
        assert in_flight(tmp_path) == 1.0, "only the live process counts"
        assert dead_pids(str(tmp_path)) == set(), "the dead process's files are gone"
    finally:
        for child in children:
            child.kill()
            child.wait(10)
