"""`helm install` with the chart's own defaults works on a cluster with nothing added (no
KEDA, no ReadWriteMany storage class, the cluster autoscaler's defaults), and what the
release exposes through its ingress is only what callers use."""

from __future__ import annotations

import base64
import re
import warnings
from typing import Any

import helm_python as helm
import pytest

from codestory.core.settings import Settings
from codestory.gateway.app import create_app
from tests.chart.apiserver import render_upgrade
from tests.chart.rendering import (
    CHART,
    KEDA_CLUSTER,
    STOCK_CLUSTER,
    by_kind,
    named,
    pod_specs,
    render,
    validate,
)

BUILT_IN_GROUPS = {
    "v1",
    "apps/v1",
    "policy/v1",
    "networking.k8s.io/v1",
    "autoscaling/v2",
    "rbac.authorization.k8s.io/v1",
}
WORKERS = ("story-worker", "audio-worker")


def component(obj: dict[str, Any]) -> str:
    return str(obj["metadata"]["labels"]["app.kubernetes.io/component"])


def defaults_on(cluster: tuple[str, ...], values: dict[str, Any] | None = None) -> list[Any]:
    """What `helm install` renders with the chart's own values.yaml (plus `values`)."""
    return render(values or {}, base=False, api_versions=cluster)


def test_the_charts_own_defaults_install_on_a_stock_cluster() -> None:
    objects = defaults_on(STOCK_CLUSTER)
    for obj in objects:
        assert obj["apiVersion"] in BUILT_IN_GROUPS, f"{obj['kind']}: not served by the cluster"
        validate(obj)
    # A self-contained release: the bundled Valkey, and secrets made up for it.
    assert named(objects, "StatefulSet", "-valkey")
    secret = named(objects, "Secret", "-secrets")["data"]
    assert len(base64.b64decode(secret["admin-token"])) >= 24
    assert len(base64.b64decode(secret["redis-password"])) >= 24
    config = named(objects, "ConfigMap", "-config")["data"]
    assert config["REDIS_URL"].startswith("redis://cs-codestory-valkey:6379/")


def test_helm_lint_passes_on_the_charts_own_defaults() -> None:
    report = helm.lint(CHART, {}, strict=True, kube_version="v1.30.0")
    assert not [m for m in report["messages"] if m["severity"] >= 2], report["messages"]
    assert not report["errors"], report["errors"]


def test_an_external_redis_left_beside_the_bundled_one_is_refused() -> None:
    # Values written for an older default (external Redis) must not quietly switch a
    # production release onto an empty bundled Valkey.
    with pytest.raises(helm.HelmError, match=r"redis\.external\.host is set"):
        defaults_on(STOCK_CLUSTER, {"redis": {"external": {"host": "redis.example.internal"}}})
    external = {"redis": {"bundled": False, "external": {"host": "redis.example.internal"}}}
    assert not by_kind(defaults_on(STOCK_CLUSTER, external), "StatefulSet")


@pytest.mark.parametrize(
    ("cluster", "keda", "scaled"),
    [
        (STOCK_CLUSTER, "auto", False),
        (KEDA_CLUSTER, "auto", True),
        (STOCK_CLUSTER, True, True),  # `helm template` for GitOps: the cluster is not asked
        (KEDA_CLUSTER, False, False),
    ],
)
def test_keda_objects_only_where_keda_is_served(
    cluster: tuple[str, ...], keda: Any, scaled: bool
) -> None:
    objects = defaults_on(cluster, {"keda": {"enabled": keda}})
    assert bool(by_kind(objects, "ScaledObject")) == scaled
    assert bool(by_kind(objects, "TriggerAuthentication")) == scaled
    for pool in WORKERS:
        spec = named(objects, "Deployment", f"-{pool}")["spec"]
        # Without KEDA a pool runs its fixed replicas (never zero: nothing would scale it up).
        assert ("replicas" in spec) != scaled
        if not scaled:
            assert spec["replicas"] >= 1
    queues = named(objects, "ConfigMap", "-config")["data"]["CODESTORY_SCALE_TO_ZERO_QUEUES"]
    assert (queues == '["audio"]') == scaled, "only a pool KEDA runs may sit at zero"


def mounts_artifacts(spec: dict[str, Any]) -> bool:
    return any(
        v.get("persistentVolumeClaim", {}).get("claimName", "").endswith("-artifacts")
        for v in spec.get("volumes", [])
    )


