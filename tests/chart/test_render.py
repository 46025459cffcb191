"""Every object of every configuration validates against Kubernetes' and the CRDs' schemas."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes.utils import parse_quantity

from tests.chart.rendering import ROOT, by_kind, named, render, validate

CONCURRENCY = "CODESTORY_WORKER_CONCURRENCY"
SUPERVISOR_MB = 65  # the audio worker's supervising process (scripts/bench_footprint.py)

MATRIX: dict[str, dict[str, Any]] = {
    "defaults": {},
    "keda": {"story": {"autoscaling": {"mode": "keda", "countRunning": True}}},
    "hpa": {
        "story": {"autoscaling": {"mode": "hpa"}},
        "audio": {"autoscaling": {"mode": "hpa", "minReplicas": 1}},
    },
    "none": {
        "story": {"autoscaling": {"mode": "none"}},
        "audio": {"autoscaling": {"mode": "none"}},
        "gateway": {"autoscaling": {"mode": "none"}},
    },
    "bundled-valkey": {"redis": {"bundled": True, "external": {"host": ""}, "password": ""}},
    "external-tls-redis": {"redis": {"external": {"host": "r.example.com", "tls": True}}},
    "file-artifacts": {"artifacts": {"s3Url": ""}},
    "ingress": {
        "ingress": {
            "enabled": True,
            "className": "nginx",
            "tls": [{"hosts": ["codestory.example.com"], "secretName": "tls"}],
        }
    },
    "existing-secret": {"existingSecret": "my-secrets", "adminToken": ""},
    "flower": {"flower": {"enabled": True, "basicAuth": "ops:secret"}},
    "monitoring": {
        "metrics": {
            "serviceMonitor": {"enabled": True},
            "podMonitor": {"enabled": True},
            "prometheusRule": {"enabled": True},
            "grafanaDashboards": {"enabled": True},
        }
    },
    "monitoring-off": {"networkPolicy": {"enabled": False}},
    "no-password": {"redis": {"password": ""}},
    "llm-and-speech-service": {
        "llm": {"baseUrl": "https://models.example.com/v1", "apiKey": "sk-1"},
        "speechService": {"baseUrl": "https://voice.example.com/v1", "apiKey": "sk-2"},
    },
}


@pytest.mark.parametrize("case", sorted(MATRIX))
def test_every_object_validates(case: str) -> None:
    objects = render(MATRIX[case])
    assert objects
    for obj in objects:
        validate(obj)


def test_defaults_render_the_four_services() -> None:
    objects = render()
    deployments = {d["metadata"]["name"] for d in by_kind(objects, "Deployment")}
    assert deployments == {
        "cs-codestory-gateway",
        "cs-codestory-story-worker",
        "cs-codestory-audio-worker",
        "cs-codestory-janitor-worker",
    }
    assert {o["kind"] for o in objects} >= {
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "Service",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ScaledObject",
        "TriggerAuthentication",
        "HorizontalPodAutoscaler",
    }
    assert not by_kind(objects, "StatefulSet"), "no bundled Valkey unless asked"


@pytest.mark.parametrize("mode", ["keda", "hpa", "none"])
def test_autoscaling_modes(mode: str) -> None:
    audio_min = 1 if mode == "hpa" else 0  # an HPA cannot scale to zero
    objects = render(
        {
            "story": {"autoscaling": {"mode": mode}},
            "audio": {"autoscaling": {"mode": mode, "minReplicas": audio_min}},
        }
    )
    scaled = {o["metadata"]["name"] for o in by_kind(objects, "ScaledObject")}
    hpas = {o["metadata"]["name"] for o in by_kind(objects, "HorizontalPodAutoscaler")}
    workers = {"cs-codestory-story-worker", "cs-codestory-audio-worker"}
    assert (scaled == workers) == (mode == "keda")
    assert (workers <= hpas) == (mode == "hpa")
    for name in workers:
        deployment = named(objects, "Deployment", name)
        # A controller that owns replicas must not have the Deployment fight it.
        assert ("replicas" in deployment["spec"]) == (mode == "none")
    assert not any(o["kind"] == "TriggerAuthentication" for o in objects) or mode == "keda"


def test_keda_triggers() -> None:
    objects = render({})
    audio = named(objects, "ScaledObject", "audio-worker")
    assert audio["spec"]["minReplicaCount"] == 0, "audio may scale to zero"
    redis_trigger, work = audio["spec"]["triggers"]
    assert redis_trigger["type"] == "redis"
    assert redis_trigger["metadata"]["address"] == "redis.example.internal:6379"
    assert redis_trigger["metadata"]["listName"] == "audio"
    assert redis_trigger["metadata"]["activationListLength"] == "0"
    assert redis_trigger["authenticationRef"]["name"] == "cs-codestory-redis"
    # Waiting + running, by default: scale-in never goes below the work in hand.
    assert work["type"] == "metrics-api"
    assert work["metadata"]["url"] == (
        "http://cs-codestory-gateway.codestory.svc.cluster.local:80/scaling"
    )
    assert work["metadata"]["valueLocation"] == "queues.audio.work"
    assert work["metadata"]["activationTargetValue"] == "0"
    without = named(
        render({"audio": {"autoscaling": {"countRunning": False}}}), "ScaledObject", "audio-worker"
    )
    assert [t["type"] for t in without["spec"]["triggers"]] == ["redis"]
    auth = named(objects, "TriggerAuthentication", "-redis")
    assert auth["spec"]["secretTargetRef"] == [
        {"parameter": "password", "name": "cs-codestory-secrets", "key": "redis-password"}
    ]
    scale_down = audio["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]
    assert scale_down["policies"] == [{"type": "Pods", "value": 1, "periodSeconds": 60}]


def test_bundled_valkey_is_durable_and_never_evicts() -> None:
    objects = render({"redis": {"bundled": True, "external": {"host": ""}, "password": ""}})
    valkey = named(objects, "StatefulSet", "-valkey")
    args = valkey["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--maxmemory-policy") + 1] == "noeviction"
    assert valkey["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
    config = named(objects, "ConfigMap", "-config")["data"]
    assert config["REDIS_URL"] == "redis://cs-codestory-valkey:6379/0"
    secret = named(objects, "Secret", "-secrets")
    assert len(secret["data"]["redis-password"]) >= 40, "a generated password"


def test_existing_secret_is_used_and_nothing_is_generated() -> None:
    objects = render({"existingSecret": "my-secrets", "adminToken": ""})
    assert not by_kind(objects, "Secret")
    gateway = named(objects, "Deployment", "-gateway")
    refs = {
        e["valueFrom"]["secretKeyRef"]["name"]
        for e in gateway["spec"]["template"]["spec"]["containers"][0]["env"]
        if "valueFrom" in e
    }
    assert refs == {"my-secrets"}


def test_ingress_keeps_event_streams_open() -> None:
    ingress = named(render({"ingress": {"enabled": True}}), "Ingress", "cs-codestory")
    assert (
        ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
    )
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "cs-codestory-gateway", "port": {"name": "http"}}


def test_flower_sits_behind_basic_auth() -> None:
    objects = render({"flower": {"enabled": True, "basicAuth": "ops:secret"}})
    flower = named(objects, "Deployment", "-flower")["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in flower["env"]}
    assert env["FLOWER_BASIC_AUTH"]["valueFrom"]["secretKeyRef"]["key"] == "flower-basic-auth"
    assert (
        env["CELERY_BROKER_URL"]["value"]
        == "redis://:$(REDIS_PASSWORD)@redis.example.internal:6379/0"
    )


def test_audio_workers_are_told_espeaks_word_gap() -> None:
    config = named(render({}), "ConfigMap", "-config")["data"]
    assert config["CODESTORY_ESPEAK_WORD_GAP_MS"] == "30"
    config = named(render({"config": {"espeakWordGapMs": 0}}), "ConfigMap", "-config")["data"]
    assert config["CODESTORY_ESPEAK_WORD_GAP_MS"] == "0"


def test_audio_workers_speak_with_hibari_unless_told_otherwise() -> None:
    config = named(render({}), "ConfigMap", "-config")["data"]
    assert (config["CODESTORY_SPEECH_ENGINE"], config["CODESTORY_HIBARI_VOICE"]) == (
        "hibari",
        "heart",
    )
    chosen = {"config": {"speechEngine": "espeak-ng", "hibariVoice": "fenrir"}}
    config = named(render(chosen), "ConfigMap", "-config")["data"]
    assert (config["CODESTORY_SPEECH_ENGINE"], config["CODESTORY_HIBARI_VOICE"]) == (
        "espeak-ng",
        "fenrir",
    )


def test_notes_tell_how_to_reach_the_gateway() -> None:
    from tests.chart.rendering import notes

    text = notes()
    assert "port-forward svc/cs-codestory-gateway 8000:80" in text
    assert "POST http://127.0.0.1:8000/api/v1/stories" in text


def test_llm_and_speech_service_keys_come_from_the_secret() -> None:
    import base64

    objects = render(MATRIX["llm-and-speech-service"])
    config = named(objects, "ConfigMap", "-config")["data"]
    assert config["CODESTORY_LLM_BASE_URL"] == "https://models.example.com/v1"
    assert config["CODESTORY_TTS_BASE_URL"] == "https://voice.example.com/v1"
    assert not any("sk-" in str(v) for v in config.values()), "keys never sit in the ConfigMap"
    secret = named(objects, "Secret", "-secrets")["data"]
    assert base64.b64decode(secret["llm-api-key"]) == b"sk-1"
    assert base64.b64decode(secret["tts-api-key"]) == b"sk-2"
    for worker in ("-story-worker", "-audio-worker"):
        env = named(objects, "Deployment", worker)["spec"]["template"]["spec"]["containers"][0]
        keys = {
            e["name"]: e["valueFrom"]["secretKeyRef"]["key"]
            for e in env["env"]
            if "secretKeyRef" in e.get("valueFrom", {})
        }
        assert keys["CODESTORY_LLM_API_KEY"] == "llm-api-key"
        assert keys["CODESTORY_TTS_API_KEY"] == "tts-api-key"
    plain = render()
    assert "CODESTORY_LLM_BASE_URL" not in named(plain, "ConfigMap", "-config")["data"]


def test_queues_of_pools_that_scale_to_zero_are_told_to_the_gateway() -> None:
    def idle(values: dict[str, Any]) -> list[str]:
        config = named(render(values), "ConfigMap", "-config")["data"]
        return list(json.loads(config["CODESTORY_SCALE_TO_ZERO_QUEUES"]))

    assert idle({}) == ["audio"]  # the default: audio workers (min 0) under KEDA
    both = {p: {"autoscaling": {"mode": "keda", "minReplicas": 0}} for p in ("story", "audio")}
    assert idle(both) == ["audio", "stories"]
    assert idle({"audio": {"autoscaling": {"mode": "none"}}}) == []
    assert idle({"audio": {"autoscaling": {"minReplicas": 1}}}) == []


def test_the_gateway_runs_the_plain_image() -> None:
    # Degraded mode (the gateway-full image) is refused at render: test_operator_notes.py.
    deployment = named(render({}), "Deployment", "cs-codestory-gateway")
    image: str = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.rsplit(":", 1)[0].endswith("/codestory-gateway")


def test_the_gateway_trusts_no_proxy_unless_told_which() -> None:
    from codestory.core.settings import Settings

    default = named(render(), "ConfigMap", "-config")["data"]
    assert json.loads(default["CODESTORY_TRUSTED_PROXIES"]) == []
    assert Settings(trusted_proxies=json.loads(default["CODESTORY_TRUSTED_PROXIES"]))
    told = named(render({"config": {"trustedProxies": ["10.244.0.0/16"]}}), "ConfigMap", "-config")
    assert json.loads(told["data"]["CODESTORY_TRUSTED_PROXIES"]) == ["10.244.0.0/16"]
    # The header limits reach the gateway as settings it reads.
    assert int(default["CODESTORY_MAX_HEADER_BYTES"]) == Settings().max_header_bytes
    assert float(default["CODESTORY_HEADER_TIMEOUT_SECONDS"]) > 0
    with pytest.raises(Exception, match=r"trustedProxies|pattern"):
        render({"config": {"trustedProxies": ["ingress-nginx"]}})


def test_audio_memory_holds_the_measured_footprint(monkeypatch: pytest.MonkeyPatch) -> None:
    # The footprint benchmark's targets are what a pool process may hold after a story
    # with hibari and at its peak; the chart's audio memory must hold every slot at once.
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    from bench_footprint import MB, POOL_PEAK_TARGET_MB, TARGETS_MB

    worker = named(render({}), "Deployment", "-audio-worker")
    container = worker["spec"]["template"]["spec"]["containers"][0]
    slots = int(next(e["value"] for e in container["env"] if e["name"] == CONCURRENCY))
    resources = container["resources"]
    after_a_story = TARGETS_MB["audio after a story"] * MB  # the supervisor and one process
    supervisor = SUPERVISOR_MB * MB
    request = parse_quantity(resources["requests"]["memory"])
    limit = parse_quantity(resources["limits"]["memory"])
    assert request >= supervisor + slots * (after_a_story - supervisor)
    assert limit >= supervisor + slots * POOL_PEAK_TARGET_MB * MB
    assert limit > request
