from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from codestory.core.domain import (
    ProgressEvent,
    SourceKind,
    SourcePolicyError,
    Status,
    Story,
    StoryRequest,
    can_transition,
    classify_source,
    format_bytes,
    https_form_of_ssh,
    repository_name,
    step_percent,
)

ORDER = [Status.QUEUED, Status.ANALYZING, Status.GENERATING, Status.SYNTHESIZING, Status.COMPLETE]


@pytest.mark.parametrize("current", ORDER[:-1])
def test_statuses_move_forward_or_stay(current: Status) -> None:
    index = ORDER.index(current)
    for earlier in ORDER[:index]:
        assert not can_transition(current, earlier), f"{current} -> {earlier} went backwards"
    for later in ORDER[index:]:
        assert can_transition(current, later)
    assert can_transition(current, Status.FAILED)
    assert can_transition(current, Status.CANCELLED)


@pytest.mark.parametrize("terminal", [Status.COMPLETE, Status.FAILED, Status.CANCELLED])
def test_terminal_statuses_are_final(terminal: Status) -> None:
    for target in Status:
        assert not can_transition(terminal, target), f"{terminal} -> {target}"


def policy(location: str, **kwargs: object) -> SourceKind:
    options: dict[str, object] = {
        "allow_local_paths": False,
        "allowed_hosts": [],
        "max_length": 2048,
    }
    options.update(kwargs)
    return classify_source(location, **options)  # type: ignore[arg-type]


def test_public_https_url_is_accepted() -> None:
    assert policy("https://github.com/pallets/click") is SourceKind.GIT_URL
    assert policy("https://github.com/pallets/click.git") is SourceKind.GIT_URL


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("ftp://example.com/repo", "scheme 'ftp'"),
        ("http://github.com/pallets/click", "scheme 'http'"),
        (
            "git@github.com:pallets/click.git",
            "is an SSH remote; only https is fetched: use https://github.com/pallets/click",
        ),
        ("ssh://git@gitlab.com/group/tool.git", "use https://gitlab.com/group/tool"),
        ("github.com:pallets/click", "use https://github.com/pallets/click"),
        ("https://user:secret@github.com/pallets/click", "credentials"),
        ("https://token@github.com/pallets/click", "credentials"),
        ("https://localhost/repo", "internal"),
        ("https://127.0.0.1/repo", "not a public address"),
        ("https://10.1.2.3/repo", "not a public address"),
        ("https://[::1]/repo", "not a public address"),
        ("https://metadata.google.internal/x", "internal"),
        ("https://github.com", "no repository path"),
        # Other ways of writing a private address, and names that mean inside.
        ("https://2130706433/a/b", "unusual form"),
        ("https://0x7f000001/a/b", "unusual form"),
        ("https://0177.0.0.1/a/b", "unusual form"),
        ("https://127.1/a/b", "unusual form"),
        ("https://[::ffff:127.0.0.1]/a/b", "not a public address"),
        ("https://[fd00::1]/a/b", "not a public address"),
        ("https://169.254.169.254/latest/meta-data", "not a public address"),
        ("https://100.64.0.1/a/b", "not a public address"),
        ("https://localhost./a/b", "ends with a dot"),
        ("https://github.com./a/b", "ends with a dot"),
        ("https://gitlab/a/b", "single name"),
        ("https://valkey.codestory.svc/a/b", "internal"),
        ("https://git.corp.svc.cluster.local/a/b", "internal"),
        ("https://printer.local/a/b", "internal"),
        ("https://github.com:22/a/b", "port 22 is not allowed"),
        ("https://github.com:8443/a/b", "port 8443 is not allowed"),
        ("https://github.com:99999/a/b", "not a well-formed URL"),
        ("https://github.com/a/b?ref=main", "query string"),
        ("https://github.com/a/b#readme", "fragment"),
        ("https://github.com/a/b?", "query string"),
        ("/etc", "local paths are not allowed"),
        ("file:///etc", "local paths are not allowed"),
    ],
)
def test_refused_locations_say_why(location: str, reason: str) -> None:
    with pytest.raises(SourcePolicyError, match=re.escape(reason)):
        policy(location)


def test_local_paths_only_when_allowed_and_hosts_can_be_restricted() -> None:
    assert policy("/srv/repo", allow_local_paths=True) is SourceKind.LOCAL_PATH
    with pytest.raises(SourcePolicyError, match="allowed hosts"):
        policy("https://gitlab.com/a/b", allowed_hosts=["github.com"])
    with pytest.raises(SourcePolicyError, match="longer than"):
        policy("https://github.com/" + "a" * 100, max_length=64)
    assert policy("https://git.example.org:8443/a/b", allowed_ports=(443, 8443)) is (
        SourceKind.GIT_URL
    )


def test_story_request_rules_name_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        StoryRequest(repository_url="https://github.com/a/b", ref="--upload-pack=evil")
    assert info.value.errors()[0]["loc"] == ("ref",)
    with pytest.raises(ValidationError) as info:
        StoryRequest.model_validate({"repository_url": "https://github.com/a/b", "style": "epic"})
    assert info.value.errors()[0]["loc"] == ("style",)
    request = StoryRequest(repository_url="https://github.com/a/b", focus_areas=[" api ", ""])
    assert request.focus_areas == ["api"]


def test_new_story_starts_queued_with_a_name() -> None:
    story = Story.new(StoryRequest(repository_url="https://github.com/pallets/click.git"), now=5.0)
    assert story.status is Status.QUEUED
    assert story.title == "click"
    assert story.created_at == story.updated_at == 5.0
    assert repository_name("/home/me/src/project/") == "project"


def test_progress_percent_follows_the_pipeline() -> None:
    assert step_percent("fetch") < step_percent("analyse") < step_percent("speak", 0.5)
    assert step_percent("speak", 1.0) == step_percent("encode")
    assert step_percent("complete") == 100
    event = ProgressEvent(
        story_id="x", status=Status.COMPLETE, step="complete", percent=100, message=""
    )
    assert event.is_final


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (20, "20 bytes"),
        (4096, "4 KiB"),
        (1536, "1.5 KiB"),
        (500 * 2**20, "500 MiB"),
        (3 * 2**30, "3 GiB"),
    ],
)
def test_format_bytes(size: int, text: str) -> None:
    assert format_bytes(size) == text


@pytest.mark.parametrize(
    ("location", "https"),
    [
        ("git@github.com:pallets/click.git", "https://github.com/pallets/click"),
        ("git@GitHub.com:pallets/click", "https://github.com/pallets/click"),
        ("ssh://git@codeberg.org/forgejo/forgejo.git", "https://codeberg.org/forgejo/forgejo"),
        ("git+ssh://git@github.com/a/b/", "https://github.com/a/b"),
        ("https://github.com/pallets/click", None),
        ("/srv/repos/click", None),
        ("localhost:repo", None),  # a host with no domain: not a remote anyone pastes
        ("git@github.com:", None),
        ("C:/work/repo", None),
    ],
)
def test_an_ssh_remote_is_offered_in_its_https_form(location: str, https: str | None) -> None:
    assert https_form_of_ssh(location) == https
