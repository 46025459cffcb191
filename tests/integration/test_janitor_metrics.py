"""The janitor's embedded scheduler counts what it publishes without a traceback: it runs
in a forked process whose inherited descriptors Celery closes, metric files included."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from codestory.core.queues import TASK_SWEEP_STUCK
from tests.support import fresh_stack, scrape, value, wait_for

pytestmark = pytest.mark.integration


def test_the_scheduler_publishes_sweeps_quietly_and_counts_them(
    redis_server_url: str, tmp_path: Path
) -> None:
    stack = fresh_stack(redis_server_url, tmp_path, CODESTORY_JANITOR_SWEEP_SECONDS="1")
    stack.start("janitor")
    janitor = stack.services["janitor"]
    try:

        def sent() -> float:
            try:
                samples = scrape(stack.metrics_ports["janitor"])
            except httpx.HTTPError:  # not listening yet
                return 0.0
            return value(samples, "celery_task_sent_total", name=TASK_SWEEP_STUCK)

        # Several sweeps sent by the scheduler, each counted in the janitor's metrics.
        wait_for(lambda: sent() >= 3, 60, "three sweeps counted")
        log = janitor.log_path.read_text(errors="replace")
        assert "Sending due task" in log
        assert "Signal handler" not in log and "Traceback" not in log, janitor.log_tail()
    finally:
        stack.stop()
