"""The janitor sets each worker pod's pod-deletion-cost to the tasks it runs, so scale-in
takes idle workers first: a real worker's heartbeat, a real Redis, the real Kubernetes
client, against a stand-in API server on loopback that records what it is asked."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from codestory.core.queues import TASK_POD_DELETION_COSTS, TASK_QUEUES
from codestory.core.settings import Settings
from codestory.janitor.deletion_cost import ANNOTATION, DeletionCosts, kubernetes_patch
from codestory.records.store import StoryStore, make_client
from codestory.runtime.celery_config import beat_schedule
from tests.json_http import JsonHandler, serving
from tests.support import service, wait_for

NAMESPACE = "codestory"


class ApiServer(ThreadingHTTPServer):
    pods: set[str]
    patches: list[tuple[str, str, dict[str, Any]]]  # path, content type, body


class Handler(JsonHandler):
    server: ApiServer

    def do_PATCH(self) -> None:  # noqa: N802 - the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.patches.append((self.path, self.headers["Content-Type"], body))
        prefix = f"/api/v1/namespaces/{NAMESPACE}/pods/"
        name = self.path.removeprefix(prefix)
        if self.path.startswith(prefix) and name in self.server.pods:
            self.answer(200, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}})
        else:
            self.answer(404, {"kind": "Status", "status": "Failure", "code": 404})


@pytest.fixture
def api_server() -> Iterator[ApiServer]:
    server = ApiServer(("127.0.0.1", 0), Handler)
    server.pods, server.patches = set(), []
    with serving(server):
        yield server


def api_client(server: ApiServer) -> client.ApiClient:
    configuration = client.Configuration()
    configuration.host = f"http://127.0.0.1:{server.server_address[1]}"
    return client.ApiClient(configuration)


def costs_set(server: ApiServer) -> dict[str, str]:
    prefix = f"/api/v1/namespaces/{NAMESPACE}/pods/"
    return {
        path.removeprefix(prefix): body["metadata"]["annotations"][ANNOTATION]
        for path, _, body in server.patches
    }


def test_scale_in_takes_idle_workers_first(
    api_server: ApiServer, redis_url: str, tmp_path: Path
) -> None:
    store = StoryStore(make_client(redis_url))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODESTORY_", "REDIS_"))}
    env |= {"REDIS_URL": redis_url, "CODESTORY_HEARTBEAT_DIR": str(tmp_path / "hb")}
    env["CODESTORY_HEARTBEAT_INTERVAL_SECONDS"] = "1"
    idle_pod = socket.gethostname()  # a worker names itself pool@<its pod's host name>
    busy_pod = "cs-codestory-audio-worker-5c9d8-x2k7q"
    api_server.pods |= {idle_pod, busy_pod}
    costs = DeletionCosts(kubernetes_patch(NAMESPACE, api_client(api_server)))

    worker = service("audio", ["worker", "audio"], env, tmp_path).start()
    try:
        wait_for(lambda: store.live_workers(), 60, "the audio worker's heartbeat")
        # A second pool member, two stories in hand; a janitor and a stranger are not pods
        # of a scaled pool, and a name the API would refuse is never put in a URL.
        store.record_worker(f"audio@{busy_pod}", {"hostname": f"audio@{busy_pod}", "active": 2}, 30)
        store.record_worker("janitor@cs-janitor", {"hostname": "janitor@cs-janitor"}, 30)
        store.record_worker("x", {"hostname": "story@../../nodes/n1", "active": 1}, 30)

        assert costs.update(store.live_workers()) == {idle_pod: 0, busy_pod: 2}
        assert costs_set(api_server) == {idle_pod: "0", busy_pod: "2"}
        (_, content_type, _) = api_server.patches[0]
        assert content_type.endswith("merge-patch+json") or "strategic-merge" in content_type

        # Nothing changed: the API is not asked again.
        api_server.patches.clear()
        assert costs.update(store.live_workers()) == {}
        assert not api_server.patches

        # The busy worker finishes: its cost drops, and it may now go first.
        store.record_worker(f"audio@{busy_pod}", {"hostname": f"audio@{busy_pod}", "active": 0}, 30)
        assert costs.update(store.live_workers()) == {busy_pod: 0}
        assert costs_set(api_server) == {busy_pod: "0"}
    finally:
        worker.stop()


def test_a_pod_the_api_does_not_have_is_tried_again_later(api_server: ApiServer) -> None:
    costs = DeletionCosts(kubernetes_patch(NAMESPACE, api_client(api_server)))
    workers = [{"hostname": "story@cs-codestory-story-worker-1", "active": 1}]
    assert costs.update(workers) == {"cs-codestory-story-worker-1": 1}  # 404: no error
    assert not costs.sent
    api_server.pods.add("cs-codestory-story-worker-1")
    costs.update(workers)
    assert costs.sent == {"cs-codestory-story-worker-1": 1}
    assert len(api_server.patches) == 2


def test_the_janitor_schedules_it_only_when_asked() -> None:
    assert TASK_QUEUES[TASK_POD_DELETION_COSTS] == "maintenance"
    off = beat_schedule(Settings())
    assert TASK_POD_DELETION_COSTS not in {entry["task"] for entry in off.values()}
    on = beat_schedule(Settings(pod_deletion_cost=True, pod_deletion_cost_seconds=10))
    (entry,) = [e for e in on.values() if e["task"] == TASK_POD_DELETION_COSTS]
    assert entry["schedule"] == 10
