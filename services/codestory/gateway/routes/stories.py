"""Stories: submit, list, read, cancel, and fetch their artifacts."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse

from codestory.artifacts.backends import (
    ArtifactNotFoundError,
    RangeNotSatisfiableError,
    content_type_for,
    parse_range,
)
from codestory.artifacts.kinds import SERVED, STORY_FILES, ArtifactKind
from codestory.core.domain import (
    ProgressEvent,
    SourceKind,
    SourcePolicyError,
    Status,
    Story,
    StoryRequest,
    TransitionError,
    classify_source,
)
from codestory.core.local_source import allowed_folder, git_directory
from codestory.core.settings import Settings
from codestory.gateway.access import Caller, CallerDep
from codestory.gateway.breaker import TRIPPING_ERRORS
from codestory.gateway.deps import State
from codestory.gateway.schemas import Accepted, StoryOut, StoryPage, links_for, problems, story_out
from codestory.gateway.state import GatewayState
from codestory.observability.metrics import STORIES_SUBMITTED
from codestory.observability.tracing import current_trace_id
from codestory.records import story_log
from codestory.records.store import IdempotencyConflictError, StoryNotFoundError
from codestory.runtime.dispatch import enqueue_stage, enqueue_story

log = logging.getLogger("codestory.gateway")

# Every story route may meet the Host check, the caller check and an unreachable Redis.
router = APIRouter(prefix="/stories", tags=["stories"], responses=problems(400, 401, 503))


def base_url(state: GatewayState, request: Request) -> str:
    return state.settings.public_base_url or str(request.base_url)


def field_error(field: str, message: str) -> JSONResponse:
    """A 422 shaped like FastAPI's own validation errors, naming the field."""
    return JSONResponse(
        status_code=422,
        content={"detail": [{"loc": ["body", field], "msg": message, "type": "value_error"}]},
    )


def url_refusal(settings: Settings, body: Any) -> dict[str, Any] | None:
    """The URL policy's refusal of a submission that failed validation in another field, so
    every field's error is told at once instead of one round each; None when it passes."""
    url = body.get("repository_url") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url:
        return None
    try:
        classify_source(
            url,
            allow_local_paths=settings.allow_local_paths,
            allowed_hosts=settings.allowed_hosts,
            max_length=settings.max_url_length,
            allowed_ports=tuple(settings.allowed_ports),
        )
    except SourcePolicyError as exc:
        return {"loc": ["body", "repository_url"], "msg": str(exc), "type": "value_error"}
    return None


def load_story(state: GatewayState, story_id: str, caller: Caller) -> Story:
    """The story, or 404: also for another API key's story, so its existence is not told."""
    try:
        story = state.store.get(story_id)
    except StoryNotFoundError:
        story = None
    if story is None or not caller.may_see(story):
        raise HTTPException(status_code=404, detail=f"no story with id {story_id!r}")
    return story


