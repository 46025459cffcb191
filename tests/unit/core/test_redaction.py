"""No credential reaches a log line, a failure reason or a progress event."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from codestory.core.redaction import redact_text, secrets_from


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        ("clone https://bob:ghp_A1b2C3@github.com/a/b.git", "https://***@github.com/a/b", "ghp_"),
        ("https://ghp_A1b2C3@github.com/a/b", "github.com/a/b", "ghp_A1b2C3"),
        ("broker redis://:hunter2hunter2@valkey:6379/0 down", "valkey:6379/0", "hunter2"),
        ("rediss://default:pw-secret@cache:6380", "rediss://***@cache:6380", "pw-secret"),
        ("GET /api/v1/stories?offset=20&access_token=tok123 HTTP/1.1", "offset=20", "tok123"),
        ("https://s3/x?X-Amz-Signature=beef&X-Amz-Credential=AKIA/2026", "https://s3/x?", "beef"),
        ("https://host/p?api_key=k-9&page=2#frag", "page=2#frag", "k-9"),
        ('{"url": "https://h/?password=p4ss"}', '"url": "https://h/?password=***"', "p4ss"),
    ],
)
def test_credentials_in_urls_are_masked(text: str, kept: str, gone: str) -> None:
    cleaned = redact_text(text)
    assert kept in cleaned and gone not in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "Fetching https://github.com/pallets/click",
        "see https://example.com/docs?page=3&lang=en",
        "user@example.com wrote 3 files; a=b and key words",
        "/api/v1/stories?offset=0&limit=20",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_the_processs_own_secrets_are_found_and_masked_longest_first() -> None:
    environ = {
        "CODESTORY_ADMIN_TOKEN": "admin-token-abcdefghijklmnop",
        "CODESTORY_LLM_API_KEY": "sk-live-0123456789",
        "REDIS_URL": "redis://:valkey-pass-77@127.0.0.1:6379/0",
        "CODESTORY_TTS_API_KEY": "abc",  # too short to mask without masking words
        "HOME": "/root",
    }
    found = secrets_from(environ)
    assert found == ("admin-token-abcdefghijklmnop", "sk-live-0123456789", "valkey-pass-77")
    text = "token admin-token-abcdefghijklmnop key sk-live-0123456789 pw valkey-pass-77 abc"
    assert redact_text(text, found) == "token *** key *** pw *** abc"


LOGGING_PROGRAM = """
import logging, sys
from codestory.observability.logging import configure_logging
from codestory.core.settings import LogFormat
configure_logging("INFO", LogFormat[sys.argv[1]])
log = logging.getLogger("codestory.test")
log.info("calling %s", "https://user:url-secret-1@git.example/x.git")
log.warning("planted", extra={"detail": {"nested": ["planted-env-secret-2"]}})
try:
    raise RuntimeError("failed with planted-env-secret-2")
except RuntimeError:
    log.exception("boom")
"""


@pytest.mark.parametrize("log_format", ["JSON", "CONSOLE"])
def test_the_configured_logging_masks_urls_and_planted_secrets(log_format: str) -> None:
    env = {"CODESTORY_LLM_API_KEY": "planted-env-secret-2", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", LOGGING_PROGRAM, log_format],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stderr
    assert "url-secret-1" not in out and "planted-env-secret-2" not in out
    assert "https://***@git.example/x.git" in out
    assert out.count("***") >= 3, out  # the URL, the nested extra and the traceback
    if log_format == "JSON":
        lines = [json.loads(line) for line in out.splitlines()]
        assert lines[1]["detail"] == {"nested": ["***"]}
        assert logging.getLevelName(lines[2]["level"].upper()) == logging.ERROR
