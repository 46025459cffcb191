"""What a platform team expects of a chart: chart-testing's ci/ scenarios lint and render,
impossible combinations fail at render with the reason, every pod takes the usual knobs,
every image the mirror and pull secrets, secrets roll pods, and `helm test` exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python as helm
import pytest

from tests.chart.rendering import CHART, by_kind, named, notes, render, validate

SCENARIOS = sorted((CHART / "ci").glob("*-values.yaml"))
COMPONENTS = ("gateway", "story-worker", "audio-worker", "janitor-worker")


def test_there_are_ci_scenarios() -> None:
    assert {p.name for p in SCENARIOS} >= {
        "bundled-valkey-values.yaml",
        "external-tls-redis-values.yaml",
        "hpa-values.yaml",
        "monitoring-values.yaml",
    }


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_each_ci_scenario_lints_and_renders_valid_objects(scenario: Path) -> None:
    values = helm.values_from_yaml(scenario.read_text())
    report = helm.lint(CHART, values, strict=True, kube_version="v1.30.0")
    assert not [m for m in report["messages"] if m["severity"] >= 2], report["messages"]
    assert not report["errors"], report["errors"]
    for obj in render(values, base=False):
        validate(obj)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"config": {"storySoftTimeLimit": 300, "storyTimeLimit": 300}},
            "config.storySoftTimeLimit (300) must be below config.storyTimeLimit (300)",
        ),
        (
            {"story": {"autoscaling": {"minReplicas": 5, "maxReplicas": 2}}},
            "story.autoscaling.minReplicas (5) is above maxReplicas (2)",
        ),
        (
            {"audio": {"autoscaling": {"mode": "hpa", "minReplicas": 0}}},
            "an HPA cannot scale to zero",
        ),
        (
            {"artifacts": {"s3Url": "", "persistence": {"enabled": False}}},
            "the gateway cannot serve what the workers wrote",
        ),
        (
            {"story": {"pdb": {"minAvailable": 1}}},
            "story.pdb: set minAvailable or maxUnavailable, not both",
        ),
    ],
)
def test_combinations_that_cannot_work_fail_at_render(values: dict[str, Any], message: str) -> None:
    with pytest.raises(helm.HelmError) as info:
        render(values)
    assert message in str(info.value)


def test_every_pod_takes_labels_priority_env_from_and_volumes() -> None:
    knobs = {
        "podLabels": {"team": "tours"},
        "priorityClassName": "tours-high",
        "extraEnvFrom": [{"secretRef": {"name": "more-settings"}}],
        "extraVolumes": [{"name": "corp-ca", "configMap": {"name": "corp-ca"}}],
        "extraVolumeMounts": [{"name": "corp-ca", "mountPath": "/etc/corp-ca"}],
    }
    objects = render({pool: knobs for pool in ("gateway", "story", "audio", "janitor")})
    for component in COMPONENTS:
        template = named(objects, "Deployment", component)["spec"]["template"]
        spec = template["spec"]
        container = spec["containers"][0]
        assert template["metadata"]["labels"]["team"] == "tours", component
        assert spec["priorityClassName"] == "tours-high", component
        assert {"secretRef": {"name": "more-settings"}} in container["envFrom"], component
        assert {"name": "corp-ca", "configMap": {"name": "corp-ca"}} in spec["volumes"]
        assert {"name": "corp-ca", "mountPath": "/etc/corp-ca"} in container["volumeMounts"]


def test_every_image_takes_the_mirror_and_pull_secrets() -> None:
    objects = render(
        {
            "image": {"registry": "registry.internal/codestory", "mirror": "registry.internal/hub"},
            "imagePullSecrets": [{"name": "registry-login"}],
            "redis": {"bundled": True, "external": {"host": ""}, "password": ""},
            "flower": {"enabled": True, "basicAuth": "admin:pw"},
        }
    )
    pods = [o["spec"]["template"]["spec"] for o in by_kind(objects, "Deployment")]
    pods += [o["spec"]["template"]["spec"] for o in by_kind(objects, "StatefulSet")]
    pods += [o["spec"] for o in by_kind(objects, "Pod")]
    assert len(pods) == 7  # four services, Flower, Valkey and the test pod
    for spec in pods:
        assert spec["imagePullSecrets"] == [{"name": "registry-login"}]
        for container in spec["containers"]:
            assert container["image"].startswith("registry.internal/"), container["image"]


def test_every_pdb_key_is_used() -> None:
    objects = render(
        {
            "story": {
                "pdb": {"minAvailable": 2, "maxUnavailable": None},
                "autoscaling": {"minReplicas": 3},
            },
            "gateway": {"pdb": {"minAvailable": None, "maxUnavailable": "50%"}},
        }
    )
    assert named(objects, "PodDisruptionBudget", "story-worker")["spec"]["minAvailable"] == 2
    gateway = named(objects, "PodDisruptionBudget", "-gateway")["spec"]
    assert gateway["maxUnavailable"] == "50%" and "minAvailable" not in gateway


def test_secret_changes_roll_the_pods() -> None:
    def checksum(values: dict[str, Any]) -> str:
        deployment = named(render(values), "Deployment", "story-worker")
        annotations: dict[str, str] = deployment["spec"]["template"]["metadata"]["annotations"]
        return annotations["checksum/secret"]

    before = checksum({"adminToken": "first-admin-token-0123456789"})
    assert before == checksum({"adminToken": "first-admin-token-0123456789"}), "stable"
    assert before != checksum({"adminToken": "second-admin-token-0123456789"})


def test_tracing_is_configured_by_values() -> None:
    objects = render(
        {"otel": {"endpoint": "http://collector.monitoring:4318", "sampleRatio": 0.25}}
    )
    for component in COMPONENTS:
        container = named(objects, "Deployment", component)["spec"]["template"]["spec"][
            "containers"
        ][0]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://collector.monitoring:4318"
        assert env["OTEL_TRACES_SAMPLER_ARG"] == "0.25"
    off = named(render({}), "Deployment", "gateway")["spec"]["template"]["spec"]["containers"][0]
    assert not [e for e in off["env"] if e["name"].startswith("OTEL_")]


def test_helm_test_checks_the_release_health() -> None:
    (pod,) = by_kind(render({}), "Pod")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    validate(pod)
    script = pod["spec"]["containers"][0]["args"][0]
    assert "cs-codestory-gateway:80/health" in script
    compile(script, "helm-test", "exec")  # the script at least parses
    assert not by_kind(render({"tests": {"enabled": False}}), "Pod")


@pytest.mark.parametrize(
    ("values", "says", "never"),
    [
        ({}, ["port-forward svc/cs-codestory-gateway", "helm test cs"], ["Bearer"]),
        (
            {"ingress": {"enabled": True, "host": "tours.example.com"}},
            ["https://tours.example.com/api/v1/stories"],
            ["port-forward svc/cs-codestory-gateway"],
        ),
        ({"apiKeys": {"ci": "0" * 64}}, ["authorization: Bearer <your API key>"], []),
        ({"flower": {"enabled": True, "basicAuth": "a:b"}}, ["svc/cs-codestory-flower"], []),
        (
            {"redis": {"bundled": True, "external": {"host": ""}, "password": ""}},
            ["bundled Valkey is meant for development"],
            [],
        ),
    ],
)
def test_notes_fit_each_mode(values: dict[str, Any], says: list[str], never: list[str]) -> None:
    text = notes(values)
    for line in says:
        assert line in text
    for line in never:
        assert line not in text
