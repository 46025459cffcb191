"""Spoken chapters kept in the artifact store while a story is being rendered.

A worker killed at chapter 7 of 9 leaves chapters 1-6 here (or any others that were spoken
at once with them); the redelivered task speaks only the rest. Each part is the chapter's
levelled samples, exactly what went into the MP3 encoder, so the redelivered task feeds the
stored and the new chapters, in story order, to a new encoder and gets the same MP3 bytes
an uninterrupted rendering would have (the encoder's own state is never stored).

Parts sit under the story's own prefix, in a folder named after everything that shapes the
sound, so a retry with another voice or speed never mixes in old audio. They are removed
once the MP3 is stored, and with the story otherwise.
"""

from __future__ import annotations

import array
import json
import logging
from collections.abc import Callable

from codestory.artifacts.backends import CACHE_PREFIX, ArtifactNotFoundError, ArtifactStore
from codestory.artifacts.kinds import story_artifact
from codestory.speech.chapters import Cue
from codestory.speech.render import SpokenChapter

log = logging.getLogger("codestory.audio")


def parts_prefix(story_id: str) -> str:
    return story_artifact(story_id, "speech")


class _SpokenChapterFiles:
    """Spoken chapters as two files each under one folder: the samples, then a record of
    them (written last, so a chapter counts only once it is whole)."""

    def __init__(
        self, store: ArtifactStore, folder: str, on_reuse: Callable[[str], None] | None = None
    ) -> None:
        self.store = store
        self.folder = folder
        self.on_reuse = on_reuse

    def _keys(self, name: str) -> tuple[str, str]:
        return f"{self.folder}{name}.pcm", f"{self.folder}{name}.json"

    def has_file(self, name: str) -> bool:
        try:
            self.store.size(self._keys(name)[1])
        except ArtifactNotFoundError:
            return False
        return True

    def load_file(self, name: str) -> SpokenChapter | None:
        pcm_key, meta_key = self._keys(name)
        try:
            meta = json.loads(self.store.get(meta_key))
            pcm = self.store.get(pcm_key)
            samples = array.array("h")
            samples.frombytes(pcm)
            if len(samples) != meta["samples"]:
                raise ValueError("sample count differs from the record")
            cues = tuple(Cue(c["start"], c["end"], c["text"]) for c in meta["cues"])
            found = SpokenChapter(samples, cues, float(meta["speech_seconds"]))
        except ArtifactNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            # A damaged part is spoken again, never trusted.
            log.warning("unreadable spoken chapter; speaking it again", extra={"key": meta_key})
            return None
        if self.on_reuse is not None:
            self.on_reuse(name)
        return found

    def save_file(self, name: str, chapter: SpokenChapter) -> None:
        pcm_key, meta_key = self._keys(name)
        meta = {
            "samples": len(chapter.samples),
            "speech_seconds": chapter.speech_seconds,
            "cues": [
                {"start": c.start_seconds, "end": c.end_seconds, "text": c.text}
                for c in chapter.cues
            ],
        }
        self.store.put(pcm_key, chapter.samples.tobytes())
        self.store.put(meta_key, json.dumps(meta).encode())


class StoredChapterParts(_SpokenChapterFiles):
    """One story's chapters by their place in it, kept until its MP3 is stored."""

    def __init__(
        self,
        store: ArtifactStore,
        story_id: str,
        rendering: str,
        on_reuse: Callable[[int], None] | None = None,
    ) -> None:
        told = None if on_reuse is None else (lambda name: on_reuse(int(name.split("-")[1])))
        super().__init__(store, f"{parts_prefix(story_id)}{rendering}/", told)

    def has(self, index: int) -> bool:
        """Whether the chapter was stored whole (its record is written last)."""
        return self.has_file(f"chapter-{index}")

    def load(self, index: int) -> SpokenChapter | None:
        return self.load_file(f"chapter-{index}")

    def save(self, index: int, chapter: SpokenChapter) -> None:
        self.save_file(f"chapter-{index}", chapter)


class ChapterCache(_SpokenChapterFiles):
    """Chapters of every story by what they say and how they sound (speech/render.py's
    chapter_key): a retold story takes the chapters whose words did not change. Aged out
    with the rest of the cache by the janitor."""

    def __init__(self, store: ArtifactStore) -> None:
        super().__init__(store, f"{CACHE_PREFIX}chapters/")

    def has(self, key: str) -> bool:
        return self.has_file(key)

    def load(self, key: str) -> SpokenChapter | None:
        return self.load_file(key)

    def save(self, key: str, chapter: SpokenChapter) -> None:
        self.save_file(key, chapter)
