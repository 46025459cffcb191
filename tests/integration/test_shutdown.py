"""SIGTERM is how an orchestrator stops a pod: the gateway finishes and exits 0 (a death
by the signal, exit 143, reads as a crash)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.support import fresh_stack, wait_for

pytestmark = pytest.mark.integration


def test_the_gateway_exits_0_on_sigterm(redis_server_url: str, tmp_path: Path) -> None:
    stack = fresh_stack(redis_server_url, tmp_path)
    stack.start("gateway")
    try:
        wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
        process = stack.services["gateway"].process
        assert process is not None
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, stack.logs()
    finally:
        stack.stop()
