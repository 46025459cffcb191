"""Watched repositories: a story request told again whenever its ref moves. Made, listed,
paused, resumed and deleted by their owner (an API key; anyone without keys); each client
keeps at most `max_watches_per_client`, and the stories a watch submits count against its
owner's quotas like any other."""

from __future__ import annotations

import contextlib
import time

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from codestory.core.domain import ExpertiseLevel, Style
from codestory.core.watches import Watch, WatchRequest, WatchTells
from codestory.gateway.access import Caller, CallerDep
from codestory.gateway.deps import State
from codestory.gateway.routes.stories import base_url, check_source, field_error
from codestory.gateway.schemas import problems
from codestory.gateway.state import GatewayState
from codestory.records.watches import WatchNotFoundError

router = APIRouter(prefix="/watches", tags=["watches"], responses=problems(400, 401, 503))


class WatchedRequest(BaseModel):
    """The story request a watch tells again, as stored (the request's input rules, such
    as the URL pattern a client is shown, are not promised of what was accepted)."""

    repository_url: str
    ref: str | None = None
    style: Style
    expertise_level: ExpertiseLevel
    focus_areas: list[str]


class WatchOut(BaseModel):
    id: str
    request: WatchedRequest
    interval_seconds: int
    tells: WatchTells
    paused: bool
    created_at: float
    next_check_at: float
    last_checked_at: float | None
    last_commit: str | None
    last_story_id: str | None
    last_error: str | None
    stories_submitted: int
    url: str  # this watch in the API
    last_story_url: str | None = None


class WatchList(BaseModel):
    items: list[WatchOut]


def watch_out(watch: Watch, base: str) -> WatchOut:
    root = f"{base.rstrip('/')}/api/v1"
    last = f"{root}/stories/{watch.last_story_id}" if watch.last_story_id else None
    kept = watch.model_dump(exclude={"owner", "client", "admin"})  # whose it is stays ours
    return WatchOut(**kept, url=f"{root}/watches/{watch.id}", last_story_url=last)


def may_see(caller: Caller, watch: Watch) -> bool:
    return caller.admin or caller.owner is None or watch.owner == caller.owner


def load_watch(state: GatewayState, watch_id: str, caller: Caller) -> Watch:
    """The watch, or 404: also another key's, so its existence is not told."""
    try:
        watch = state.store.get_watch(watch_id)
    except WatchNotFoundError:
        watch = None
    if watch is None or not may_see(caller, watch):
        raise HTTPException(status_code=404, detail=f"no watch with id {watch_id!r}")
    return watch


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WatchOut,
    responses=problems(429),
)
def create_watch(
    body: WatchRequest, request: Request, response: Response, state: State, caller: CallerDep
) -> WatchOut | JSONResponse:
    """Watch a repository's ref: the first check notes its commit, and each move after it
    submits a new story of the repository, told as this request asks."""
    problem = check_source(state, body, admin=caller.admin)
    if problem is not None:
        return field_error(*problem)
    settings = state.settings
    if body.interval_minutes * 60 < settings.watch_min_interval_seconds:
        shortest = max(settings.watch_min_interval_seconds // 60, 1)
        return field_error("interval_minutes", f"must be at least {shortest} on this server")
    watch = Watch.new(body, owner=caller.owner, client=caller.client, admin=caller.admin)
    cap = settings.max_watches_per_client
    if not state.store.add_watch(watch, cap=cap):
        return JSONResponse(
            status_code=429,
            content={"detail": f"at most {cap} watches per client; delete one first"},
        )
    shown = watch_out(watch, base_url(state, request))
    response.headers["Location"] = shown.url
    return shown


@router.get("", response_model=WatchList)
def list_watches(request: Request, state: State, caller: CallerDep) -> WatchList:
    """Newest first: every watch for the admin or without API keys, else the key's own."""
    owner = None if caller.admin or caller.owner is None else caller.owner
    base = base_url(state, request)
    return WatchList(items=[watch_out(w, base) for w in state.store.watches(owner=owner)])


@router.get("/{watch_id}", response_model=WatchOut, responses=problems(404))
def get_watch(watch_id: str, request: Request, state: State, caller: CallerDep) -> WatchOut:
    return watch_out(load_watch(state, watch_id, caller), base_url(state, request))


@router.post("/{watch_id}/pause", response_model=WatchOut, responses=problems(404))
def pause_watch(watch_id: str, request: Request, state: State, caller: CallerDep) -> WatchOut:
    """No more checks until it is resumed."""
    load_watch(state, watch_id, caller)
    watch = state.store.pause_watch(watch_id, True, now=time.time())
    return watch_out(watch, base_url(state, request))


@router.post("/{watch_id}/resume", response_model=WatchOut, responses=problems(404))
def resume_watch(watch_id: str, request: Request, state: State, caller: CallerDep) -> WatchOut:
    """Checks again, the next one an interval from now."""
    load_watch(state, watch_id, caller)
    watch = state.store.pause_watch(watch_id, False, now=time.time())
    return watch_out(watch, base_url(state, request))


@router.post("/{watch_id}/check", status_code=202, response_model=WatchOut, responses=problems(404))
def check_watch_now(watch_id: str, request: Request, state: State, caller: CallerDep) -> WatchOut:
    """Check at the janitor's next scan instead of waiting out the interval (a paused watch
    is resumed)."""
    load_watch(state, watch_id, caller)
    watch = state.store.check_soon(watch_id, now=time.time())
    return watch_out(watch, base_url(state, request))


@router.delete("/{watch_id}", status_code=204, responses=problems(404))
def delete_watch(watch_id: str, state: State, caller: CallerDep) -> Response:
    """Stop watching; the stories it submitted stay."""
    load_watch(state, watch_id, caller)
    with contextlib.suppress(WatchNotFoundError):  # a concurrent delete: the outcome asked for
        state.store.delete_watch(watch_id)
    return Response(status_code=204)