def check_source(
    state: GatewayState, request: StoryRequest, *, admin: bool
) -> tuple[str, str] | None:
    """(field, why) when the request is refused, None when it may be queued.

    Cheap checks of the fields come first; a local path is looked at on disk only for a
    caller with the admin token and only once it is known to lie under an allowed root, so
    a refusal never says whether some path exists.
    """
    settings = state.settings
    try:
        kind = classify_source(
            request.repository_url,
            allow_local_paths=settings.allow_local_paths,
            allowed_hosts=settings.allowed_hosts,
            max_length=settings.max_url_length,
            allowed_ports=tuple(settings.allowed_ports),
        )
    except SourcePolicyError as exc:
        return "repository_url", str(exc)
    if len(request.focus_areas) > settings.max_focus_areas:
        return "focus_areas", f"at most {settings.max_focus_areas} focus areas are allowed"
    if kind is SourceKind.LOCAL_PATH:
        if not admin:
            return "repository_url", (
                "a local path needs the admin token: submit it with the codestory CLI on the "
                "server's own machine"
            )
        try:
            # The written path is checked against the roots before the disk is touched;
            # then a repository's .git, whatever git would follow from it, too.
            folder = allowed_folder(request.repository_url, settings.local_roots)
            git_directory(folder, settings.local_roots)
        except SourcePolicyError as exc:
            return "repository_url", f"the path {exc}"
    return None


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=problems(409, 413, 429),
)
def submit_story(
    body: StoryRequest,
    request: Request,
    response: Response,
    state: State,
    caller: CallerDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Accepted | JSONResponse:
    """Accept a story and queue it; the work happens in the workers."""
    problem = check_source(state, body, admin=caller.admin)
    if problem is not None:
        return field_error(*problem)
    if fallback_is_full(state):  # refused before anything is recorded
        return fallback_full(state)
    new_story = Story.new(body, owner=caller.owner).model_copy(
        update={"trace_id": current_trace_id()}
    )
    if not caller.admin:
        broker_up = state.broker_breaker is None or not state.broker_breaker.is_open
        refusal = state.quotas.check_and_admit(
            caller.client, new_story.id, time.time(), broker_up=broker_up
        )
        if refusal is not None:
            return JSONResponse(
                status_code=refusal.status,
                content={"detail": refusal.detail},
                headers={"Retry-After": str(refusal.retry_after)},
            )
    fingerprint = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    try:
        story, created = state.store.create(
            new_story,
            idempotency=idempotency_scope(caller, idempotency_key),
            fingerprint=fingerprint,
            idempotency_ttl=state.settings.idempotency_ttl_seconds,
        )
    except IdempotencyConflictError:
        raise HTTPException(
            status_code=409, detail="this Idempotency-Key was used with a different request"
        ) from None
    degraded = story.degraded
    if created:
        state.store.publish(story.id, Status.QUEUED, "queued", "Waiting for a story worker")
        log.info("story accepted for %s", body.repository_url, extra={"story_id": story.id})
        # In the story's log before any worker can write there: its first line is this one.
        story_log.flush()
        sent = send_or_run_here(state, story.id)
        if sent is None:
            return fallback_full(state)
        degraded = sent
        STORIES_SUBMITTED.inc()
    links = links_for(story.id, base_url(state, request))
    response.headers["Location"] = links.self
    return Accepted(id=story.id, status=story.status, links=links, degraded=degraded)


def idempotency_scope(caller: Caller, key: str | None) -> str | None:
    """Each API key has its own Idempotency-Keys: one never hands back another's story."""
    if key is None or caller.owner is None:
        return key
    return f"key:{caller.owner}:{key}"


def send_or_run_here(state: GatewayState, story_id: str) -> bool | None:
    """Queue the story; in degraded mode, run it in the gateway if the broker is unreachable.

    Returns whether it runs degraded, or None when the gateway's pool has no room left (the
    story stays queued in its record; the janitor sends it once the broker is back).
    """
    if state.fallback is None or state.broker_breaker is None:
        enqueue_story(state.celery, story_id)
        return False
    if not state.broker_breaker.is_open:
        try:
            enqueue_story(state.celery, story_id)
            return False
        except TRIPPING_ERRORS as exc:
            state.broker_breaker.trip(exc)

    def mark(story: Story) -> None:
        story.degraded = True

    state.store.update(story_id, mark)
    if not state.fallback.submit(story_id, state.settings.task_max_retries):
        return None
    state.store.publish(
        story_id,
        Status.QUEUED,
        "queued",
        "The broker is unreachable; the gateway is telling this story itself (degraded mode)",
    )
    return True


def fallback_is_full(state: GatewayState) -> bool:
    return (
        state.fallback is not None
        and state.broker_breaker is not None
        and state.broker_breaker.is_open
        and not state.fallback.has_room()
    )


def fallback_full(state: GatewayState) -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content={
            "detail": "the broker is unreachable and the gateway's own pool for stories is "
            "full; try again shortly"
        },
        headers={"Retry-After": str(state.settings.redis_retry_after_seconds)},
    )


