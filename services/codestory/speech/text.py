"""Rewrite written text so a speech engine reads paths and identifiers aloud sensibly."""

from __future__ import annotations

import re

_PATHLIKE = re.compile(r"[\w.-]+(?:/[\w.-]+)+/?|\b[\w-]+\.[A-Za-z][\w]{0,5}\b")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _speak_token(token: str) -> str:
    token = token.rstrip("/")
    token = token.replace("/", " slash ").replace(".", " dot ")
    return token.replace("_", " ").replace("-", " ")


def speakable(text: str) -> str:
    """`services/codestory/queue.py` -> `services slash codestory slash queue dot py`."""
    spoken = _PATHLIKE.sub(lambda m: _speak_token(m.group(0)), text)
    spoken = re.sub(r"\b(\w+)_(\w+)\b", lambda m: m.group(0).replace("_", " "), spoken)
    spoken = _CAMEL.sub(" ", spoken)
    return re.sub(r"\s+", " ", spoken).strip()
