"""FastAPI dependencies.

They are `async def` on purpose: none does I/O, and FastAPI runs a plain `def` dependency
in a worker thread, a thread hop per dependency per request.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from codestory.gateway.state import GatewayState


async def get_state(request: Request) -> GatewayState:
    state: GatewayState = request.app.state.codestory
    return state


State = Annotated[GatewayState, Depends(get_state)]


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None for anything else."""
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token or not token.isascii() or not token.isprintable():
        return None
    return token if " " not in token else None


def is_admin_token(state: GatewayState, token: str) -> bool:
    return secrets.compare_digest(token.encode(), state.settings.admin_token.encode())


def is_admin(state: GatewayState, authorization: str | None) -> bool:
    token = bearer_token(authorization)
    return token is not None and is_admin_token(state, token)


async def require_admin(
    state: State, authorization: Annotated[str | None, Header()] = None
) -> None:
    if not is_admin(state, authorization):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="admin routes need 'Authorization: Bearer <CODESTORY_ADMIN_TOKEN>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
