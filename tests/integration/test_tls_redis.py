"""Redis over TLS, as a managed Redis serves it: a full story through gateway, story worker
and audio worker on rediss:// URLs with a private CA, and the certificate is checked (a
server signed by another CA is refused unless verification is switched off by name)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support import SAMPLE_PROJECT, Stack, fresh_stack, make_repo, wait_for
from tests.tls_proxy import TlsProxy, make_authority

pytestmark = pytest.mark.integration


@pytest.fixture
def tls_redis(redis_server_url: str, tmp_path: Path) -> Iterator[TlsProxy]:
    plain = urlsplit(redis_server_url)
    proxy = TlsProxy(plain.hostname or "127.0.0.1", plain.port or 6379, make_authority(tmp_path))
    with proxy.running():
        yield proxy


def over_tls(stack: Stack, proxy: TlsProxy, redis_server_url: str, **tls: str) -> None:
    """Point every Redis URL of `stack` at the TLS endpoint, same databases."""
    plain = urlsplit(redis_server_url)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        db = stack.env[name].rsplit("/", 1)[1]
        auth = f":{plain.password}@" if plain.password else ""
        stack.env[name] = f"rediss://{auth}127.0.0.1:{proxy.port}/{db}"
    stack.env.update(tls)


def test_a_story_completes_over_verified_tls(
    tls_redis: TlsProxy, redis_server_url: str, tmp_path: Path
) -> None:
    stack = fresh_stack(redis_server_url, tmp_path)
    over_tls(
        stack,
        tls_redis,
        redis_server_url,
        CODESTORY_REDIS_TLS_CA_FILE=str(tls_redis.authority.ca_file),
    )
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack.start("gateway", "story", "audio", "janitor")
    try:
        stack.wait_ready({"stories", "audio", "maintenance"}, timeout=90)
        story_id = stack.submit(repo)
        story = stack.wait_status(story_id, {"complete", "failed"}, timeout=180)
        assert story["status"] == "complete", story.get("failure_reason")
        assert stack.http.get(f"/api/v1/stories/{story_id}/audio").status_code == 200
    finally:
        stack.stop()
    assert tls_redis.handshakes >= 4, "every service spoke to Redis through TLS"
    for name in ("story", "audio", "janitor", "gateway"):
        log = stack.services[name].log_path.read_text()
        assert "defaulting to insecure" not in log.lower(), name


@pytest.mark.parametrize(
    ("tls", "ready"),
    [
        ({}, 503),  # the system's CAs do not know this server
        ({"wrong_ca": "1"}, 503),  # a CA bundle that did not sign it
        ({"wrong_ca": "1", "CODESTORY_REDIS_TLS_INSECURE": "true"}, 200),  # said by name
    ],
)
def test_the_certificate_is_checked_unless_switched_off(
    tls_redis: TlsProxy, redis_server_url: str, tmp_path: Path, tls: dict[str, str], ready: int
) -> None:
    stack = fresh_stack(redis_server_url, tmp_path)
    env = {k: v for k, v in tls.items() if k.startswith("CODESTORY_")}
    if "wrong_ca" in tls:
        other = make_authority(tmp_path / "other", "other")
        env["CODESTORY_REDIS_TLS_CA_FILE"] = str(other.ca_file)
    over_tls(stack, tls_redis, redis_server_url, **env)
    stack.start("gateway")
    try:

        def answered() -> int | None:
            try:
                status = httpx.get(f"{stack.base_url}/readyz", timeout=5).status_code
            except httpx.TransportError:
                return None
            return status if status == ready else None

        assert wait_for(answered, 30, f"/readyz {ready}") == ready
    finally:
        stack.stop()
