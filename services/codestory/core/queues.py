"""The names every room shares about the work: queues, tasks, which service consumes
which queue and runs which tasks, and the header that carries a story's id. Plain strings:
the gateway sends tasks by these names and never imports task code."""

from __future__ import annotations

QUEUE_STORIES = "stories"
QUEUE_AUDIO = "audio"
QUEUE_MAINTENANCE = "maintenance"
QUEUES = (QUEUE_STORIES, QUEUE_AUDIO, QUEUE_MAINTENANCE)

TASK_GENERATE_STORY = "codestory.story.generate"
TASK_SYNTHESIZE_AUDIO = "codestory.audio.synthesize"
TASK_SWEEP_STUCK = "codestory.janitor.sweep_stuck"
TASK_EXPIRE_OLD = "codestory.janitor.expire_old"
TASK_POD_DELETION_COSTS = "codestory.janitor.pod_deletion_costs"
TASK_CHECK_WATCHES = "codestory.janitor.check_watches"  # which watches are due
TASK_CHECK_WATCH = "codestory.story.check_watch"  # has one watched ref moved

TASK_QUEUES = {
    TASK_GENERATE_STORY: QUEUE_STORIES,
    TASK_SYNTHESIZE_AUDIO: QUEUE_AUDIO,
    TASK_SWEEP_STUCK: QUEUE_MAINTENANCE,
    TASK_EXPIRE_OLD: QUEUE_MAINTENANCE,
    TASK_POD_DELETION_COSTS: QUEUE_MAINTENANCE,
    TASK_CHECK_WATCHES: QUEUE_MAINTENANCE,
    # A story worker has the egress a remote needs; the janitor need not.
    TASK_CHECK_WATCH: QUEUE_STORIES,
}

# Which queue each worker service consumes; the chart and `codestory up` read this.
SERVICE_QUEUES = {
    "story": QUEUE_STORIES,
    "audio": QUEUE_AUDIO,
    "janitor": QUEUE_MAINTENANCE,
}

TASK_MODULES = [
    "codestory.story_worker.tasks",
    "codestory.audio_worker.tasks",
    "codestory.janitor.tasks",
]

# The tasks each worker service runs: it imports only those, so an image carries only
# its own service's dependencies (tasks are sent by name, never imported to send).
SERVICE_TASK_MODULES = {
    "story": "codestory.story_worker.tasks",
    "audio": "codestory.audio_worker.tasks",
    "janitor": "codestory.janitor.tasks",
}

STORY_ID_HEADER = "codestory_story_id"
