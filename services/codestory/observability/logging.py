"""Logging: one configuration for our logs and for Celery's and uvicorn's.

JSON lines in containers (`CODESTORY_LOG_FORMAT=json`), readable lines in a terminal
(`console`). Story id and task id are bound as context while a task runs, so every line
it writes, Celery's included, carries them. No line carries a credential: URL user-info,
credential-like query values and this process's secrets are masked (redaction.py).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from codestory.core.domain import escape_controls
from codestory.core.redaction import Redactor
from codestory.core.settings import LogFormat

_configured = False


def add_trace_ids(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """trace_id and span_id of the current span, so a log line leads to its trace."""
    from codestory.observability.tracing import current_span_id, current_trace_id

    trace_id = current_trace_id()
    if trace_id:
        event.setdefault("trace_id", trace_id)
        event.setdefault("span_id", current_span_id())
    return event


# Multi-line by nature: their own line breaks are kept, each line escaped.
_MULTILINE_KEYS = frozenset({"exception", "stack"})


def escape_for_terminal(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """Console lines go to a terminal: control characters in any text (a repository URL, a
    message) are written as escapes, so a logged value cannot retitle the window, write the
    clipboard (OSC 52) or forge log lines. JSON lines escape them already."""
    for key, value in event.items():
        if isinstance(value, str):
            if key in _MULTILINE_KEYS:
                event[key] = "\n".join(escape_controls(row) for row in value.split("\n"))
            else:
                event[key] = escape_controls(value)
    return event


def shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        add_trace_ids,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(level: str, log_format: LogFormat) -> None:
    """Route every stdlib logger through structlog's formatter; safe to call twice."""
    global _configured
    renderer: Any
    # Redaction runs last before rendering, on the finished line and its traceback.
    if log_format is LogFormat.JSON:
        renderer = structlog.processors.JSONRenderer()
        final = [structlog.processors.dict_tracebacks, Redactor(), renderer]
    else:
        final = [
            structlog.processors.format_exc_info,
            Redactor(),
            escape_for_terminal,
            structlog.dev.ConsoleRenderer(colors=False),
        ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    if not _configured:
        structlog.configure(
            processors=[
                *shared_processors(),
                structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
            ],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
            cache_logger_on_first_use=True,
        )
        _configured = True


@contextmanager
def log_context(**values: Any) -> Iterator[None]:
    """Bind values (story_id, task_id, ...) to every log line inside the block."""
    with structlog.contextvars.bound_contextvars(**values):
        yield
