"""Progress events of a story: numbered, stored, kept for resuming a stream and announced,
in one script."""

from __future__ import annotations

from codestory.core.domain import STEP_PERCENT, ProgressEvent, Status, step_percent
from codestory.core.redaction import redact
from codestory.records.base import RecordsBase
from codestory.records.keys import (
    PROGRESS_LOG_MAX,
    progress_channel,
    progress_key,
    progress_log_key,
    progress_seq_key,
)


class ProgressLog(RecordsBase):
    def publish(
        self, story_id: str, status: Status, step: str, message: str, fraction: float = 0.0
    ) -> ProgressEvent:
        if status == Status.COMPLETE:
            percent = 100.0
        elif step in STEP_PERCENT:
            percent = step_percent(step, fraction)
        else:  # failed, cancelled, requeued: keep the bar where it was
            latest = self.latest_progress(story_id)
            percent = latest.percent if latest else 0.0
        event = ProgressEvent(
            story_id=story_id, status=status, step=step, percent=percent, message=redact(message)
        )
        payload = self._publish(
            keys=[progress_seq_key(story_id), progress_key(story_id), progress_log_key(story_id)],
            args=[
                event.model_dump_json(exclude={"seq"}),
                self.progress_ttl,
                PROGRESS_LOG_MAX,
                progress_channel(story_id),
            ],
        )
        return ProgressEvent.model_validate_json(payload)

    def latest_progress(self, story_id: str) -> ProgressEvent | None:
        raw = self.redis.get(progress_key(story_id))
        return ProgressEvent.model_validate_json(raw) if raw else None

    def progress_since(self, story_id: str, after_seq: int) -> list[ProgressEvent]:
        events = [
            ProgressEvent.model_validate_json(raw)
            for raw in self.redis.lrange(progress_log_key(story_id), 0, -1)
        ]
        return [e for e in events if e.seq > after_seq]