@router.get("", response_model=StoryPage)
def list_stories(
    request: Request,
    state: State,
    caller: CallerDep,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> StoryPage:
    """Newest first: all of them for the admin or without API keys, else the key's own."""
    owner = None if caller.admin else caller.owner
    stories, total = state.store.page(offset=offset, limit=limit, owner=owner)
    base = base_url(state, request)
    return StoryPage(
        items=[story_out(s, base) for s in stories], total=total, offset=offset, limit=limit
    )


@router.get("/{story_id}", response_model=StoryOut, responses=problems(404))
def get_story(story_id: str, request: Request, state: State, caller: CallerDep) -> StoryOut:
    story = load_story(state, story_id, caller)
    return story_out(story, base_url(state, request), state.store.latest_progress(story_id))


@router.delete("/{story_id}", response_model=StoryOut, responses=problems(404, 409))
def cancel_story(story_id: str, request: Request, state: State, caller: CallerDep) -> StoryOut:
    """Cancel a story that has not finished; workers stop at their next checkpoint.

    Cancelling twice is harmless; cancelling a finished story is a 409.
    """
    story = load_story(state, story_id, caller)
    if story.status is not Status.CANCELLED:
        try:
            story = state.store.transition(
                story_id, Status.CANCELLED, failure_reason="cancelled by request"
            )
        except TransitionError:
            current = state.store.get(story_id)
            raise HTTPException(
                status_code=409, detail=f"the story is already {current.status}"
            ) from None
        state.store.publish(story_id, Status.CANCELLED, "cancelled", "Cancelled by request")
        log.info("story cancelled by request", extra={"story_id": story_id})
    return story_out(story, base_url(state, request))


@router.post(
    "/{story_id}/pause", response_model=StoryOut, status_code=202, responses=problems(404, 409)
)
def pause_story(story_id: str, request: Request, state: State, caller: CallerDep) -> StoryOut:
    """Pause a story at its next checkpoint; it then holds no worker. A 409 once finished."""
    load_story(state, story_id, caller)
    try:
        story = state.store.request_pause(story_id)
    except TransitionError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    state.store.publish(story_id, story.status, "pausing", "Pausing at the next checkpoint")
    return story_out(story, base_url(state, request))


@router.post(
    "/{story_id}/resume", response_model=StoryOut, status_code=202, responses=problems(404, 409)
)
def resume_story(story_id: str, request: Request, state: State, caller: CallerDep) -> StoryOut:
    """Resume a paused story where it stopped. A 409 if it is not paused."""
    load_story(state, story_id, caller)
    try:
        story, requeue = state.store.resume(story_id)
    except TransitionError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    if requeue:
        enqueue_stage(state.celery, story_id, story.status, state.settings)
    state.store.publish(story_id, story.status, "resumed", f"Resumed at {story.status}")
    return story_out(story, base_url(state, request))


def snapshot_from_record(story: Story) -> ProgressEvent:
    """Progress keys expire; a record still says where the story ended."""
    percent = 100.0 if story.status is Status.COMPLETE else 0.0
    message = story.failure_reason or f"The story is {story.status}"
    return ProgressEvent(
        story_id=story.id,
        seq=0,
        status=story.status,
        step=str(story.status),
        percent=percent,
        message=message,
        at=story.updated_at,
    )


@router.get("/{story_id}/progress", response_model=ProgressEvent, responses=problems(404))
def get_progress(story_id: str, state: State, caller: CallerDep) -> ProgressEvent:
    story = load_story(state, story_id, caller)
    return state.store.latest_progress(story_id) or snapshot_from_record(story)


ARTIFACT_RESPONSES: dict[int | str, dict[str, Any]] = {
    206: {"description": "the requested byte range"},
    **problems(404, 416),
}


def serve_artifact(
    state: GatewayState,
    story_id: str,
    name: str,
    range_header: str | None,
    request: Request,
    caller: Caller,
) -> Response:
    story = load_story(state, story_id, caller)
    key = story.artifacts.get(name)
    if key is None:
        raise HTTPException(
            status_code=404, detail=f"the {name} is not ready: the story is {story.status}"
        )
    try:
        size = state.artifacts.size(key)
        wanted = parse_range(range_header, size)
    except ArtifactNotFoundError:
        raise HTTPException(status_code=404, detail=f"the {name} is missing from storage") from None
    except RangeNotSatisfiableError:
        raise HTTPException(
            status_code=416,
            detail="requested range not satisfiable",
            headers={"Content-Range": f"bytes */{size}"},
        ) from None
    start, end = wanted if wanted else (0, size - 1)
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Length": str(end - start + 1),
        # Served as what it is, never sniffed into something a browser would run.
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{story.id}-{STORY_FILES[name]}"',
    }
    code = 200
    if wanted:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        code = 206
    if request.method == "HEAD":  # the headers a GET would send, and no body
        return Response(status_code=code, media_type=content_type_for(key), headers=headers)
    return StreamingResponse(
        state.artifacts.read_range(key, start, end) if size else iter(()),
        status_code=code,
        media_type=content_type_for(key),
        headers=headers,
    )


def _artifact_route(kind: ArtifactKind) -> Callable[..., Response]:
    """The endpoint that serves one kind of artifact, as the table describes it."""
    if kind.ranges:

        def serve(
            story_id: str,
            state: State,
            request: Request,
            caller: CallerDep,
            range: Annotated[str | None, Header()] = None,
        ) -> Response:
            return serve_artifact(state, story_id, kind.name, range, request, caller)

        return serve

    def serve_whole(story_id: str, state: State, request: Request, caller: CallerDep) -> Response:
        return serve_artifact(state, story_id, kind.name, None, request, caller)

    return serve_whole


# GET and HEAD are routes of their own, so each operation has its own id in the OpenAPI
# document (one route for both gives them one id, the method picked from a set).
for _kind in SERVED:
    for _method in ("GET", "HEAD"):
        router.add_api_route(
            f"/{{story_id}}/{_kind.route}",
            _artifact_route(_kind),
            methods=[_method],
            response_class=StreamingResponse,
            responses=ARTIFACT_RESPONSES if _kind.ranges else problems(404),
            name=f"{_method.lower()}_{_kind.name}",
            description=_kind.summary or None,
        )
