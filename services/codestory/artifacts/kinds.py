"""The one table of artifact kinds: every file a story leaves in the artifact store, under the
name its record, the API and the CLI use. A route, a link, a download in the CLI, the audio
cache and the janitor all read it; adding a kind is one entry here plus the code that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArtifactKind:
    name: str  # the key in the story record's `artifacts` and in the response's `links`
    file: str  # its file name under the story's folder (a trailing / for a folder)
    # Where the API serves it, under /api/v1/stories/{id}/; None: kept, never served.
    route: str | None = None
    linked: bool = False  # named in every story's `links`
    ranges: bool = True  # served with HTTP Range support (players seek)
    cached: bool = False  # kept with the audio of one script in one voice, for a later story
    summary: str = ""  # what the route answers, for the API's documentation


KINDS: tuple[ArtifactKind, ...] = (
    ArtifactKind(
        "audio",
        "story.mp3",
        route="audio",
        linked=True,
        cached=True,
        summary="The MP3, with ID3 chapters. Range requests are honoured, so players can seek.",
    ),
    ArtifactKind("chapters", "chapters.vtt", route="chapters.vtt", linked=True, cached=True),
    ArtifactKind(
        "captions",
        "captions.vtt",
        route="captions.vtt",
        linked=True,
        cached=True,
        summary="One WebVTT cue per spoken sentence, for a player's caption track.",
    ),
    ArtifactKind(
        "evidence",
        "evidence.json",
        route="evidence.json",
        linked=True,
        summary="Each caption cue's sources, numbered as captions.vtt numbers its cues: the "
        "files, lines and facts every sentence stands on.",
    ),
    ArtifactKind("transcript", "transcript.txt", route="transcript", linked=True, cached=True),
    # The finished record, so completed work outlives the loss of Redis.
    ArtifactKind("manifest", "manifest.json", route="manifest", ranges=False),
    ArtifactKind("script", "script.json"),  # the chapters' text, for the audio worker
    ArtifactKind("facts", "facts.json"),  # the analysis, kept until the script is stored
    ArtifactKind("log", "log.jsonl"),  # the story's log lines, once it has ended
    ArtifactKind("speech", "speech/"),  # chapters spoken so far, for a restarted audio task
    # Chapter times and duration: in the audio cache only, and last in this table (the cache
    # writes it last: an entry is whole once it exists).
    ArtifactKind("timing", "timing.json", cached=True),
)
ARTIFACTS = {kind.name: kind for kind in KINDS}
SERVED = tuple(kind for kind in KINDS if kind.route is not None)
LINKED = tuple(kind for kind in KINDS if kind.linked)
# What the audio cache keeps of one rendering, in the table's order: `timing` last.
CACHED = tuple(kind for kind in KINDS if kind.cached)
# What a finished story offers: the kinds served, by name, with their file names.
STORY_FILES = {kind.name: kind.file for kind in SERVED}


def story_prefix(story_id: str) -> str:
    """The folder of everything one story left in the artifact store."""
    return f"stories/{story_id}/"


def story_artifact(story_id: str, name: str) -> str:
    """The key of one of a story's artifacts, by its kind's name."""
    return story_prefix(story_id) + ARTIFACTS[name].file
