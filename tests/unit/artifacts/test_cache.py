"""The analysis and audio caches on a real file store: keys, round trips, damage, expiry."""

from __future__ import annotations

import os
import time
from pathlib import Path

from codestory.analysis import analyse
from codestory.artifacts.backends import FileArtifactStore
from codestory.artifacts.cache import audio_key, load_audio, save_audio
from codestory.artifacts.kinds import CACHED
from codestory.observability.metrics import CACHE_LOOKUPS
from codestory.story_worker.analysis_cache import analysis_key, load_analysis, save_analysis
from tests.support import SAMPLE_PROJECT, write_files


def lookups(cache: str, result: str) -> float:
    return CACHE_LOOKUPS.labels(cache=cache, result=result)._value.get()


def test_analysis_round_trip_and_damage(tmp_path: Path) -> None:
    store = FileArtifactStore(tmp_path / "store")
    facts = analyse(write_files(tmp_path / "repo", SAMPLE_PROJECT), name="tally")
    key = analysis_key("c" * 40, 100, 1000)
    misses = lookups("analysis", "miss")
    assert load_analysis(store, key) is None
    assert lookups("analysis", "miss") == misses + 1
    save_analysis(store, key, facts)
    hits = lookups("analysis", "hit")
    assert load_analysis(store, key) == facts  # modules and symbols survive the trip
    assert lookups("analysis", "hit") == hits + 1
    store.put(key, b"{not json")
    assert load_analysis(store, key) is None  # damage is a miss, never an error


def test_keys_change_with_what_shapes_the_result() -> None:
    assert analysis_key("a" * 40, 10, 20) != analysis_key("b" * 40, 10, 20)
    assert analysis_key("a" * 40, 10, 20) != analysis_key("a" * 40, 11, 20)
    script = {"title": "t", "chapters": [{"title": "c", "paragraphs": ["p"]}]}
    shape = {"words_per_minute": 170, "bitrate_kbps": 64, "render": "1"}
    base = audio_key(script, voice="en-us", engine="espeak-ng", shape=shape)
    assert base == audio_key(dict(script), voice="en-us", engine="espeak-ng", shape=dict(shape))
    assert base != audio_key(script, voice="en-gb", engine="espeak-ng", shape=shape)
    assert base != audio_key(script, voice="en-us", engine="http", shape=shape)
    assert base != audio_key(
        script, voice="en-us", engine="espeak-ng", shape={**shape, "render": "2"}
    )
    other = {"title": "t", "chapters": [{"title": "c", "paragraphs": ["q"]}]}
    assert base != audio_key(other, voice="en-us", engine="espeak-ng", shape=shape)


def test_audio_entry_is_complete_or_missing(tmp_path: Path) -> None:
    store = FileArtifactStore(tmp_path / "store")
    folder = "cache/audio/abc/"
    files = {kind.name: kind.file.encode() for kind in CACHED}
    files["timing"] = b'{"duration_seconds": 1.5, "chapters": []}'
    save_audio(store, folder, files)
    found = load_audio(store, folder)
    assert found is not None and found.timing["duration_seconds"] == 1.5
    (tmp_path / "store" / folder / "story.mp3").unlink()
    assert load_audio(store, folder) is None


def test_expiry_removes_only_old_cache_files(tmp_path: Path) -> None:
    store = FileArtifactStore(tmp_path / "store")
    store.put("cache/audio/old/story.mp3", b"x")
    store.put("cache/audio/new/story.mp3", b"y")
    store.put("stories/s1/story.mp3", b"z")
    long_ago = time.time() - 30 * 86400
    os.utime(tmp_path / "store/cache/audio/old/story.mp3", (long_ago, long_ago))
    assert store.delete_older_than("cache/", time.time() - 7 * 86400) == 1
    assert not (tmp_path / "store/cache/audio/old/story.mp3").exists()
    assert store.get("cache/audio/new/story.mp3") == b"y"
    assert store.get("stories/s1/story.mp3") == b"z"


def test_one_commit_under_two_names_is_two_analyses() -> None:
    # A project without a declared name is named after its repository.
    assert analysis_key("a" * 40, 10, 20, 1, name="click") != analysis_key(
        "a" * 40, 10, 20, 1, name="click-fork"
    )
