"""WebVTT chapters and the plain-text transcript, from chapter timings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimedChapter:
    title: str
    text: str
    start_seconds: float
    duration_seconds: float

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


def transcript(title: str, chapters: list[TimedChapter]) -> str:
    lines = [title, "=" * len(title), ""]
    for number, chapter in enumerate(chapters, start=1):
        stamp = vtt_timestamp(chapter.start_seconds).split(".")[0]
        heading = f"{number}. {chapter.title} [{stamp}]"
        lines += [heading, "-" * len(heading), "", chapter.text, ""]
    return "\n".join(lines)
