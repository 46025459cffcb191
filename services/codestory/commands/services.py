"""Run one service in the foreground: what each container's command is."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from codestory.core.settings import get_settings


def run_gateway() -> int:
    import uvicorn

    from codestory.gateway.server import uvicorn_config
    from codestory.observability.logging import configure_logging
    from codestory.records.story_log import keep_story_logs

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    keep_story_logs(settings.redis_url, settings.retention_days, "gateway")

    class StopOnSignal(uvicorn.Server):
        """SIGTERM asks for a clean stop: finish what runs, then exit 0. uvicorn would
        raise the signal again after shutting down, and the process would die of it (exit
        143), which an orchestrator counts as a crash."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            handled = (signal.SIGINT, signal.SIGTERM)
            original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in original.items():
                    signal.signal(sig, handler)

    config = uvicorn_config(
        settings,
        log_level=settings.log_level.lower(),
        log_config=None,  # keep the handlers configure_logging installed
        timeout_graceful_shutdown=10,
    )
    StopOnSignal(config).run()
    return 0


def worker_argv(service: str, concurrency: int) -> list[str]:
    from codestory.core.queues import SERVICE_QUEUES
    from codestory.runtime.celery_app import default_hostname

    settings = get_settings()
    return [
        "worker",
        "--queues",
        SERVICE_QUEUES[service],
        "--hostname",
        default_hostname(service),
        "--loglevel",
        settings.log_level,
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        # Gossip and mingle cost every worker a message per peer; nothing here needs them.
        "--without-gossip",
        "--without-mingle",
    ]


def start_worker_metrics(service: str) -> None:
    """Multiprocess metrics for a prefork worker: must run before prometheus_client loads."""
    settings = get_settings()
    directory = settings.metrics_dir / service
    # Emptied before prometheus_client loads: leftover files from an earlier run would be
    # summed in, and metrics create their files the moment they are defined.
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    from codestory.observability import metrics

    extra = None
    if service == "janitor":
        from codestory.core.queues import QUEUES
        from codestory.janitor.broker_metrics import BrokerCollector
        from codestory.records.store import make_client

        # Short timeouts: a hung Redis must make this scrape say `codestory_broker_up 0`
        # well inside Prometheus's scrape timeout, not run past it.
        extra = BrokerCollector(
            make_client(settings.celery_broker_url, socket_timeout=2),
            make_client(settings.redis_url, socket_timeout=2),
            QUEUES,
        )
    metrics.serve(settings.metrics_port, host=settings.metrics_bind, extra=extra)
    from codestory.observability.series import worker_series
    from codestory.runtime.celery_app import default_hostname

    worker_series(service, default_hostname(service))
    if service == "janitor":
        from codestory.janitor.series import janitor_series

        janitor_series()


def preload_tracing() -> None:
    """Import the tracing stack in the main process: pool processes are forked from it
    (and re-forked every `worker_max_tasks_per_child` tasks), so each one inherits the
    modules instead of importing them again. The instrumentations are only imported here
    (each pool process instruments itself): importing them took 40 ms of every fork."""
    import opentelemetry.instrumentation.celery
    import opentelemetry.instrumentation.redis  # noqa: F401

    import codestory.observability.tracing  # noqa: F401


def run_worker(pool: str, concurrency: int | None) -> int:
    os.environ.setdefault("OTEL_SERVICE_NAME", f"codestory-{pool}-worker")
    start_worker_metrics(pool)
    preload_tracing()
    from codestory.core.queues import SERVICE_TASK_MODULES
    from codestory.runtime.celery_app import app

    app.conf.include = [SERVICE_TASK_MODULES[pool]]
    app.worker_main(worker_argv(pool, concurrency or get_settings().worker_concurrency))
    return 0


def run_janitor() -> int:
    """One process: RedBeat (only the lock holder schedules) plus the maintenance queue."""
    os.environ.setdefault("OTEL_SERVICE_NAME", "codestory-janitor")
    start_worker_metrics("janitor")
    preload_tracing()
    from codestory.core.queues import SERVICE_TASK_MODULES
    from codestory.runtime.celery_app import app

    app.conf.include = [SERVICE_TASK_MODULES["janitor"]]
    argv = [*worker_argv("janitor", 1), "--beat", "--scheduler", "redbeat.RedBeatScheduler"]
    app.worker_main(argv)
    return 0


def run_dlq(args: argparse.Namespace) -> int:
    from codestory.commands.client import REDIS_URL_FILE
    from codestory.core.domain import escape_controls
    from codestory.records.store import StoryNotFoundError, StoryStore, make_client
    from codestory.runtime.dead_letters import NotRetryableError, retry_dead_letters, retry_story

    if "REDIS_URL" not in os.environ:  # a `codestory up` stack: its password-protected Valkey
        with contextlib.suppress(OSError):
            os.environ["REDIS_URL"] = (Path(args.data_dir) / REDIS_URL_FILE).read_text().strip()
            get_settings.cache_clear()
    settings = get_settings()
    store = StoryStore(make_client(settings.redis_url))
    action = args.action or "list"
    try:
        if action == "show":
            story = store.get(args.story_id)
            # ASCII JSON, like the entries: nothing in the record acts on the terminal.
            print(json.dumps(story.model_dump(mode="json"), indent=2))
            for entry in store.dead_letters_of(args.story_id):
                print(json.dumps(entry, sort_keys=True))
            for event in store.progress_since(args.story_id, 0):
                # A message may quote the repository URL: printed inert.
                message = escape_controls(event.message)
                print(f"{event.seq:>4} {event.status:<13} {event.step:<10} {message}")
        elif action == "retry":
            from codestory.runtime.celery_app import app

            if args.all:
                report = retry_dead_letters(store, app, settings, error_type=args.error_type)
                print(f"retried {len(report.retried)} stor(ies)")
                for story_id, why in report.skipped.items():
                    print(f"skipped {story_id}: {why}")
            else:
                story = retry_story(store, app, settings, args.story_id)
                print(f"retried {story.id}: resuming at {story.status} (retry {story.retries})")
        elif action == "purge":
            removed = store.remove_dead_letters(None if args.all else args.story_id)
            print(f"removed {removed} entr(ies)")
        else:
            entries = store.dead_letters(args.limit, error_type=args.error_type)
            print(f"{store.dlq_size()} failed task(s); newest {len(entries)}:")
            for entry in entries:
                print(json.dumps(entry, sort_keys=True))
    except StoryNotFoundError as exc:
        print(f"no such story: {exc}", file=sys.stderr)
        return 1
    except NotRetryableError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
