"""The janitor's own series, created at 0 when it starts, so a rate over them has data
before the first stuck story: one per status it can find a story stuck in, one per action."""

from __future__ import annotations

from codestory.core.domain import Status
from codestory.janitor.decisions import Action
from codestory.observability import metrics


def janitor_series() -> None:
    for status in Status:
        if not status.is_terminal:
            metrics.STUCK_FOUND.labels(status=str(status))
    for action in Action:
        if action is not Action.LEAVE:
            metrics.STUCK_FIXED.labels(action=str(action))
