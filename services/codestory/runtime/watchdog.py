"""Worker liveness that tells a stuck worker from a broker outage.

The worker's event loop proves it runs by ticking (HeartbeatStep). When Redis hangs, that
loop blocks inside a broker call with no timeout, on every worker at once; restarting them
all would help nobody. So a thread of the worker's own asks the broker, with short
timeouts, and decides:

- loop ticking, work taken when there is any: alive and ready;
- loop stalled while the broker does not answer: an outage, not this worker's fault:
  alive (up to `outage_tolerance`), not ready, and said so in the status file;
- loop stalled while the broker answers (past a grace period for it to catch up): stuck;
- loop ticking, messages waiting in its queues, a free slot, and nothing taken for
  `consume_stall` seconds: connected but not consuming (a cancelled or wedged consumer).

Only alive verdicts refresh the liveness file, so kubelet restarts the last three.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import redis

log = logging.getLogger("codestory.watchdog")


class State(StrEnum):
    OK = "ok"
    BROKER_UNREACHABLE = "broker-unreachable"  # alive, not ready
    OUTAGE_TOO_LONG = "outage-too-long"
    STUCK = "stuck"
    NOT_CONSUMING = "not-consuming"

    @property
    def alive(self) -> bool:
        return self in {State.OK, State.BROKER_UNREACHABLE}


@dataclass(frozen=True)
class Limits:
    grace: float  # how long the loop may stall while the broker answers
    outage_tolerance: float  # how long a broker outage is ridden out
    consume_stall: float  # waiting work, a free slot and nothing taken for this long


@dataclass
class Observations:
    loop_tick: float
    broker_ok: bool = True
    broker_down_since: float | None = None
    broker_up_since: float = 0.0
    waiting_since: float | None = None  # work waiting while this worker had a free slot
    last_taken: float = 0.0


def verdict(seen: Observations, limits: Limits, now: float) -> tuple[State, str]:
    stalled = now - seen.loop_tick
    if not seen.broker_ok:
        down = now - (seen.broker_down_since or now)
        if down > limits.outage_tolerance:
            return State.OUTAGE_TOO_LONG, f"the broker has not answered for {down:.0f} s"
        return State.BROKER_UNREACHABLE, f"the broker has not answered for {down:.0f} s"
    if stalled > limits.grace and now - seen.broker_up_since > limits.grace:
        return State.STUCK, f"the worker's loop has not run for {stalled:.0f} s"
    if seen.waiting_since is not None:
        starved = now - max(seen.waiting_since, seen.last_taken)
        if starved > limits.consume_stall:
            return State.NOT_CONSUMING, (
                f"work has waited {starved:.0f} s while this worker had a free slot "
                "and took nothing"
            )
    return State.OK, f"loop ran {stalled:.1f} s ago"


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(path)


@dataclass
class Watchdog:
    """The thread: asks the broker, keeps the observations, writes the files."""

    broker_url: str
    queues: tuple[str, ...]
    free_slots: Callable[[], int]
    alive_file: Path
    status_file: Path
    limits: Limits
    interval: float

    def __post_init__(self) -> None:
        now = time.time()
        self.seen = Observations(loop_tick=now, broker_up_since=now, last_taken=now)
        self._client = redis.Redis.from_url(
            self.broker_url, socket_connect_timeout=1, socket_timeout=2
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_state = State.OK

    def tick(self) -> None:
        """The worker's loop ran (called from its timer)."""
        self.seen.loop_tick = time.time()

    def taken(self) -> None:
        """The worker took a message."""
        self.seen.last_taken = time.time()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check(time.time())
            self._stop.wait(self.interval)

    def observe(self, now: float) -> None:
        try:
            self._client.ping()
            waiting = sum(int(self._client.llen(q)) for q in self.queues)
        except redis.RedisError:
            if self.seen.broker_ok:
                self.seen.broker_ok, self.seen.broker_down_since = False, now
            return
        if not self.seen.broker_ok:
            self.seen.broker_ok, self.seen.broker_up_since = True, now
            self.seen.broker_down_since = None
        if waiting and self.free_slots() > 0:
            if self.seen.waiting_since is None:
                self.seen.waiting_since = now
        else:
            self.seen.waiting_since = None

    def check(self, now: float) -> State:
        self.observe(now)
        state, detail = verdict(self.seen, self.limits, now)
        write_atomically(self.status_file, f"{state} {now:.0f} {detail}\n")
        if state.alive:
            write_atomically(self.alive_file, f"{os.getpid()} {now}\n")
        if state is not self._last_state:
            level = logging.INFO if state is State.OK else logging.ERROR
            log.log(level, "worker health: %s (%s)", state, detail)
            self._last_state = state
        return state
