"""Reuse of finished work, kept in the artifact store under `cache/` (the janitor ages it out).

Audio is keyed by a hash of the script and everything that shapes the sound (voice, engine,
speed, bitrate, renderer version); the story worker's analysis cache lives beside it in
story_worker/analysis_cache.py. A damaged entry is a miss, never an error: the work is
simply done again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from codestory.artifacts.backends import CACHE_PREFIX, ArtifactNotFoundError, ArtifactStore
from codestory.artifacts.kinds import CACHED
from codestory.observability.metrics import CACHE_LOOKUPS

log = logging.getLogger("codestory.cache")


def digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def audio_key(script: dict[str, Any], *, voice: str, engine: str, shape: dict[str, Any]) -> str:
    """The folder for this script spoken this way; `shape` holds speed, bitrate, version."""
    return f"{CACHE_PREFIX}audio/{digest(script, voice, engine, shape)}/"


def count_lookup(cache: str, hit: bool) -> str:
    result = "hit" if hit else "miss"
    CACHE_LOOKUPS.labels(cache=cache, result=result).inc()
    return result


@dataclass(frozen=True)
class CachedAudio:
    files: dict[str, bytes]  # the cached kinds' contents, by kind name
    timing: dict[str, Any]  # chapters and duration, as the record needs them


def load_audio(store: ArtifactStore, folder: str) -> CachedAudio | None:
    try:
        files = {kind.name: store.get(folder + kind.file) for kind in CACHED}
        timing = json.loads(files["timing"])
        found: CachedAudio | None = CachedAudio(files, timing)
    except (ArtifactNotFoundError, ValueError):
        found = None
    count_lookup("audio", found is not None)
    return found


def save_audio(store: ArtifactStore, folder: str, files: dict[str, bytes]) -> None:
    # timing goes last: an entry is complete only once it exists.
    for kind in CACHED:
        store.put(folder + kind.file, files[kind.name])
