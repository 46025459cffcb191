"""Keep credentials out of what people read: logs, failure reasons and progress events.

Two kinds are removed from any text: the user-info and query values of URLs (where tokens
travel: `https://user:token@host`, `redis://:password@host`, `?access_token=...`), and the
exact values of this process's own secrets (admin token, Redis password, storage and
service keys), wherever they appear.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

MASK = "***"
# Environment variables whose values are secrets: never printed, whatever the context.
SECRET_VARIABLES = (
    "CODESTORY_ADMIN_TOKEN",
    "CODESTORY_REDIS_PASSWORD",
    "CODESTORY_S3_SECRET_ACCESS_KEY",
    "CODESTORY_LLM_API_KEY",
    "CODESTORY_TTS_API_KEY",
    "CODESTORY_API_KEY",
    "AWS_SECRET_ACCESS_KEY",
)
MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words

_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@?#]*@")
# A query parameter whose name says it carries a credential, in a full URL or a bare path.
_SECRET_PARAMETER = re.compile(
    r"(?i)(?P<name>[?&][^=\s&#]*(?:token|key|secret|pass|sig|auth|cred|session)[^=\s&#]*=)"
    r"[^&\s#\"']*"
)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with URL credentials and credential-like parameters masked, secrets replaced."""
    if "://" in text:
        text = _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", text)
    if "=" in text:
        text = _SECRET_PARAMETER.sub(lambda m: f"{m['name']}{MASK}", text)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def secrets_from(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The secret values set in `environ`, longest first (so none is left half-masked)."""
    found = {environ.get(name, "") for name in SECRET_VARIABLES}
    found |= {_url_password(environ.get(name, "")) for name in ("REDIS_URL", "CELERY_BROKER_URL")}
    return tuple(sorted((s for s in found if len(s) >= MIN_SECRET_LENGTH), key=len, reverse=True))


def _url_password(url: str) -> str:
    match = re.match(r"[a-z]+://[^:/@]*:([^@/]+)@", url)
    return match.group(1) if match else ""


@cache
def process_secrets() -> tuple[str, ...]:
    return secrets_from(os.environ)


def redact(text: str) -> str:
    """`redact_text` with this process's own secrets: for reasons and progress messages."""
    return redact_text(text, process_secrets())


class Redactor:
    """A structlog processor: every string in the event, nested ones too, redacted."""

    def __init__(self, secrets: Iterable[str] | None = None) -> None:
        self.secrets = tuple(secrets) if secrets is not None else process_secrets()

    def __call__(self, _logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
        return {key: self.clean(value) for key, value in event.items()}

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            return redact_text(value, self.secrets)
        if isinstance(value, dict):
            return {k: self.clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.clean(v) for v in value]
        return value
