"""The podcast feed, read as podcast apps read it (feedparser), from an in-process gateway on
a real Valkey: its items, enclosures, chapters and transcripts, its filter, and keys that
travel in the path and nowhere else."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from codestory.gateway.feed import PODCAST
from codestory.records.store import StoryStore
from tests.unit.gateway.finished import finished_story

AUDIO = b"ID3" + bytes(range(256)) * 8


def _read(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _local(url: str) -> str:
    """The path of one of the feed's own links (the test client speaks to the app)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_an_empty_feed_is_still_a_feed(client: TestClient) -> None:
    parsed = _read(client, "/api/v1/feed?repository=https://example.org/nobody/none")
    assert parsed.feed.title == "codestory: none"
    assert parsed.entries == []


def test_a_complete_story_is_an_episode_with_its_audio_chapters_and_transcripts(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    story = finished_story(store, env, AUDIO, url="https://github.com/psf/requests")
    parsed = _read(client, "/api/v1/feed?repository=https://github.com/psf/requests.git")
    [entry] = parsed.entries
    assert entry.id == story.id
    assert entry.title == "requests: overview"
    assert entry.itunes_duration == "0:02:32"
    [enclosure] = entry.enclosures
    assert enclosure.type == "audio/mpeg" and int(enclosure.length) == len(AUDIO)
    assert client.get(_local(enclosure.href)).content == AUDIO
    assert "0:01:02 Where it starts" in entry.summary
    chapters = entry.podcast_chapters
    assert chapters["type"] == "application/json+chapters"
    document = client.get(_local(chapters["url"])).json()
    assert [(c["startTime"], c["title"]) for c in document["chapters"]] == [
        (0.0, "What it is"),
        (61.5, "Where it starts"),
    ]
    # feedparser keeps one element of a namespace it does not know; the XML has both.
    feed = ElementTree.fromstring(client.get("/api/v1/feed").content)  # noqa: S314 - our own
    item = next(i for i in feed.iter("item") if i.findtext("guid") == story.id)
    transcripts = {t.get("type"): str(t.get("url")) for t in item.iter(f"{{{PODCAST}}}transcript")}
    assert client.get(_local(transcripts["text/plain"])).content == b"transcript of the story"
    assert client.get(_local(transcripts["text/vtt"])).content == b"captions of the story"
    ranged = client.get(_local(enclosure.href), headers={"Range": "bytes=0-2"})
    assert ranged.status_code == 206 and ranged.content == b"ID3"


def test_a_feed_follows_one_repository_and_lists_no_unfinished_story(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    mine = finished_story(store, env, AUDIO, url="https://github.com/encode/httpx")
    finished_story(store, env, AUDIO, url="https://github.com/encode/starlette")
    queued = client.post(
        "/api/v1/stories", json={"repository_url": "https://github.com/encode/httpx"}
    )
    assert queued.status_code == 202
    parsed = _read(client, "/api/v1/feed?repository=https://GitHub.com/encode/httpx/")
    assert [e.id for e in parsed.entries] == [mine.id]
    everything = _read(client, "/api/v1/feed")
    assert mine.id in {e.id for e in everything.entries}
    assert queued.json()["id"] not in {e.id for e in everything.entries}


def test_a_title_with_markup_is_text_in_the_feed(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    story = finished_story(store, env, AUDIO, url="https://github.com/a/odd")
    store.update(story.id, lambda s: setattr(s, "title", "<b>odd</b> & ]]>"))
    parsed = _read(client, "/api/v1/feed?repository=https://github.com/a/odd")
    assert parsed.entries[0].title == "<b>odd</b> & ]]>: overview"


def test_a_gateway_with_keys_takes_the_key_in_the_path_and_shows_only_its_stories(
    keyed: Any,
) -> None:
    client, store, env, keys = keyed
    anns = finished_story(store, env, AUDIO, owner="ann")
    bobs = finished_story(store, env, AUDIO, owner="bob")
    refused = client.get("/api/v1/feed")
    assert refused.status_code == 401 and "/api/v1/feed/<your key>" in refused.text
    assert client.get("/api/v1/feed/cs_not-a-key").status_code == 401
    parsed = _read(client, f"/api/v1/feed/{keys['ann']}")
    assert [e.id for e in parsed.entries] == [anns.id]
    [enclosure] = parsed.entries[0].enclosures
    assert f"/api/v1/feed/{keys['ann']}/stories/{anns.id}/" in enclosure.href
    assert client.get(_local(enclosure.href)).content == AUDIO
    # Another key's story is not told to exist, and media need the key too.
    other = f"/api/v1/feed/{keys['ann']}/stories/{bobs.id}/story.mp3"
    assert client.get(other).status_code == 404
    assert client.get(f"/api/v1/feed/stories/{anns.id}/story.mp3").status_code == 401


def test_the_key_in_a_feeds_path_is_not_written_into_metrics(keyed: Any) -> None:
    client, _store, _env, keys = keyed
    _read(client, f"/api/v1/feed/{keys['bob']}")
    exposition = [
        sample
        for family in REGISTRY.collect()
        for sample in family.samples
        if "/feed" in " ".join(str(v) for v in sample.labels.values())
    ]
    assert exposition, "the feed's requests are counted"
    assert not [s for s in exposition if keys["bob"] in " ".join(map(str, s.labels.values()))]


def test_a_feed_offers_no_other_file(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    story = finished_story(store, env, AUDIO)
    assert client.get(f"/api/v1/feed/stories/{story.id}/manifest.json").status_code == 404
    assert client.get(f"/api/v1/feed/stories/{story.id}/../../../etc/passwd").status_code == 404


def test_a_digest_is_an_episode_titled_by_its_range(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    story = finished_story(store, env, AUDIO, url="https://github.com/a/digested")
    store.update(story.id, lambda s: setattr(s, "since", "v1"))
    store.update(story.id, lambda s: setattr(s, "title", "digested: what changed from v1 to v2"))
    parsed = _read(client, "/api/v1/feed?repository=https://github.com/a/digested")
    assert parsed.entries[0].title == "digested: what changed from v1 to v2"
