"""Each story's own log, readable without access to the cluster's logs.

Every line a service writes while working on a story (a `story_id` is bound to the log
context, or passed in `extra`) is also appended to a capped Redis stream for that story.
Writing happens on a background thread in batches, so logging never waits on Redis and a
Redis outage only drops story lines (the process's own log still has them). Lines are
redacted like every other log line. The stream lives as long as the story: it is deleted
with it and, as a safety net, expires after the retention period; when the story ends, a
copy goes to the artifact store (`stories/<id>/log.jsonl`).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import redis
import structlog

from codestory.core.redaction import redact

STORY_LOG_MAX = 2000  # lines kept per story; older ones are trimmed first
TRACEBACK_LINES = 6  # the end of a traceback: where it failed, not how it got there
BATCH = 200
# `extra` fields our code logs that a reader of the story's log needs to see.
DETAIL_FIELDS = ("reason", "why", "engine", "stderr")
# Never copied into a story's log: the client's own chatter would feed back on itself.
_QUIET_LOGGERS = ("redis", "urllib3", "botocore", "boto3", "s3transfer")


# The pipeline step a task is at, for its log lines; set as it reports progress.
_STEP: ContextVar[str] = ContextVar("codestory_story_step", default="")


@contextmanager
def steps() -> Iterator[None]:
    """A task's span: steps set inside it are forgotten when it ends."""
    token = _STEP.set("")
    try:
        yield
    finally:
        _STEP.reset(token)


def at_step(step: str) -> None:
    _STEP.set(step)


def story_log_key(story_id: str) -> str:
    return f"codestory:story-log:{story_id}"


def _message(record: logging.LogRecord) -> str:
    if isinstance(record.msg, dict):  # a structlog event handed through the stdlib
        return str(record.msg.get("event", ""))
    try:
        return record.getMessage()
    except (TypeError, ValueError):
        return str(record.msg)


def log_entry(record: logging.LogRecord, service: str) -> dict[str, str]:
    """One stream entry: time, level, service, step, message, and for an error its type
    and the last lines of its traceback. Every text is redacted."""
    message = _message(record)
    details = [f"{k}: {v}" for k in DETAIL_FIELDS if (v := getattr(record, k, None))]
    if details:
        message = f"{message} ({'; '.join(str(d) for d in details)})"
    entry = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "service": service,
        "step": _STEP.get() or str(getattr(record, "step", "") or ""),
        "message": redact(message)[:2000],
    }
    error_type = getattr(record, "error_type", None)
    if error_type:
        entry["error_type"] = str(error_type)
    if record.exc_info and record.exc_info[0] is not None:
        kind, value, trace = record.exc_info
        entry["error_type"] = kind.__name__
        lines = "".join(traceback.format_exception(kind, value, trace)).rstrip().splitlines()
        entry["traceback"] = redact("\n".join(lines[-TRACEBACK_LINES:]))
    return entry


def story_of(record: logging.LogRecord) -> str | None:
    bound = structlog.contextvars.get_contextvars().get("story_id")
    story_id = bound or getattr(record, "story_id", None)
    return str(story_id) if story_id else None


class StoryLogHandler(logging.Handler):
    """Copies story lines to their stream from a background thread, in batches."""

    def __init__(
        self,
        connect: Callable[[], redis.Redis],
        service: str,
        *,
        ttl_seconds: int,
        max_lines: int = STORY_LOG_MAX,
        level: int = logging.INFO,
    ) -> None:
        super().__init__(level)
        self.connect, self.service = connect, service
        self.ttl_seconds, self.max_lines = ttl_seconds, max_lines
        self.dropped = 0
        self._queue: queue.SimpleQueue[tuple[str, dict[str, str]] | None]
        self._thread: threading.Thread | None
        self._client: redis.Redis | None
        self._reset()
        # A prefork pool child inherits neither the thread nor a usable connection, and a
        # lock held by another thread at fork time would never be released in the child.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._queue = queue.SimpleQueue()
        self._pending = 0
        self._idle = threading.Condition()
        self._starting = threading.Lock()
        self._thread = None
        self._client = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(_QUIET_LOGGERS) or threading.current_thread() is self._thread:
            return
        story_id = story_of(record)
        if story_id is None:
            return
        try:
            entry = log_entry(record, self.service)
        except Exception:  # a log line must never break the caller
            self.handleError(record)
            return
        self._start_if_needed()
        with self._idle:
            self._pending += 1
        self._queue.put((story_id, entry))

    def _start_if_needed(self) -> None:
        if self._thread is not None:
            return
        with self._starting:
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="story-log", daemon=True)
                thread.start()
                self._thread = thread

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    break
                batch.append(item)
            self._write(batch)
            with self._idle:
                self._pending -= len(batch)
                self._idle.notify_all()

    def _write(self, batch: list[tuple[str, dict[str, str]]]) -> None:
        try:
            if self._client is None:
                self._client = self.connect()
            with self._client.pipeline(transaction=False) as pipe:
                for story_id, entry in batch:
                    key = story_log_key(story_id)
                    pipe.xadd(key, entry, maxlen=self.max_lines, approximate=True)  # type: ignore[arg-type]
                for key in {story_log_key(story_id) for story_id, _ in batch}:
                    pipe.expire(key, self.ttl_seconds)
                pipe.execute()
        except redis.RedisError:
            self.dropped += len(batch)  # the process's own log still has every line

    def flush(self, timeout: float = 2.0) -> None:
        """Wait (a little) until the lines logged so far are in Redis: a task calls this
        before it returns, so a pool process recycled right after loses nothing."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._idle.wait(left)


_handler: StoryLogHandler | None = None


def install(connect: Callable[[], redis.Redis], service: str, ttl_seconds: int) -> None:
    """Add the story log handler to the root logger (once per process)."""
    global _handler
    root = logging.getLogger()
    if _handler is not None and _handler in root.handlers:
        return
    _handler = StoryLogHandler(connect, service, ttl_seconds=ttl_seconds)
    root.addHandler(_handler)


def flush() -> None:
    if _handler is not None:
        _handler.flush()


def read_lines(
    client: redis.Redis, story_id: str, *, after: str | None = None, limit: int = 200
) -> list[dict[str, str]]:
    """Lines after the stream id `after` (from the start when None), oldest first; each
    carries its stream id as `id`, which the next page starts after."""
    start = f"({after}" if after else "-"
    entries: Any = client.xrange(story_log_key(story_id), min=start, max="+", count=limit)
    return [{"id": _text(entry_id), **_fields(fields)} for entry_id, fields in entries or []]


def all_lines(client: redis.Redis, story_id: str) -> list[dict[str, str]]:
    lines: list[dict[str, str]] = []
    after: str | None = None
    while True:
        page = read_lines(client, story_id, after=after, limit=1000)
        lines += page
        if len(page) < 1000:
            return lines
        after = page[-1]["id"]


def as_jsonl(lines: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def from_jsonl(data: bytes) -> list[dict[str, str]]:
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _fields(fields: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in fields.items()}


def keep_story_logs(redis_url: str, retention_days: float, service: str) -> None:
    """Copy each story's lines to its own stream, as this `service`."""
    from codestory.records.store import make_client

    ttl = int(retention_days * 86400) + 86400  # outlives the story, which deletes it
    install(lambda: make_client(redis_url), service.removeprefix("codestory-"), ttl)
