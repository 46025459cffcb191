"""Who a request comes from: admin, an API key's holder, or anyone when no keys are set."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from codestory.core.domain import Story, StoryRequest
from codestory.core.settings import Settings
from codestory.gateway.access import digest, identify, key_owner, new_api_key
from codestory.gateway.state import GatewayState

ADMIN_TOKEN = "admin-token-0123456789abcdefgh"


class FakeState:
    """Only the settings: identify reads nothing else."""

    def __init__(self, **settings: object) -> None:
        self.settings = Settings(admin_token=ADMIN_TOKEN, **settings)  # type: ignore[arg-type]


def state(**settings: object) -> GatewayState:
    return FakeState(**settings)  # type: ignore[return-value]


def test_keys_are_random_and_matched_by_digest_only() -> None:
    first, second = new_api_key(), new_api_key()
    assert first != second and first.startswith("cs_") and len(first) > 40
    keys = {"alice": digest(first), "bob": digest(second)}
    assert key_owner(first, keys) == "alice"
    assert key_owner(second, keys) == "bob"
    assert key_owner(digest(first), keys) is None, "the digest itself is not a key"
    assert key_owner("", keys) is None


def test_without_keys_anyone_is_anonymous_and_sees_everything() -> None:
    caller = identify(state(), None, "10.0.0.1")
    assert not caller.admin and caller.owner is None
    assert caller.may_see(Story.new(StoryRequest(repository_url="https://x.org/a/b"), owner="z"))
    assert identify(state(), f"Bearer {ADMIN_TOKEN}", "10.0.0.1").admin


@pytest.mark.parametrize("header", [None, "Bearer nope", "bearer", "Basic abc", "Bearer a b"])
def test_with_keys_anything_but_a_known_key_is_refused(header: str | None) -> None:
    keyed = state(api_keys={"alice": digest(new_api_key())})
    with pytest.raises(HTTPException) as refused:
        identify(keyed, header, "10.0.0.1")
    assert refused.value.status_code == 401


def test_a_key_holder_is_counted_by_key_not_address() -> None:
    key = new_api_key()
    keyed = state(api_keys={"alice": digest(key)})
    here = identify(keyed, f"Bearer {key}", "10.0.0.1")
    there = identify(keyed, f"Bearer {key}", "10.0.0.2")
    assert here == there and here.owner == "alice"
    request = StoryRequest(repository_url="https://x.org/a/b")
    assert here.may_see(Story.new(request, owner="alice"))
    assert not here.may_see(Story.new(request, owner="bob"))
    assert not here.may_see(Story.new(request)), "the admin's stories are the admin's"
