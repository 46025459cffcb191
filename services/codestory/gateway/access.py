"""Who is calling: the admin, the holder of an API key, or (with no keys set) anyone.

API keys are long random strings, so one SHA-256 is enough to store them (a slow password
hash guards guessable secrets; a 256-bit key is not guessable). Only digests are configured,
so a leaked configuration lets nobody in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from codestory.core.domain import Story
from codestory.gateway.deps import State, bearer_token, is_admin_token
from codestory.gateway.state import GatewayState
from codestory.records.quotas import client_key

KEY_PREFIX = "cs_"


@dataclass(frozen=True)
class Caller:
    admin: bool
    owner: str | None  # the API key's name; None for the admin or when no keys are set
    client: str  # who quotas count against

    def may_see(self, story: Story) -> bool:
        return self.admin or self.owner is None or story.owner == self.owner


ADMIN = Caller(admin=True, owner=None, client="admin")  # for routes behind require_admin


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_owner(key: str, keys: dict[str, str]) -> str | None:
    """The name of the key whose digest matches; every entry is compared, in constant time."""
    wanted = digest(key).encode()
    found = None
    for name, known in keys.items():
        if secrets.compare_digest(wanted, known.encode()):
            found = name
    return found


def refused(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def identify(state: GatewayState, authorization: str | None, address: str) -> Caller:
    """The caller behind an Authorization header; 401 for anything not recognised.

    A header that is present but not `Bearer <token>` is refused rather than ignored, so a
    typo never quietly turns a key holder into an anonymous caller.
    """
    settings = state.settings
    anonymous = Caller(admin=False, owner=None, client=client_key(address))
    if authorization is None:
        if settings.api_keys:
            raise refused("this gateway needs an API key: 'Authorization: Bearer <key>'")
        return anonymous
    token = bearer_token(authorization)
    if token is None:
        raise refused("the Authorization header must be 'Bearer <token>'")
    if is_admin_token(state, token):
        return Caller(admin=True, owner=None, client=anonymous.client)
    owner = key_owner(token, settings.api_keys) if settings.api_keys else None
    if owner is None:
        raise refused("the token is neither an API key of this gateway nor the admin token")
    return Caller(admin=False, owner=owner, client=client_key(f"key:{owner}"))


def client_address(request: Request) -> str:
    """The connecting peer's address, which quotas count against without an API key."""
    return request.client.host if request.client else "unknown"


async def get_caller(  # async: no I/O, so no worker thread (see deps.py)
    request: Request, state: State, authorization: Annotated[str | None, Header()] = None
) -> Caller:
    return identify(state, authorization, client_address(request))


CallerDep = Annotated[Caller, Depends(get_caller)]
