"""Operator routes, behind the admin token: the DLQ, retries, workers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool

from codestory.gateway.access import ADMIN
from codestory.gateway.deps import State, require_admin
from codestory.gateway.routes.stories import base_url, load_story
from codestory.gateway.schemas import StoryOut, problems, story_out
from codestory.runtime.dead_letters import NotRetryableError, retry_dead_letters, retry_story

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses=problems(400, 401, 503),
)

ErrorTypeFilter = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z_]+$")]


@router.get("/dlq")
def dead_letters(
    state: State,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    error_type: ErrorTypeFilter = None,
) -> dict[str, Any]:
    """Failed tasks, newest last: story id, task, error type and reason."""
    entries = state.store.dead_letters(limit, error_type=error_type)
    return {"size": state.store.dlq_size(), "entries": entries}


@router.get("/dlq/{story_id}", responses=problems(404))
def inspect_dead_letter(story_id: str, state: State) -> dict[str, Any]:
    """One failed story: its record, its DLQ entries and the progress it made."""
    story = load_story(state, story_id, ADMIN)
    return {
        "story": story.model_dump(mode="json"),
        "entries": state.store.dead_letters_of(story_id),
        "events": [e.model_dump(mode="json") for e in state.store.progress_since(story_id, 0)],
    }


@router.post("/dlq/retry")
async def retry_all(state: State, error_type: ErrorTypeFilter = None) -> dict[str, Any]:
    """Retry every story in the DLQ (of one error type, if given)."""
    report = await run_in_threadpool(
        retry_dead_letters, state.store, state.celery, state.settings, error_type=error_type
    )
    return {"retried": report.retried, "skipped": report.skipped}


@router.post(
    "/dlq/{story_id}/retry", status_code=status.HTTP_202_ACCEPTED, responses=problems(404, 409)
)
@router.post(
    "/stories/{story_id}/retry", status_code=status.HTTP_202_ACCEPTED, responses=problems(404, 409)
)
def retry_one(story_id: str, request: Request, state: State) -> StoryOut:
    """Send a failed story back at the first stage it has not finished; same id, history kept."""
    load_story(state, story_id, ADMIN)  # 404 for an unknown id
    try:
        story = retry_story(state.store, state.celery, state.settings, story_id)
    except NotRetryableError as exc:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail=str(exc)) from None
    return story_out(story, base_url(state, request), state.store.latest_progress(story_id))


@router.delete("/dlq")
def purge(
    state: State,
    story_id: Annotated[str | None, Query(max_length=64)] = None,
    all_entries: Annotated[bool, Query(alias="all")] = False,
) -> dict[str, int]:
    """Drop DLQ entries: one story's (`story_id`), or every one (`all=true`). The stories
    stay failed."""
    if (story_id is None) == (not all_entries):
        raise HTTPException(status_code=400, detail="give either story_id or all=true")
    return {"removed": state.store.remove_dead_letters(story_id)}


@router.get("/workers")
def workers(state: State) -> list[dict[str, Any]]:
    return state.store.live_workers()
