"""Has a watched ref moved? Asked of the remote with `git ls-remote` (or of a local
repository), never by cloning; a move submits a new story for the watch's owner."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from celery import Celery

from codestory.core.settings import Settings
from codestory.core.watches import Watch, WatchTells
from codestory.records.quotas import Refusal, SubmitQuotas
from codestory.records.store import StoryStore
from codestory.records.watches import WatchNotFoundError
from codestory.runtime.submission import submit_on_behalf
from codestory.runtime.task_runtime import PermanentError, TransientError
from codestory.story_worker.fetch import resolve_commit
from codestory.story_worker.scratch import scratch_folder

log = logging.getLogger("codestory.watch")

UNREADABLE = "the ref could not be read (the repository or ref may be gone, or the host away)"

Resolver = Callable[[Watch], str | None]


def remote_commit(settings: Settings) -> Resolver:
    def resolve(watch: Watch) -> str | None:
        with scratch_folder(settings.work_dir, "watch-") as work:
            request = watch.request
            return resolve_commit(request.repository_url, request.ref, work, settings)

    return resolve


def check_watch(
    store: StoryStore,
    quotas: SubmitQuotas,
    app: Celery,
    watch_id: str,
    resolve: Resolver,
) -> str:
    """Check one watch; return what happened, as a word for the log and the task result."""
    try:
        watch = store.get_watch(watch_id)
    except WatchNotFoundError:
        return "gone"
    if watch.paused:
        return "paused"
    problem: str | None = None
    try:
        commit = resolve(watch)
    except (PermanentError, TransientError) as exc:
        commit, problem = None, str(exc)
    if commit is None and problem is None:
        problem = UNREADABLE
    outcome, story_id, error = "unchanged", None, problem
    if commit is not None and watch.last_commit is None:
        outcome = "noted"
    elif commit is not None and commit != watch.last_commit:
        short = commit[:12]
        request = watch.request
        if watch.tells is WatchTells.DIGEST:
            request = request.model_copy(update={"since": watch.last_commit})
        told = submit_on_behalf(
            store,
            quotas,
            app,
            request,
            owner=watch.owner,
            client=watch.client,
            exempt=watch.admin,
            because=f"The watched ref moved to {short}; waiting for a story worker",
        )
        if isinstance(told, Refusal):
            # The commit is not noted, so the next check tries again.
            outcome, error, commit = "refused", told.detail, watch.last_commit
        else:
            outcome, story_id = "told", told.id
    elif commit is None:
        outcome = "unreadable"

    def record(current: Watch) -> None:
        current.last_checked_at = time.time()
        current.last_error = error
        if commit is not None:
            current.last_commit = commit
        if story_id is not None:
            current.last_story_id = story_id
            current.stories_submitted += 1

    try:
        store.update_watch(watch_id, record)
    except WatchNotFoundError:
        return "gone"  # deleted while it was checked
    log.info("watch checked", extra={"watch_id": watch_id, "outcome": outcome})
    return outcome