def test_the_artifact_claim_binds_on_a_default_storage_class() -> None:
    objects = defaults_on(STOCK_CLUSTER)
    (claim,) = by_kind(objects, "PersistentVolumeClaim")
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    # A ReadWriteOnce volume attaches to one node: every pod that mounts it goes there.
    sharing = [o for o in objects if o["kind"] == "Deployment"]
    sharing = [o for o in sharing if mounts_artifacts(o["spec"]["template"]["spec"])]
    assert {component(o) for o in sharing} >= {"gateway", *WORKERS, "janitor-worker"}
    terms = set()
    for deployment in sharing:
        template = deployment["spec"]["template"]
        (term,) = template["spec"]["affinity"]["podAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"
        ]
        assert term["topologyKey"] == "kubernetes.io/hostname"
        # The pod matches its own term, so the first one schedules anywhere.
        labels = template["metadata"]["labels"]
        assert term["labelSelector"]["matchLabels"].items() <= labels.items()
        terms.add(repr(term))
    assert len(terms) == 1, "one node for all of them"


def test_a_shared_claim_or_s3_leaves_scheduling_alone() -> None:
    node_affinity: dict[str, Any] = {
        "nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}
    }
    rwx = {"artifacts": {"persistence": {"accessMode": "ReadWriteMany"}}}
    for values in (rwx, {"artifacts": {"s3Url": "s3://tours/codestory"}}):
        for _, spec in pod_specs(defaults_on(STOCK_CLUSTER, values)):
            assert "podAffinity" not in spec.get("affinity", {})
    # A pool's own affinity is kept beside the one the claim needs.
    objects = defaults_on(STOCK_CLUSTER, {"story": {"affinity": node_affinity}})
    affinity = named(objects, "Deployment", "-story-worker")["spec"]["template"]["spec"]["affinity"]
    assert affinity["nodeAffinity"] == node_affinity["nodeAffinity"]
    assert affinity["podAffinity"]


def least_pods(objects: list[dict[str, Any]], deployment: dict[str, Any]) -> int:
    """The fewest pods the workload runs while it is up (its autoscaler's minimum)."""
    name = deployment["metadata"]["name"]
    for hpa in by_kind(objects, "HorizontalPodAutoscaler"):
        if hpa["spec"]["scaleTargetRef"]["name"] == name:
            return int(hpa["spec"]["minReplicas"])
    for scaled in by_kind(objects, "ScaledObject"):
        if scaled["spec"]["scaleTargetRef"]["name"] == name:
            return max(int(scaled["spec"]["minReplicaCount"]), 1)  # at zero nothing is drained
    return int(deployment["spec"]["replicas"])


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"gateway": {"autoscaling": {"mode": "none"}, "replicas": 1}},
        {"gateway": {"autoscaling": {"minReplicas": 1}}, "janitor": {"replicas": 1}},
    ],
    ids=["defaults", "one-gateway", "hpa-at-one"],
)
def test_no_disruption_budget_blocks_a_node_drain(values: dict[str, Any]) -> None:
    objects = defaults_on(KEDA_CLUSTER, values)
    deployments = {
        o["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"]: o
        for o in by_kind(objects, "Deployment")
    }
    for pdb in by_kind(objects, "PodDisruptionBudget"):
        selected = pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"]
        if selected not in deployments:
            continue
        pods = least_pods(objects, deployments[selected])
        if "minAvailable" in pdb["spec"]:
            allowed = pods - int(pdb["spec"]["minAvailable"])
        else:
            allowed = min(pods, int(pdb["spec"]["maxUnavailable"]))
        assert allowed >= 1, f"{pdb['metadata']['name']}: {pods} pod(s), none may be evicted"


def test_a_budget_that_would_block_every_drain_is_refused() -> None:
    values = {
        "gateway": {
            "autoscaling": {"mode": "none"},
            "replicas": 1,
            "pdb": {"minAvailable": 1, "maxUnavailable": None},
        }
    }
    with pytest.raises(helm.HelmError, match=r"gateway\.pdb\.minAvailable \(1\) .* 1 pod"):
        defaults_on(KEDA_CLUSTER, values)


def grace_and_annotations(objects: list[dict[str, Any]], pool: str) -> tuple[int, dict[str, str]]:
    template = named(objects, "Deployment", f"-{pool}")["spec"]["template"]
    return template["spec"]["terminationGracePeriodSeconds"], template["metadata"]["annotations"]


