"""Fixtures of the integration tests that run a task body in this process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codestory.core.settings import get_settings
from codestory.runtime import task_runtime


@pytest.fixture
def worker_env(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A worker's settings in this process: the test's Redis, artifacts under tmp_path."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("CODESTORY_ARTIFACT_URL", (tmp_path / "artifacts").as_uri())
    caches = (get_settings, task_runtime.worker_store, task_runtime.worker_artifacts)
    for cached in caches:
        cached.cache_clear()
    yield
    for cached in caches:
        cached.cache_clear()
