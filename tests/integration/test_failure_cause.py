"""A failed story is counted with whose doing it was: the caller's (a branch or a host that
does not exist, a refused URL) or ours. The failure alerts count only ours."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from prometheus_client import REGISTRY

from codestory.core.domain import ErrorType, FailureCause, Status, Story, StoryRequest
from codestory.core.settings import get_settings
from codestory.observability.series import stories_finished
from codestory.runtime import task_runtime
from codestory.runtime.task_runtime import PermanentError, StoryRun, TransientError, run_story_task

pytestmark = pytest.mark.integration


def finished(error_type: str, cause: str) -> float:
    labels = {"status": "failed", "error_type": error_type, "cause": cause}
    return REGISTRY.get_sample_value("codestory_stories_finished_total", labels) or 0.0


def fail_with(error: Exception, *, retries: int = 0) -> Status:
    """Run one story task whose body raises `error`, on its `retries`-th retry."""
    store = task_runtime.worker_store()
    story = Story.new(StoryRequest(repository_url="https://github.com/a/b"))
    store.create(story)

    def body(run: StoryRun) -> None:
        raise error

    task = SimpleNamespace(
        name="codestory.story.generate", request=SimpleNamespace(id="t1", retries=retries)
    )
    assert run_story_task(task, story.id, accepts=frozenset({Status.QUEUED}), body=body)
    return store.get(story.id).status


CASES: list[tuple[str, Callable[[], Exception], bool, str, FailureCause]] = [
    (
        "a branch that does not exist",
        lambda: PermanentError("no ref", ErrorType.FETCH_FAILED, cause=FailureCause.CLIENT),
        False,
        "fetch_failed",
        FailureCause.CLIENT,
    ),
    (
        "git failing otherwise",
        lambda: PermanentError("git could not fetch", ErrorType.FETCH_FAILED),
        False,
        "fetch_failed",
        FailureCause.SERVER,
    ),
    (
        "a refused URL",
        lambda: PermanentError("refused", ErrorType.INVALID_REPOSITORY),
        False,
        "invalid_repository",
        FailureCause.CLIENT,
    ),
    (
        "a host that does not exist, once the retries are spent",
        lambda: TransientError("could not resolve gone.example", cause=FailureCause.CLIENT),
        True,
        "unavailable",
        FailureCause.CLIENT,
    ),
    (
        "a network that stays down",
        lambda: TransientError("could not connect to the host"),
        True,
        "unavailable",
        FailureCause.SERVER,
    ),
]


@pytest.mark.parametrize(
    ("error", "last_try", "error_type", "cause"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_failure_is_counted_with_its_cause(
    worker_env: None,
    error: Callable[[], Exception],
    last_try: bool,
    error_type: str,
    cause: FailureCause,
) -> None:
    other = FailureCause.SERVER if cause is FailureCause.CLIENT else FailureCause.CLIENT
    before = finished(error_type, str(cause)), finished(error_type, str(other))
    retries = get_settings().task_max_retries if last_try else 0
    assert fail_with(error(), retries=retries) is Status.FAILED
    after = finished(error_type, str(cause)), finished(error_type, str(other))
    assert after == (before[0] + 1, before[1])


def test_every_cause_an_error_type_can_have_starts_at_zero() -> None:
    """rate() misses the first failure of a series that starts at 1."""
    stories_finished()
    for error_type in ("fetch_failed", "unavailable"):
        for cause in ("client", "server"):
            labels = {"status": "failed", "error_type": error_type, "cause": cause}
            assert REGISTRY.get_sample_value("codestory_stories_finished_total", labels) is not None
    # an error type that is always the caller's (or always ours) has no series of the other
    labels = {"status": "failed", "error_type": "invalid_repository", "cause": "server"}
    assert REGISTRY.get_sample_value("codestory_stories_finished_total", labels) is None
