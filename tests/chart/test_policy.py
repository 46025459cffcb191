"""What a security review checks, over every container of every configuration."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from codestory.core.settings import Settings
from tests.chart.rendering import by_kind, pod_specs, render
from tests.chart.test_render import MATRIX

CODESTORY_COMPONENTS = {"gateway", "story-worker", "audio-worker", "janitor-worker"}


def component(spec_owner: dict[str, Any]) -> str:
    return str(spec_owner["metadata"]["labels"]["app.kubernetes.io/component"])


@pytest.mark.parametrize("case", sorted(MATRIX))
def test_every_container_is_hardened(case: str) -> None:
    objects = render(MATRIX[case])
    for name, spec in pod_specs(objects):
        pod = spec.get("securityContext", {})
        assert pod.get("runAsNonRoot") is True, name
        assert pod.get("seccompProfile", {}).get("type") == "RuntimeDefault", name
        # Only the janitor holds an API token, to set pod-deletion-costs (see below).
        token = spec.get("automountServiceAccountToken")
        assert token is False or name.endswith("-janitor-worker"), name
        assert not spec.get("hostNetwork") and not spec.get("hostPID"), name
        for container in spec["containers"]:
            context = container["securityContext"]
            where = f"{name}/{container['name']}"
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            assert "add" not in context["capabilities"], where
            assert container["resources"]["requests"]["cpu"], where
            assert container["resources"]["requests"]["memory"], where
            assert container["resources"]["limits"]["memory"], where
            assert "livenessProbe" in container and "readinessProbe" in container, where
            assert ":latest" not in container["image"] and ":" in container["image"], where
            for env in container.get("env", []):
                assert (
                    "value" not in env or "PASSWORD" not in env["name"] or "$(" in env["value"]
                ), where


@pytest.mark.parametrize("case", sorted(MATRIX))
def test_every_worker_has_a_pdb_and_outlasts_its_hard_limit(case: str) -> None:
    objects = render(MATRIX[case])
    settings = Settings()
    limits = {
        "story-worker": settings.story_time_limit,
        "audio-worker": settings.audio_time_limit_max,
    }
    pdb_components = {
        pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"]
        for pdb in by_kind(objects, "PodDisruptionBudget")
    }
    for deployment in by_kind(objects, "Deployment"):
        name = component(deployment)
        if name not in CODESTORY_COMPONENTS:
            continue
        assert name in pdb_components, f"{name} has no PodDisruptionBudget"
        grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        if name in limits:
            assert grace > limits[name], f"{name}: grace {grace}s <= hard limit {limits[name]}s"
            probe = deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
            assert probe["exec"]["command"] == ["codestory", "probe", "liveness"]
            assert "startupProbe" in deployment["spec"]["template"]["spec"]["containers"][0]


def test_a_pools_own_time_limit_raises_its_grace_period() -> None:
    objects = render(
        {
            "story": {"env": {"storyTimeLimit": 900, "storySoftTimeLimit": 800}},
            "audio": {"extraEnv": [{"name": "CODESTORY_AUDIO_TIME_LIMIT_MAX", "value": "2400"}]},
        }
    )
    grace = {
        component(d): d["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        for d in by_kind(objects, "Deployment")
    }
    assert grace["story-worker"] == 930 and grace["audio-worker"] == 2430


def test_secrets_never_appear_in_configmaps() -> None:
    objects = render(
        {"redis": {"password": "hunter2hunter2"}, "adminToken": "tok-123456-0123456789abcdef"}
    )
    for config in by_kind(objects, "ConfigMap"):
        text = str(config["data"])
        assert "hunter2hunter2" not in text and "tok-123456" not in text


def test_api_key_digests_reach_every_service_from_the_secret() -> None:
    entry = {"alice": hashlib.sha256(b"cs_alice-key").hexdigest()}
    objects = render({"apiKeys": entry})
    (secret,) = by_kind(objects, "Secret")
    stored = base64.b64decode(secret["data"]["api-keys"]).decode()
    assert Settings(api_keys=json.loads(stored), admin_token="x" * 24).api_keys == entry
    deployments = [
        d for d in by_kind(objects, "Deployment") if component(d) in CODESTORY_COMPONENTS
    ]
    assert len(deployments) == len(CODESTORY_COMPONENTS)
    for deployment in deployments:
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e for e in container["env"]}
        ref = env["CODESTORY_API_KEYS"]["valueFrom"]["secretKeyRef"]
        assert ref["key"] == "api-keys", component(deployment)
    without = render({})
    assert "api-keys" not in by_kind(without, "Secret")[0]["data"]


def test_pods_take_no_traffic_they_do_not_need() -> None:
    objects = render({"redis": {"bundled": True, "external": {"host": ""}, "password": ""}})
    policies = {p["metadata"]["name"]: p for p in by_kind(objects, "NetworkPolicy")}
    workers = policies["cs-codestory-workers"]["spec"]
    assert workers["policyTypes"] == ["Ingress"]
    assert [p["port"] for rule in workers["ingress"] for p in rule["ports"]] == [9100]
    valkey = policies["cs-codestory-valkey"]["spec"]["ingress"][0]
    assert valkey["ports"] == [{"port": 6379, "protocol": "TCP"}]


def test_the_story_worker_reaches_only_dns_public_https_and_redis() -> None:
    objects = render({"redis": {"bundled": True, "external": {"host": ""}, "password": ""}})
    policies = {p["metadata"]["name"]: p for p in by_kind(objects, "NetworkPolicy")}
    egress = policies["cs-codestory-story-egress"]["spec"]
    assert egress["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "story-worker"
    assert egress["policyTypes"] == ["Egress"]
    dns, https, redis = egress["egress"]
    assert {p["port"] for p in dns["ports"]} == {53}
    block = https["to"][0]["ipBlock"]
    assert block["cidr"] == "0.0.0.0/0"
    # Cloud metadata, the cluster's own addresses and loopback are never reachable.
    for private in ("169.254.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"):
        assert private in block["except"]
    assert https["ports"] == [{"port": 443, "protocol": "TCP"}]
    assert redis["ports"] == [{"port": 6379, "protocol": "TCP"}]
    # The pods it applies to are the ones the story worker's Deployment makes.
    story = next(d for d in by_kind(objects, "Deployment") if component(d) == "story-worker")
    labels = story["spec"]["template"]["metadata"]["labels"]
    assert egress["podSelector"]["matchLabels"].items() <= labels.items()
    # An external Redis or in-cluster S3 is added by the operator, as a rule of its own.
    extra = {"to": [{"ipBlock": {"cidr": "10.20.0.5/32"}}], "ports": [{"port": 6380}]}
    values = {"networkPolicy": {"storyWorkerEgress": {"extra": [extra]}}}
    added = {p["metadata"]["name"]: p for p in by_kind(render(values), "NetworkPolicy")}
    assert added["cs-codestory-story-egress"]["spec"]["egress"][-1] == extra


@pytest.mark.parametrize("own_account", [True, False])
def test_only_the_janitor_reaches_the_api_and_may_only_patch_pods(own_account: bool) -> None:
    objects = render(
        {"serviceAccount": {"create": own_account, "name": "" if own_account else "cs"}}
    )
    with_token = {
        name: spec for name, spec in pod_specs(objects) if spec["automountServiceAccountToken"]
    }
    assert list(with_token) == ["cs-codestory-janitor-worker"]
    account = with_token["cs-codestory-janitor-worker"]["serviceAccountName"]
    container = with_token["cs-codestory-janitor-worker"]["containers"][0]
    assert {"name": "CODESTORY_POD_DELETION_COST", "value": "true"} in container["env"]
    (binding,) = by_kind(objects, "RoleBinding")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": account, "namespace": "codestory"}
    ]
    (role,) = by_kind(objects, "Role")
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": role["metadata"]["name"],
    }
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["patch"]}]
    assert not by_kind(objects, "ClusterRole") and not by_kind(objects, "ClusterRoleBinding")
    if own_account:  # not the account every other pod runs as
        others = {spec["serviceAccountName"] for name, spec in pod_specs(objects)} - {account}
        assert others == {"cs-codestory"}

    off = render({"podDeletionCost": {"enabled": False}})
    assert not by_kind(off, "Role") and not by_kind(off, "RoleBinding")
    assert not any(spec["automountServiceAccountToken"] for _, spec in pod_specs(off))
