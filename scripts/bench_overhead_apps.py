"""The two Celery apps bench_overhead.py compares. Run as worker modules, not imported.

`bare`: plain Celery with codestory's config dict (acks late, prefetch 1, events, process
recycling...) and nothing else, so the difference is the instrumentation alone.
`instrumented`: codestory's own app, exactly as
`codestory worker` runs it (heartbeat bootstep, metric signals in multiprocess mode,
tracing, structured logging), with the same no-op task added.
"""

from __future__ import annotations

import os
from typing import Any

BENCH_QUEUE = "bench"
NOOP = "bench.noop"


def noop() -> None:
    """The task both workers run: nothing, so only the machinery around it is measured."""


def bare_app() -> Any:
    """Celery with codestory's exact config dict, and none of its hooks."""
    from celery import Celery

    from codestory.core.settings import Settings
    from codestory.runtime.celery_config import celery_config

    app = Celery("bare")
    app.conf.update(celery_config(Settings()))
    app.task(name=NOOP, ignore_result=True)(noop)
    return app


def instrumented_app() -> Any:
    from codestory.commands.services import preload_tracing, start_worker_metrics

    os.environ.setdefault("OTEL_SERVICE_NAME", "codestory-bench")
    start_worker_metrics("bench")
    preload_tracing()
    from codestory.runtime.celery_app import app

    app.task(name=NOOP, ignore_result=True)(noop)
    return app


app = bare_app() if os.environ.get("BENCH_APP") == "bare" else instrumented_app()