def test_pods_that_outlast_the_cluster_autoscaler_are_not_evicted_by_it() -> None:
    objects = defaults_on(KEDA_CLUSTER)
    for pool in ("gateway", *WORKERS, "janitor-worker"):
        grace, annotations = grace_and_annotations(objects, pool)
        # The cluster autoscaler waits 600 s (--max-graceful-termination-sec) at most.
        outlasts = grace > 600
        assert (annotations.get("cluster-autoscaler.kubernetes.io/safe-to-evict") == "false") == (
            outlasts
        ), pool
        assert (annotations.get("karpenter.sh/do-not-disrupt") == "true") == outlasts, pool
    assert grace_and_annotations(objects, "audio-worker")[0] > 600
    # A cluster whose autoscaler waits longer, and a pod annotation of the operator's own.
    longer = defaults_on(
        KEDA_CLUSTER, {"clusterAutoscaler": {"maxGracefulTerminationSeconds": 3600}}
    )
    assert (
        "cluster-autoscaler.kubernetes.io/safe-to-evict"
        not in grace_and_annotations(longer, "audio-worker")[1]
    )
    own = {"audio": {"podAnnotations": {"cluster-autoscaler.kubernetes.io/safe-to-evict": "true"}}}
    annotations = grace_and_annotations(defaults_on(KEDA_CLUSTER, own), "audio-worker")[1]
    assert annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] == "true"


PRIVATE_ROUTES = {"/healthz", "/readyz", "/health", "/health/celery", "/scaling"}


def ingress_routes(ingress: dict[str, Any], path: str) -> bool:
    """Whether an Ingress sends `path` to a backend, by the API's matching rules."""
    asked = [p for p in path.split("/") if p]
    for rule in ingress["spec"]["rules"]:
        for entry in rule["http"]["paths"]:
            written = [p for p in entry["path"].split("/") if p]
            if entry["pathType"] == "Exact" and entry["path"] == path:
                return True
            if entry["pathType"] == "Prefix" and asked[: len(written)] == written:
                return True
    return False


def gateway_paths() -> set[str]:
    """The real gateway's routes: its OpenAPI document, its docs and its web page."""
    app = create_app(Settings(admin_token="t" * 24))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # HEAD and GET share operation ids
        documented = set(app.openapi()["paths"])
    page = {"/", "/web/app.js", app.docs_url, app.redoc_url, app.openapi_url}
    return {re.sub(r"\{[^}]+\}", "x", path) for path in documented | page if path}


def test_the_ingress_routes_the_api_and_page_but_not_health_or_scaling() -> None:
    paths = gateway_paths()
    assert paths >= PRIVATE_ROUTES, "the gateway's private routes moved"
    ingress = named(defaults_on(STOCK_CLUSTER, {"ingress": {"enabled": True}}), "Ingress", "")
    for path in sorted(paths):
        assert ingress_routes(ingress, path) == (path not in PRIVATE_ROUTES), path


def test_made_up_secrets_are_kept_by_an_upgrade() -> None:
    made = named(defaults_on(STOCK_CLUSTER), "Secret", "-secrets")
    live = {"kind": "Secret", "metadata": made["metadata"] | {"namespace": "codestory"}}
    upgraded = render_upgrade({}, [live | {"data": made["data"]}])
    kept = named(upgraded, "Secret", "-secrets")["data"]
    assert kept["admin-token"] == made["data"]["admin-token"]
    assert kept["redis-password"] == made["data"]["redis-password"]
    # A token given in the values replaces the one made up.
    given = render_upgrade({"adminToken": "z" * 24}, [live | {"data": made["data"]}])
    assert base64.b64decode(named(given, "Secret", "-secrets")["data"]["admin-token"]) == b"z" * 24


def test_an_existing_artifact_claim_keeps_its_access_mode() -> None:
    # A claim's access modes cannot change: a release installed when the default was
    # ReadWriteMany keeps it, and its pods keep spreading over nodes.
    live = {
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "cs-codestory-artifacts", "namespace": "codestory"},
        "spec": {"accessModes": ["ReadWriteMany"]},
    }
    upgraded = render_upgrade({}, [live])
    (claim,) = by_kind(upgraded, "PersistentVolumeClaim")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    for _, spec in pod_specs(upgraded):
        assert "podAffinity" not in spec.get("affinity", {})
