"""FastAPI dependencies."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from codestory.gateway.state import GatewayState


def get_state(request: Request) -> GatewayState:
    state: GatewayState = request.app.state.codestory
    return state


State = Annotated[GatewayState, Depends(get_state)]


def require_admin(state: State, authorization: Annotated[str | None, Header()] = None) -> None:
    expected = f"Bearer {state.settings.admin_token}"
    if authorization is None or not secrets.compare_digest(authorization, expected):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="admin routes need 'Authorization: Bearer <CODESTORY_ADMIN_TOKEN>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
