"""Developers' words said as developers say them, for every voice; the captions keep them
as written."""

# IPA is written in letters that look like Latin ones; that is the point here.
# ruff: noqa: RUF001

from __future__ import annotations

import array

import pytest

from codestory.speech.chapters import captions_vtt
from codestory.speech.engine import engine
from codestory.speech.pronunciation import pronounce
from codestory.speech.render import ChapterText, render_story
from codestory.speech.text import Speaker, speakable


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Start with the README.", "Start with the read-me."),
        ("It reads JSON, YAML and TOML.", "It reads jay-sahn, yammel and tommel."),
        ("Run pytest, or `pytest -x`.", "Run pie-test, or pie-test, x."),
        ("Redis or Valkey holds the queue.", "red-iss or val-key holds the queue."),
        ("Celery workers read it.", "sell-er-ee workers read it."),
        ("Deploy with kubectl behind nginx.", "Deploy with cube-control behind engine-x."),
        ("SQL in PostgreSQL, MySQL and SQLite.", "S-Q-L in Postgres-Q-L, My-S-Q-L and S-Q-Lite."),
        ("Released as 1.2.3, then `v2`.", "Released as 1 point 2 point 3, then version 2."),
        ("It moved to v2 and then v2.1.", "It moved to version 2 and then version 2 point 1."),
        ("Version `1.2.3` is out.", "Version 1 point 2 point 3 is out."),
        ("`HttpRequest` calls `load_rows`.", "Http Request calls load rows."),
        ("HttpRequest calls load_rows.", "Http Request calls load rows."),
        ("See services/codestory/queue.py first.", "See queue in services slash code-story first."),
        ("It reads config.yaml.", "It reads config dot yammel."),
        (
            "The API, the CLI, a URL, HTTP, the CPU.",
            "The A-P-I, the C-L-I, a U-R-L, H-T-T-P, the C-P-U.",
        ),
        ("Two APIs, three URLs, its IDs.", "Two A-P-I's, three U-R-L's, its I-D's."),
        ("The `api` folder and `HTTPServer`.", "The A-P-I folder and H-T-T-P Server."),
        ("It is built on FastAPI.", "It is built on Fast A-P-I."),
        ("It speaks gRPC.", "It speaks G-R-P-C."),
        ("This is a tour of codestory.", "This is a tour of code-story."),
        ("It builds src/bin/<name>.rs first.", "It builds name in src slash bin first."),
    ],
)
def test_developers_words_are_said_as_developers_say_them(written: str, spoken: str) -> None:
    assert speakable(written) == spoken


@pytest.mark.parametrize(
    "written",
    [
        "A calm voice reads it and/or a summary.",  # the article, a slash between words
        "It embeds V8 and reads I/O.",  # a name, not a version; a pair of letters
        "Released April 7, 2024 as 3 point 0.",  # already words
    ],
)
def test_ordinary_words_are_left_alone(written: str) -> None:
    assert pronounce(written) == written


class Listening:
    """The real espeak engine, keeping what it was given to say."""

    def __init__(self) -> None:
        self.inner = engine()
        self.name, self.sample_rate = self.inner.name, self.inner.sample_rate
        self.said: list[str] = []

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        self.said.append(text)
        return self.inner.synthesize(text, voice=voice, words_per_minute=words_per_minute)


def test_the_voice_hears_the_respelling_and_the_captions_keep_the_written_words() -> None:
    voice = Listening()
    chapters = [ChapterText("Redis and Celery", "Redis holds the queue. Celery reads the API.")]
    timed = render_story(voice, chapters, title="T", voice="en-us", words_per_minute=175).chapters
    assert voice.said == [
        "Chapter 1. red-iss and sell-er-ee.",
        "red-iss holds the queue.",
        "sell-er-ee reads the A-P-I.",
    ]
    assert [c.text for c in timed[0].cues] == ["Redis holds the queue.", "Celery reads the API."]
    captions = captions_vtt(timed)
    assert "Redis holds the queue." in captions and "red-iss" not in captions


# What espeak-ng says, in IPA: for its own reading of the written word, and for ours.
ESPEAK_SAYS = {
    "Redis": ("ɹᵻdiz", "ɹˈɛdˈɪs"),
    "pytest": ("pˈaɪɾɪst", "pˈaɪtˈɛst"),
    "kubectl": ("kjˈuːbɛktəl", "kjˈuːbkəntɹˈoʊl"),
    "Valkey": ("vˈælki", "vˈælkˈiː"),
    "Celery": ("sˈɛlɚɹi", "sˈɛlˈɜːɹˈiː"),
    "CLI": ("klˈaɪ", "sˈiːˈɛlˈaɪ"),
    "README": ("ɹˈiːdmiː", "ɹˈiːdmˌiː"),
    "nginx": ("ˈɛndʒɪn ˌɛks", "ˈɛndʒɪnˈɛks"),
    "JSON": ("dʒˈeɪsˈɑːn", "dʒˈeɪsˈɑːn"),
    "SQL": ("ˌɛskjˌuːˈɛl", "ˈɛskjˈuːˈɛl"),
}


@pytest.mark.parametrize("written", sorted(ESPEAK_SAYS))
def test_espeak_says_the_respelling_as_developers_do(written: str) -> None:
    own, ours = ESPEAK_SAYS[written]
    voice = engine()
    assert voice.phonemes(written, voice="en-us") == own
    assert voice.phonemes(Speaker().speak(written), voice="en-us") == ours


def test_phonemes_follow_every_clause() -> None:
    said = engine().phonemes("Run pytest. Then Redis, and Celery.", voice="en-us")
    assert said.split() == ["ɹˈʌn", "pˈaɪɾɪst", "ðˈɛn", "ɹᵻdiz", "ænd", "sˈɛlɚɹi"]
