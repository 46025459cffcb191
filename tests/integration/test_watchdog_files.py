"""The watchdog thread against a real Redis: a loop that never ticks is called stuck and its
liveness file goes stale; a loop that ticks keeps it fresh."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from codestory.runtime.watchdog import Limits, State, Watchdog

pytestmark = pytest.mark.integration


def watchdog(redis_url: str, tmp_path: Path, grace: float) -> Watchdog:
    return Watchdog(
        broker_url=redis_url,
        queues=("stories",),
        free_slots=lambda: 1,
        alive_file=tmp_path / "alive",
        status_file=tmp_path / "status",
        limits=Limits(grace=grace, outage_tolerance=60, consume_stall=60),
        interval=0.1,
    )


def test_a_loop_that_stops_ticking_is_stuck_while_the_broker_answers(
    redis_url: str, tmp_path: Path
) -> None:
    dog = watchdog(redis_url, tmp_path, grace=0.5)
    assert dog.check(time.time()) is State.OK
    written = (tmp_path / "alive").stat().st_mtime
    time.sleep(1.0)  # no tick: the worker's loop is blocked
    assert dog.check(time.time()) is State.STUCK
    assert (tmp_path / "alive").stat().st_mtime == written, "no fresh proof of life"
    assert (tmp_path / "status").read_text().startswith("stuck ")
    dog.tick()
    assert dog.check(time.time()) is State.OK


def test_an_unreachable_broker_is_an_outage_not_a_stuck_worker(tmp_path: Path) -> None:
    dog = watchdog("redis://127.0.0.1:1/0", tmp_path, grace=0.5)
    time.sleep(0.6)
    assert dog.check(time.time()) is State.BROKER_UNREACHABLE
    assert (tmp_path / "alive").exists()
    assert (tmp_path / "status").read_text().startswith("broker-unreachable ")
