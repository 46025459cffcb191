"""The podcast feed: every complete story the caller may see, newest first, with its audio,
chapters and transcripts, for any podcast app.

Podcast apps send no headers of their own, so a gateway with API keys takes the key as a
path segment (`/api/v1/feed/<key>`), never a query string, and the feed's media links carry
it the same way. Metrics name routes by their template and traces leave these paths out, so
the key is never written down by the gateway.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from codestory.artifacts.backends import ArtifactNotFoundError
from codestory.artifacts.kinds import ARTIFACTS
from codestory.core.domain import Status, Story, repository_name
from codestory.gateway.access import Caller, client_address, identify, refused
from codestory.gateway.deps import State
from codestory.gateway.feed import (
    FeedChannel,
    FeedChapter,
    FeedItem,
    description_of,
    json_chapters,
    render_feed,
)
from codestory.gateway.routes.stories import base_url, load_story, serve_artifact
from codestory.gateway.schemas import problems
from codestory.gateway.state import GatewayState

router = APIRouter(prefix="/feed", tags=["feed"], responses=problems(400, 401, 503))

FEED_ITEMS = 100  # the newest complete stories a feed lists
SCAN_LIMIT = 1_000  # records read at most to find them: bounded, however many failed
RSS_TYPE = "application/rss+xml; charset=utf-8"
# The files a feed links, by the name in their URL: what a podcast app downloads.
MEDIA = {ARTIFACTS[name].file: name for name in ("audio", "transcript", "captions")}
CHAPTERS_FILE = "chapters.json"


def _caller(state: GatewayState, request: Request, key: str | None) -> Caller:
    return identify(state, f"Bearer {key}" if key is not None else None, client_address(request))


def _anonymous(state: GatewayState, request: Request, authorization: str | None) -> Caller:
    if authorization is None and state.settings.api_keys:
        raise refused("this gateway needs an API key: subscribe to /api/v1/feed/<your key>")
    return identify(state, authorization, client_address(request))


def same_repository(a: str, b: str) -> bool:
    """`https://github.com/a/b.git/` and `https://GitHub.com/a/b` are one repository."""

    def norm(url: str) -> str:
        head, _, path = url.strip().rstrip("/").removesuffix(".git").partition("://")
        host, _, rest = path.partition("/")
        return f"{head.lower()}://{host.lower()}/{rest}"

    return norm(a) == norm(b)


def complete_stories(state: GatewayState, caller: Caller, repository: str | None) -> list[Story]:
    """The newest complete stories the caller may see, reading at most SCAN_LIMIT records."""
    owner = None if caller.admin else caller.owner
    found: list[Story] = []
    offset = 0
    while len(found) < FEED_ITEMS and offset < SCAN_LIMIT:
        page, total = state.store.page(offset=offset, limit=100, owner=owner)
        found += [
            s
            for s in page
            if s.status is Status.COMPLETE
            and caller.may_see(s)
            and "audio" in s.artifacts
            and (repository is None or same_repository(s.repository_url, repository))
        ]
        offset += 100
        if offset >= total:
            break
    return found[:FEED_ITEMS]


def feed_response(
    state: GatewayState, request: Request, caller: Caller, key: str | None, repository: str | None
) -> Response:
    base = base_url(state, request).rstrip("/")
    media_root = f"{base}/api/v1/feed" + (f"/{key}" if key is not None else "")
    items = []
    for story in complete_stories(state, caller, repository):
        try:
            size = state.artifacts.size(story.artifacts["audio"])
        except ArtifactNotFoundError:
            continue  # expired meanwhile: nothing to enclose
        chapters = [FeedChapter(c.start_seconds, c.title) for c in story.chapters]
        title = story.title or repository_name(story.repository_url)
        folder = f"{media_root}/stories/{story.id}"
        items.append(
            FeedItem(
                guid=story.id,
                # A digest's title names its range; a tour's says which kind of tour it is.
                title=title if story.since else f"{title}: {story.style.value.replace('_', ' ')}",
                description=description_of(title, chapters, story.repository_url),
                published=story.updated_at,
                audio_url=f"{folder}/{ARTIFACTS['audio'].file}",
                audio_bytes=size,
                duration_seconds=story.duration_seconds or 0.0,
                page_url=f"{base}/api/v1/stories/{story.id}",
                chapters_url=f"{folder}/{CHAPTERS_FILE}",
                transcript_url=f"{folder}/{ARTIFACTS['transcript'].file}",
                captions_url=f"{folder}/{ARTIFACTS['captions'].file}",
            )
        )
    name = repository_name(repository) if repository else None
    channel = FeedChannel(
        title=f"codestory: {name}" if name else "codestory",
        description=(
            f"Narrated tours of {repository}." if repository else "Narrated tours of code."
        ),
        self_url=media_root + (f"?{urlencode({'repository': repository})}" if repository else ""),
        site_url=f"{base}/",
    )
    return Response(render_feed(channel, items), media_type=RSS_TYPE)


def media_response(
    state: GatewayState,
    request: Request,
    caller: Caller,
    story_id: str,
    file: str,
    range_header: str | None,
) -> Response:
    if file == CHAPTERS_FILE:
        story = load_story(state, story_id, caller)
        if story.status is not Status.COMPLETE:
            raise HTTPException(
                404, detail=f"the chapters are not ready: the story is {story.status}"
            )
        chapters = [FeedChapter(c.start_seconds, c.title) for c in story.chapters]
        document = json_chapters(chapters, story.title or repository_name(story.repository_url))
        return JSONResponse(document, media_type="application/json+chapters")
    name = MEDIA.get(file)
    if name is None:
        raise HTTPException(404, detail=f"a feed offers no {file!r}")
    return serve_artifact(state, story_id, name, range_header, request, caller)


Repository = Annotated[
    str | None, Query(max_length=1000, description="only the stories of this repository URL")
]
FEED_RESPONSES = {200: {"content": {"application/rss+xml": {}}}, **problems(401)}


@router.get("", response_class=Response, responses=FEED_RESPONSES)
def feed(
    request: Request,
    state: State,
    repository: Repository = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    """The podcast feed (RSS 2.0, iTunes and Podcasting 2.0 tags) of the caller's complete
    stories. On a gateway with API keys, subscribe to /api/v1/feed/{key} instead."""
    caller = _anonymous(state, request, authorization)
    return feed_response(state, request, caller, None, repository)


@router.get("/{key}", response_class=Response, responses=FEED_RESPONSES)
def keyed_feed(
    key: Annotated[str, Path(max_length=200)],
    request: Request,
    state: State,
    repository: Repository = None,
) -> Response:
    """The feed of one API key's stories, the key in the path: what a podcast app can send."""
    return feed_response(state, request, _caller(state, request, key), key, repository)


@router.api_route(
    "/stories/{story_id}/{file}",
    methods=["GET", "HEAD"],
    response_class=Response,
    responses=problems(404, 416),
    include_in_schema=False,
)
def media(
    story_id: str,
    file: str,
    request: Request,
    state: State,
    range: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    caller = _anonymous(state, request, authorization)
    return media_response(state, request, caller, story_id, file, range)


@router.api_route(
    "/{key}/stories/{story_id}/{file}",
    methods=["GET", "HEAD"],
    response_class=Response,
    responses=problems(401, 404, 416),
    include_in_schema=False,
)
def keyed_media(
    key: str,
    story_id: str,
    file: str,
    request: Request,
    state: State,
    range: Annotated[str | None, Header()] = None,
) -> Response:
    caller = _caller(state, request, key)
    return media_response(state, request, caller, story_id, file, range)
