"""A story submitted on someone's behalf by the system itself (a watched repository whose
ref moved): admitted under its owner's quotas, recorded, announced and queued, as the
gateway does for a request."""

from __future__ import annotations

import time

from celery import Celery

from codestory.core.domain import Status, Story, StoryRequest
from codestory.core.queues import QUEUE_STORIES
from codestory.core.settings import Settings
from codestory.records.quotas import Refusal, SubmitQuotas
from codestory.records.store import StoryStore, make_client
from codestory.runtime.dispatch import enqueue_story


def quotas_for(settings: Settings, store: StoryStore) -> SubmitQuotas:
    return SubmitQuotas(
        store.redis,
        make_client(settings.celery_broker_url),
        rate_per_minute=settings.submit_rate_per_minute,
        rate_per_minute_total=settings.submit_rate_per_minute_total,
        max_active=settings.max_active_per_client,
        max_queued=settings.max_queued_stories,
        queue=QUEUE_STORIES,
    )


def submit_on_behalf(
    store: StoryStore,
    quotas: SubmitQuotas,
    app: Celery,
    request: StoryRequest,
    *,
    owner: str | None,
    client: str,
    exempt: bool,
    because: str,
) -> Story | Refusal:
    """Queue a story of `request` for `owner`, counted against `client` unless `exempt`
    (the admin's). `because` is the first progress message its listener sees."""
    story = Story.new(request, owner=owner)
    if not exempt:
        refusal = quotas.check_and_admit(client, story.id, time.time())
        if refusal is not None:
            return refusal
    store.create(story)
    store.publish(story.id, Status.QUEUED, "queued", because)
    enqueue_story(app, story.id)
    return story
