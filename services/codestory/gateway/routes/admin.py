"""Operator routes, behind the admin token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from codestory.gateway.deps import State, require_admin

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.get("/dlq")
def dead_letters(state: State, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """Failed tasks, newest last: story id, task, error type and reason."""
    return {"size": state.store.dlq_size(), "entries": state.store.dead_letters(limit)}


@router.get("/workers")
def workers(state: State) -> list[dict[str, Any]]:
    return state.store.live_workers()
