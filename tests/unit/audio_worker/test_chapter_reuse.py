"""Tours that repair themselves: a retold story speaks again only the chapters whose words
changed; the others come from the chapter cache, and the MP3 is the one a fresh rendering
of the new script would give."""

from __future__ import annotations

from pathlib import Path

from codestory.artifacts.backends import FileArtifactStore
from codestory.audio_worker.chapter_parts import ChapterCache
from codestory.speech.neural_engine import neural_engine
from codestory.speech.render import (
    ChapterText,
    RenderedAudio,
    package_audio,
    render_story,
    speak_and_encode,
)

FIRST = [
    ChapterText("What it is", "Tally counts words. It reads `src/tally/cli.py` first."),
    ChapterText("Where it starts", "A run begins at `main`. It calls `count_words`."),
    ChapterText("Key ideas", "`WordCounter` keeps the counts."),
]
# The second telling changed the middle chapter only.
SECOND = [
    FIRST[0],
    ChapterText("Where it starts", "A run begins at `main`, then `render`."),
    FIRST[2],
]


def _render(
    chapters: list[ChapterText], cache: ChapterCache | None, sound: str = "a"
) -> RenderedAudio:
    encoded = speak_and_encode(
        neural_engine(),
        chapters,
        voice="en-us",
        words_per_minute=175,
        bitrate_kbps=64,
        shared=cache,
        sound=sound,
    )
    return package_audio(encoded, title="Tally")


def test_a_retold_story_speaks_only_its_changed_chapter(tmp_path: Path) -> None:
    cache = ChapterCache(FileArtifactStore(tmp_path / "store"))
    first = _render(FIRST, cache)
    assert first.reused == ()
    second = _render(SECOND, cache)
    assert second.reused == (0, 2)
    fresh = _render(SECOND, None)
    assert second.mp3 == fresh.mp3 and second.captions == fresh.captions


def test_another_voice_or_sound_reuses_nothing(tmp_path: Path) -> None:
    cache = ChapterCache(FileArtifactStore(tmp_path / "store"))
    _render(FIRST, cache, sound="espeak at 64 kbps")
    assert _render(FIRST, cache, sound="espeak at 128 kbps").reused == ()


def test_a_chapter_whose_paths_are_said_differently_is_spoken_again(tmp_path: Path) -> None:
    """The voice says a path in full once, then short: a chapter after a changed one that
    now mentions a path first sounds different, and is not taken from the cache."""
    cache = ChapterCache(FileArtifactStore(tmp_path / "store"))
    _render(FIRST, cache)
    earlier = ChapterText("What it is", "Tally counts words.")  # no longer names cli.py
    later = ChapterText("Where it starts", "It reads `src/tally/cli.py` first.")
    assert _render([earlier, later, FIRST[2]], cache).reused == (2,)


def test_a_damaged_cached_chapter_is_spoken_again(tmp_path: Path) -> None:
    store = FileArtifactStore(tmp_path / "store")
    cache = ChapterCache(store)
    _render(FIRST, cache)
    for pcm in (tmp_path / "store" / "cache" / "chapters").glob("*.pcm"):
        pcm.write_bytes(b"\x00\x01")
    again = _render(FIRST, cache)
    assert again.reused == ()
    assert again.mp3 == _render(FIRST, None).mp3


def test_render_story_passes_the_cache_through(tmp_path: Path) -> None:
    cache = ChapterCache(FileArtifactStore(tmp_path / "store"))
    render_story(
        neural_engine(), FIRST, title="T", voice="en-us", words_per_minute=175, shared=cache
    )
    again = render_story(
        neural_engine(), FIRST, title="T", voice="en-us", words_per_minute=175, shared=cache
    )
    assert again.reused == (0, 1, 2)
