"""WebVTT chapters, sentence captions and the plain-text transcript, from the timings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    """One sentence on screen while it is spoken: its written words, code unquoted, and a
    path the voice said before shortened as the voice says it (`Speaker.shown`)."""

    start_seconds: float
    end_seconds: float
    text: str


@dataclass(frozen=True)
class TimedChapter:
    title: str
    text: str
    start_seconds: float
    duration_seconds: float
    cues: tuple[Cue, ...] = ()

    @property
    def end_seconds(self) -> float:
        return self.start_seconds + self.duration_seconds


def vtt_timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def chapters_vtt(chapters: list[TimedChapter]) -> str:
    cues = ["WEBVTT", ""]
    for number, chapter in enumerate(chapters, start=1):
        cues += [
            str(number),
            f"{vtt_timestamp(chapter.start_seconds)} --> {vtt_timestamp(chapter.end_seconds)}",
            chapter.title.replace("-->", "->"),
            "",
        ]
    return "\n".join(cues)


def captions_vtt(chapters: list[TimedChapter]) -> str:
    """Sentence-level captions: what a player shows under the audio, code spans unquoted."""
    lines = ["WEBVTT", ""]
    number = 0
    for chapter in chapters:
        for cue in chapter.cues:
            number += 1
            text = cue.text.replace("`", "").replace("-->", "->")
            lines += [
                str(number),
                f"{vtt_timestamp(cue.start_seconds)} --> {vtt_timestamp(cue.end_seconds)}",
                text,
                "",
            ]
    return "\n".join(lines)


def transcript(title: str, chapters: list[TimedChapter]) -> str:
    lines = [title, "=" * len(title), ""]
    for number, chapter in enumerate(chapters, start=1):
        stamp = vtt_timestamp(chapter.start_seconds).split(".")[0]
        heading = f"{number}. {chapter.title} [{stamp}]"
        lines += [heading, "-" * len(heading), "", chapter.text, ""]
    return "\n".join(lines)
