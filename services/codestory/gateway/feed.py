"""The podcast feed, as text: RSS 2.0 with the iTunes tags every podcast app reads and the
Podcasting 2.0 tags for chapters and transcripts. Pure: stories in, XML bytes out.

Built with the standard library's ElementTree, which escapes every text and attribute (a
story's title is a repository's name, chosen by whoever submitted it) and writes each
namespace once on the root.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import formatdate

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
for _prefix, _uri in (("itunes", ITUNES), ("podcast", PODCAST), ("atom", ATOM)):
    ET.register_namespace(_prefix, _uri)

JSON_CHAPTERS_TYPE = "application/json+chapters"


@dataclass(frozen=True)
class FeedChapter:
    start_seconds: float
    title: str


@dataclass(frozen=True)
class FeedItem:
    guid: str
    title: str
    description: str
    published: float  # seconds since the epoch
    audio_url: str
    audio_bytes: int
    duration_seconds: float
    page_url: str  # the story in the API
    chapters_url: str
    transcript_url: str
    captions_url: str


@dataclass(frozen=True)
class FeedChannel:
    title: str
    description: str
    self_url: str
    site_url: str


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def clock(seconds: float) -> str:
    """`itunes:duration` as H:MM:SS."""
    whole = max(round(seconds), 0)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def render_feed(channel: FeedChannel, items: list[FeedItem]) -> bytes:
    rss = ET.Element("rss", {"version": "2.0"})
    head = ET.SubElement(rss, "channel")
    _text(head, "title", channel.title)
    _text(head, "link", channel.site_url)
    _text(head, "description", channel.description)
    _text(head, "language", "en")
    _text(head, "generator", "codestory")
    ET.SubElement(
        head,
        f"{{{ATOM}}}link",
        {"href": channel.self_url, "rel": "self", "type": "application/rss+xml"},
    )
    _text(head, f"{{{ITUNES}}}author", "codestory")
    _text(head, f"{{{ITUNES}}}summary", channel.description)
    _text(head, f"{{{ITUNES}}}explicit", "false")
    ET.SubElement(head, f"{{{ITUNES}}}category", {"text": "Technology"})
    if items:
        _text(head, "lastBuildDate", formatdate(max(i.published for i in items), usegmt=True))
    for item in items:
        entry = ET.SubElement(head, "item")
        _text(entry, "title", item.title)
        _text(entry, "description", item.description)
        _text(entry, "link", item.page_url)
        _text(entry, "guid", item.guid, isPermaLink="false")
        _text(entry, "pubDate", formatdate(item.published, usegmt=True))
        ET.SubElement(
            entry,
            "enclosure",
            {"url": item.audio_url, "length": str(item.audio_bytes), "type": "audio/mpeg"},
        )
        _text(entry, f"{{{ITUNES}}}duration", clock(item.duration_seconds))
        _text(entry, f"{{{ITUNES}}}episodeType", "full")
        ET.SubElement(
            entry, f"{{{PODCAST}}}chapters", {"url": item.chapters_url, "type": JSON_CHAPTERS_TYPE}
        )
        for url, kind in ((item.transcript_url, "text/plain"), (item.captions_url, "text/vtt")):
            ET.SubElement(entry, f"{{{PODCAST}}}transcript", {"url": url, "type": kind})
    body: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return body


def json_chapters(chapters: list[FeedChapter], title: str) -> dict[str, object]:
    """The Podcasting 2.0 JSON chapters document of one story."""
    return {
        "version": "1.2.0",
        "title": title,
        "chapters": [{"startTime": round(c.start_seconds, 3), "title": c.title} for c in chapters],
    }


def description_of(title: str, chapters: list[FeedChapter], repository: str) -> str:
    """What an item says before it is played: where it comes from and its chapters."""
    listed = "; ".join(f"{clock(c.start_seconds)} {c.title}" for c in chapters)
    return f"A narrated tour of {repository}. Chapters: {listed}." if listed else title
