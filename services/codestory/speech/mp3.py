"""PCM to MP3 (lameenc) with ID3v2 chapter frames (mutagen): CTOC plus one CHAP each."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import lameenc
from mutagen.id3 import CHAP, CTOC, ID3, TALB, TIT2, TPE1, CTOCFlags
from mutagen.mp3 import MP3

from codestory.speech.chapters import TimedChapter


class Mp3Stream:
    """One LAME encoder fed a story piece by piece, in order: one continuous MP3.

    LAME keeps what does not yet fill a frame (and its look-ahead) between calls, so
    pieces join with no gap or click, and the bytes are those of one call on the whole;
    only what is encoded so far is held, never the story's samples.
    """

    def __init__(self, *, sample_rate: int, bitrate_kbps: int) -> None:
        self._encoder = lameenc.Encoder()
        self._encoder.set_bit_rate(bitrate_kbps)
        self._encoder.set_in_sample_rate(sample_rate)
        self._encoder.set_channels(1)
        self._encoder.set_quality(5)
        self._mp3 = bytearray()

    def add(self, pcm: bytes) -> None:
        """Encode 16-bit mono samples that follow those added before."""
        self._mp3 += self._encoder.encode(pcm)

    def finish(self) -> bytes:
        self._mp3 += self._encoder.flush()
        return bytes(self._mp3)


def encode_mp3(pcm: bytes, *, sample_rate: int, bitrate_kbps: int) -> bytes:
    stream = Mp3Stream(sample_rate=sample_rate, bitrate_kbps=bitrate_kbps)
    stream.add(pcm)
    return stream.finish()


def tag_chapters(mp3: bytes, *, title: str, chapters: Sequence[TimedChapter]) -> bytes:
    """Return `mp3` with an ID3 tag naming the tour and marking each chapter."""
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[title]))
    tags.add(TPE1(encoding=3, text=["codestory"]))
    tags.add(TALB(encoding=3, text=[title]))
    ids = [f"chp{i}" for i in range(len(chapters))]
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=["Chapters"])],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=round(chapter.start_seconds * 1000),
                end_time=round(chapter.end_seconds * 1000),
                sub_frames=[TIT2(encoding=3, text=[chapter.title])],
            )
        )
    buffer = io.BytesIO(mp3)
    # ID3v2.3: the version every player that reads chapters understands.
    tags.save(buffer, v2_version=3)
    return buffer.getvalue()


def read_chapters(mp3: bytes) -> list[tuple[str, float, float]]:
    """(title, start, end) in seconds, in CTOC order: what a podcast player would show."""
    tags = ID3(io.BytesIO(mp3))
    toc = next(frame for frame in tags.getall("CTOC"))
    found = []
    for element_id in toc.child_element_ids:
        chap = tags[f"CHAP:{element_id}"]
        found.append((str(chap.sub_frames["TIT2"]), chap.start_time / 1000, chap.end_time / 1000))
    return found


def duration_seconds(mp3: bytes) -> float:
    # mutagen declares `info` as None at class level; an opened file always sets it.
    info: Any = MP3(io.BytesIO(mp3)).info
    return float(info.length)
