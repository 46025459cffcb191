from __future__ import annotations

import os
import subprocess
import sys

from codestory.core.queues import (
    QUEUE_AUDIO,
    QUEUE_MAINTENANCE,
    QUEUE_STORIES,
    SERVICE_QUEUES,
    TASK_MODULES,
    TASK_QUEUES,
)
from codestory.core.settings import Settings
from codestory.runtime.celery_app import app, celery_config
from codestory.runtime.dispatch import audio_time_limits


def test_reliability_settings() -> None:
    config = celery_config(Settings())
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1
    assert config["accept_content"] == ["json"]
    assert config["task_serializer"] == config["result_serializer"] == "json"
    assert config["timezone"] == "UTC" and config["enable_utc"] is True
    assert config["result_expires"] == 86400
    assert config["task_ignore_result"] is True  # outcomes live in the story record
    assert config["worker_send_task_events"] is True
    assert config["task_send_sent_event"] is False


def test_visibility_timeout_exceeds_every_hard_limit() -> None:
    settings = Settings()
    config = celery_config(settings)
    timeout = config["broker_transport_options"]["visibility_timeout"]
    assert timeout == config["result_backend_transport_options"]["visibility_timeout"]
    assert timeout > settings.story_time_limit
    assert timeout > settings.audio_time_limit_max
    for words in (10, 1000, 10**6, None):
        soft, hard = audio_time_limits(words, settings)
        assert soft < hard <= settings.audio_time_limit_max < timeout


def test_audio_limits_grow_with_the_script() -> None:
    settings = Settings()
    short = audio_time_limits(100, settings)
    long = audio_time_limits(100_000, settings)
    assert short[0] == settings.audio_soft_time_limit_min
    assert long[0] > short[0]


def test_routes_and_queues() -> None:
    config = celery_config(Settings())
    assert {q.name for q in config["task_queues"]} == {
        QUEUE_STORIES,
        QUEUE_AUDIO,
        QUEUE_MAINTENANCE,
    }
    assert config["task_routes"]["codestory.story.generate"] == {"queue": QUEUE_STORIES}
    assert config["task_routes"]["codestory.audio.synthesize"] == {"queue": QUEUE_AUDIO}
    assert set(SERVICE_QUEUES.values()) == set(TASK_QUEUES.values())


def test_registered_tasks_have_their_limits() -> None:
    app.loader.import_default_modules()
    generate = app.tasks["codestory.story.generate"]
    # No per-worker throttle by default: the gateway's submit limits protect the service.
    assert generate.rate_limit is None
    assert (generate.soft_time_limit, generate.time_limit) == (240, 300)
    assert generate.max_retries == 3
    for name in TASK_QUEUES:
        assert name in app.tasks


def test_celery_uses_the_urls_settings_made_not_the_raw_variables() -> None:
    """Celery reads CELERY_BROKER_URL over its configuration: the password and the TLS
    policy Settings add must still reach it."""
    program = (
        "from codestory.runtime.celery_app import app;"
        "print(app.conf.broker_url); print(app.conf.result_backend)"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin"),
        "CELERY_BROKER_URL": "rediss://cache.internal:6380/0",
        "CELERY_RESULT_BACKEND": "rediss://cache.internal:6380/1",
        "CODESTORY_REDIS_PASSWORD": "s3cret-pass",
        "CODESTORY_REDIS_TLS_CA_FILE": "/etc/codestory/redis-ca/ca.crt",
    }
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    )
    broker, backend = done.stdout.split()
    for url in (broker, backend):
        assert url.startswith("rediss://:s3cret-pass@cache.internal:6380/")
        assert "ssl_cert_reqs=required" in url
        assert "ssl_ca_certs=/etc/codestory/redis-ca/ca.crt" in url


def test_each_service_imports_only_its_own_tasks() -> None:
    """An image carries one service's dependencies (the audio worker has no tree-sitter),
    so each worker imports only the module of the tasks its queue carries."""
    from codestory.core.queues import SERVICE_TASK_MODULES

    assert sorted(SERVICE_TASK_MODULES.values()) == sorted(TASK_MODULES)
    for service, module in SERVICE_TASK_MODULES.items():
        app_tasks = "from codestory.runtime.celery_app import app; print(*sorted(app.tasks))"
        program = f"import {module}; {app_tasks}"
        done = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=True
        )
        registered = set(done.stdout.split())
        mine = {name for name, queue in TASK_QUEUES.items() if queue == SERVICE_QUEUES[service]}
        assert mine <= registered, (service, mine - registered)
