"""Scale-in takes idle workers first: each worker pod's deletion cost follows its tasks.

A ReplicaSet that scales in deletes the pods of lowest `controller.kubernetes.io/pod-deletion-cost`
first. The janitor reads every worker's heartbeat (hostname `pool@pod`, tasks running) and
sets its pod's cost to that count, so KEDA or an HPA taking a replica away stops an idle
worker rather than one that would hold its node for a whole grace period finishing a story.
Only the janitor talks to the Kubernetes API, and only to patch pods: the workers, which
read strangers' code, hold no credentials.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
SCALED_POOLS = frozenset({"story", "audio"})
SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
# A pod name as the API accepts it (DNS subdomain): anything else in a heartbeat is not a pod.
POD_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")

# Sets one pod's cost; False when the pod is not there (gone, or not in this namespace).
Patch = Callable[[str, int], bool]


def pod_costs(workers: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Pod name -> tasks it runs, for the scaled pools' workers seen by heartbeat."""
    costs: dict[str, int] = {}
    for worker in workers:
        pool, _, pod = str(worker.get("hostname", "")).partition("@")
        if pool in SCALED_POOLS and POD_NAME.fullmatch(pod):
            costs[pod] = int(worker.get("active") or 0)
    return costs


@dataclass
class DeletionCosts:
    """Patches a pod only when its cost changed since this process last set it."""

    patch: Patch
    sent: dict[str, int] = field(default_factory=dict)

    def update(self, workers: Iterable[Mapping[str, Any]]) -> dict[str, int]:
        costs = pod_costs(workers)
        changed = {pod: cost for pod, cost in costs.items() if self.sent.get(pod) != cost}
        for pod, cost in changed.items():
            if self.patch(pod, cost):
                self.sent[pod] = cost
        for pod in set(self.sent) - set(costs):
            del self.sent[pod]  # its heartbeat is gone: so, soon, is the pod
        return changed


def kubernetes_patch(namespace: str | None = None, api_client: Any = None) -> Patch:
    """A Patch through the Kubernetes API: the pod's own service account unless an API
    client is given, in the pod's own namespace unless one is named."""
    from kubernetes import client, config
    from kubernetes.client.exceptions import ApiException

    if api_client is None:
        config.load_incluster_config()
    pods = client.CoreV1Api(api_client)
    where = namespace or (SERVICE_ACCOUNT / "namespace").read_text().strip()

    def patch(pod: str, cost: int) -> bool:
        body = {"metadata": {"annotations": {ANNOTATION: str(cost)}}}
        try:
            pods.patch_namespaced_pod(pod, where, body)
        except ApiException as exc:
            if exc.status == 404:
                return False
            raise
        return True

    return patch
