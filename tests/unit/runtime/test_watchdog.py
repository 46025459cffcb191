"""Liveness verdicts: a broker outage is ridden out, a stuck or starved worker is not."""

from __future__ import annotations

import pytest

from codestory.runtime.watchdog import Limits, Observations, State, verdict

LIMITS = Limits(grace=60, outage_tolerance=900, consume_stall=120)
NOW = 10_000.0


@pytest.mark.parametrize(
    ("seen", "state"),
    [
        (Observations(loop_tick=NOW - 1), State.OK),
        # The loop is blocked in a broker call while the broker hangs: not this worker's fault.
        (
            Observations(loop_tick=NOW - 300, broker_ok=False, broker_down_since=NOW - 290),
            State.BROKER_UNREACHABLE,
        ),
        (
            Observations(loop_tick=NOW - 1000, broker_ok=False, broker_down_since=NOW - 950),
            State.OUTAGE_TOO_LONG,
        ),
        # The broker came back 10 s ago: the loop gets a grace period to catch up.
        (Observations(loop_tick=NOW - 300, broker_up_since=NOW - 10), State.OK),
        # The broker has answered for two minutes and the loop still does not run.
        (Observations(loop_tick=NOW - 300, broker_up_since=NOW - 120), State.STUCK),
        # Work waiting with a free slot, nothing taken since.
        (
            Observations(loop_tick=NOW - 1, waiting_since=NOW - 200, last_taken=NOW - 500),
            State.NOT_CONSUMING,
        ),
        # It took something a moment ago: consuming, just busy.
        (
            Observations(loop_tick=NOW - 1, waiting_since=NOW - 200, last_taken=NOW - 5),
            State.OK,
        ),
        (Observations(loop_tick=NOW - 1, waiting_since=NOW - 30, last_taken=0), State.OK),
    ],
)
def test_verdicts(seen: Observations, state: State) -> None:
    got, detail = verdict(seen, LIMITS, NOW)
    assert got is state, detail
    assert detail


def test_only_an_outage_keeps_a_stalled_worker_alive() -> None:
    assert {s for s in State if s.alive} == {State.OK, State.BROKER_UNREACHABLE}
