"""What one submission costs Redis, watched with MONITOR on the real server.

The gateway's hot path is round trips: every per-client and global limit and the
admission in one script, the record in one transaction, the first progress event in one
script, the task message. Celery's result channel (SUBSCRIBE and UNSUBSCRIBE for results
nobody reads) and a task-sent event per submission must not come back.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import redis

from tests.support import fresh_stack, wait_for

pytestmark = pytest.mark.integration


def monitored(url: str, stop: threading.Event, seen: list[str]) -> None:
    client = redis.Redis.from_url(url)
    with client.monitor() as monitor:
        for command in monitor.listen():
            if command.get("client_type") != "lua":  # round trips, not a script's own calls
                seen.append(str(command["command"]))
            if stop.is_set():
                return


def test_a_submission_is_a_handful_of_round_trips(redis_server_url: str, tmp_path: Path) -> None:
    stack = fresh_stack(redis_server_url, tmp_path)
    stack.start("gateway")  # no workers: nothing but the gateway talks to Redis
    try:
        wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
        body = {"repository_url": "https://github.com/example/first"}
        assert stack.http.post("/api/v1/stories", json=body).status_code == 202  # warm
        seen: list[str] = []
        stop = threading.Event()
        watcher = threading.Thread(
            target=monitored, args=(f"{redis_server_url}/0", stop, seen), daemon=True
        )
        watcher.start()
        time.sleep(0.5)
        seen.clear()
        body = {"repository_url": "https://github.com/example/second"}
        answer = stack.http.post("/api/v1/stories", json=body)
        assert answer.status_code == 202
        story_id = answer.json()["id"]
        time.sleep(0.5)
        stop.set()
        redis.Redis.from_url(f"{redis_server_url}/0").ping()  # wakes the monitor to stop
        watcher.join(5)
    finally:
        stack.stop()
    mine = [c for c in seen if story_id in c or c.startswith(("LPUSH stories", "LLEN"))]
    verbs = [c.split()[0] for c in mine]
    assert not [c for c in seen if "celery-task-meta" in c], "no result channel is used"
    assert not [c for c in seen if "celeryev/task.sent" in c], "no task-sent event is sent"
    # Limits and admission: one script naming the story (its id is the admitted one).
    assert verbs.count("EVALSHA") + verbs.count("EVAL") == 2, mine  # quotas, first progress
    assert verbs.count("SET") == 1, mine  # the record (with its indexes, in one MULTI)
    assert len(mine) <= 12, mine
    assert verbs.count("LPUSH") == 1, mine  # the task message
    assert verbs.count("XADD") == 1, mine  # the story log's first line
    assert verbs.count("LLEN") <= 1, mine  # the queue's length, at most once a second
