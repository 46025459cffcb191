"""In-process gateways on a real Valkey: the real app behind an ASGI client, no workers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from fastapi.testclient import TestClient

from codestory.core.settings import Settings
from codestory.gateway.access import digest
from codestory.gateway.app import create_app
from codestory.records.store import StoryStore, make_client
from tests.support import flush, stack_env


def gateway_env(redis_server_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    values = stack_env(f"{redis_server_url}/0", tmp, CODESTORY_METRICS_PORT="0", **extra)
    for db in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        flush(values[db])
    return values


@pytest.fixture(scope="module")
def env(
    redis_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    values = gateway_env(redis_server_url, tmp_path_factory.mktemp("gateway"))
    with mock.patch.dict(os.environ, values, clear=True):
        yield values


@pytest.fixture(scope="module")
def client(env: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def store(env: dict[str, str]) -> StoryStore:
    return StoryStore(make_client(env["REDIS_URL"]))


@pytest.fixture(scope="module")
def keyed(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    keys = {"ann": "cs_ann-key-0123456789", "bob": "cs_bob-key-0123456789"}
    tmp: Path = tmp_path_factory.mktemp("keyed")
    values = gateway_env(
        redis_server_url,
        tmp,
        CODESTORY_API_KEYS=json.dumps({name: digest(key) for name, key in keys.items()}),
    )
    with (
        mock.patch.dict(os.environ, values, clear=True),
        TestClient(create_app(Settings()), base_url="http://127.0.0.1") as client,
    ):
        yield client, StoryStore(make_client(values["REDIS_URL"])), values, keys
