from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from codestory.core.settings import Environment, Settings, describe_error, env_name, env_names


def test_broker_and_results_default_to_db_0_and_1() -> None:
    settings = Settings(redis_url="redis://cache:6380/5")
    assert settings.celery_broker_url == "redis://cache:6380/0"
    assert settings.celery_result_backend == "redis://cache:6380/1"


def test_password_is_added_to_every_url_that_lacks_one() -> None:
    settings = Settings(redis_url="redis://valkey:6379/0", redis_password="p@ss/word")
    assert settings.redis_url == "redis://:p%40ss%2Fword@valkey:6379/0"
    assert settings.celery_broker_url == "redis://:p%40ss%2Fword@valkey:6379/0"
    assert settings.celery_result_backend == "redis://:p%40ss%2Fword@valkey:6379/1"
    explicit = Settings(redis_url="redis://u:mine@valkey:6379/0", redis_password="other")
    assert explicit.redis_url == "redis://u:mine@valkey:6379/0"


def test_espeak_speaks_with_a_30_ms_word_gap_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().espeak_word_gap_ms == 30
    monkeypatch.setenv("CODESTORY_ESPEAK_WORD_GAP_MS", "0")
    assert Settings().espeak_word_gap_ms == 0


def test_hibari_speaks_unless_espeak_is_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (Settings().speech_engine, Settings().hibari_voice) == ("hibari", "heart")
    monkeypatch.setenv("CODESTORY_SPEECH_ENGINE", "espeak-ng")
    monkeypatch.setenv("CODESTORY_HIBARI_VOICE", "fenrir")
    assert (Settings().speech_engine, Settings().hibari_voice) == ("espeak-ng", "fenrir")
    monkeypatch.setenv("CODESTORY_SPEECH_ENGINE", "festival")
    with pytest.raises(ValidationError, match="speech_engine"):
        Settings()


def test_env_names_follow_the_convention() -> None:
    assert env_name("redis_url") == "REDIS_URL"
    assert env_name("celery_broker_url") == "CELERY_BROKER_URL"
    assert env_name("story_rate_limit") == "CODESTORY_STORY_RATE_LIMIT"
    assert "CODESTORY_ARTIFACT_URL" in env_names()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"REDIS_URL": "http://nope"}, "REDIS_URL"),
        ({"CODESTORY_GATEWAY_PORT": "seventy"}, "CODESTORY_GATEWAY_PORT"),
        ({"CODESTORY_ARTIFACT_URL": "relative/dir"}, "CODESTORY_ARTIFACT_URL"),
        ({"CODESTORY_STORY_RATE_LIMIT": "fast"}, "CODESTORY_STORY_RATE_LIMIT"),
        ({"CODESTORY_VISIBILITY_TIMEOUT": "100"}, "CODESTORY_VISIBILITY_TIMEOUT"),
        ({"CODESTORY_ENVIRONMENT": "production"}, "CODESTORY_ADMIN_TOKEN"),
        (
            {"CODESTORY_ENVIRONMENT": "production", "CODESTORY_ADMIN_TOKEN": "short-token"},
            "CODESTORY_ADMIN_TOKEN",
        ),
        ({"CODESTORY_API_KEYS": '{"alice": "cs_the-key-itself"}'}, "CODESTORY_API_KEYS"),
        ({"CODESTORY_API_KEYS": '{"a b": "' + "0" * 64 + '"}'}, "CODESTORY_API_KEYS"),
        ({"CODESTORY_API_KEYS": '["alice"]'}, "CODESTORY_API_KEYS"),
        ({"CODESTORY_ESPEAK_WORD_GAP_MS": "35"}, "CODESTORY_ESPEAK_WORD_GAP_MS"),
    ],
)
def test_bad_values_are_named(
    env: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError) as info:
        Settings()
    assert named in describe_error(info.value)


def test_a_bad_value_stops_the_process_with_one_line() -> None:
    env = {**os.environ, "CODESTORY_WORKER_CONCURRENCY": "-3"}
    result = subprocess.run(
        [sys.executable, "-m", "codestory", "dlq"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("codestory: invalid setting CODESTORY_WORKER_CONCURRENCY:")


def test_production_accepts_a_real_admin_token() -> None:
    settings = Settings(environment="production", admin_token="s3cret-token-long-enough-1234")
    assert settings.environment is Environment.PRODUCTION


def test_local_mode_makes_up_a_token_rather_than_use_a_known_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CODESTORY_ADMIN_TOKEN", raising=False)
    first, second = Settings(), Settings()
    assert len(first.admin_token) >= 24 and first.admin_token != second.admin_token


def test_trusted_proxies_are_addresses_or_networks() -> None:
    assert Settings(trusted_proxies=["10.0.0.0/8", "::1", "*"]).trusted_proxies
    with pytest.raises(ValidationError, match="not an address or a network"):
        Settings(trusted_proxies=["ingress-nginx"])


def test_the_gateway_believes_forwarded_headers_only_from_trusted_proxies() -> None:
    from codestory.gateway.server import uvicorn_config

    assert uvicorn_config(Settings()).proxy_headers is False
    trusted = uvicorn_config(Settings(trusted_proxies=["10.244.0.0/16"]))
    assert trusted.proxy_headers is True
    assert trusted.forwarded_allow_ips == ["10.244.0.0/16"]
