"""The cluster path to Redis: TLS with the CA a platform team provides, and KEDA's operator,
which runs in its own namespace, reaching the bundled Valkey by its full name."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from codestory.core.settings import Settings
from tests.chart.rendering import by_kind, named, render, validate

TLS_CA = {"redis": {"external": {"tls": True, "tlsCa": {"secretName": "redis-ca"}}}}


def settings_from(objects: list[dict[str, Any]]) -> Settings:
    """What a pod's settings come to, from the ConfigMap the chart renders."""
    config = named(objects, "ConfigMap", "-config")
    env = {k: v for k, v in config["data"].items() if k.startswith(("CODESTORY_", "REDIS_"))}
    fields = {
        "redis_url": env["REDIS_URL"],
        "admin_token": "x" * 24,
        "redis_tls_ca_file": env.get("CODESTORY_REDIS_TLS_CA_FILE", ""),
        "redis_tls_insecure": env.get("CODESTORY_REDIS_TLS_INSECURE") == "true",
    }
    return Settings(**fields)  # type: ignore[arg-type]


def test_tls_with_a_ca_verifies_against_the_mounted_bundle() -> None:
    objects = render(TLS_CA)
    settings = settings_from(objects)
    for url in (settings.redis_url, settings.celery_broker_url, settings.celery_result_backend):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        assert parts.scheme == "rediss"
        assert query["ssl_cert_reqs"] == ["required"]
        assert query["ssl_ca_certs"] == ["/etc/codestory/redis-ca/ca.crt"]
    for deployment in by_kind(objects, "Deployment"):
        spec = deployment["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert volumes["redis-ca"]["secret"]["secretName"] == "redis-ca"
        mounts = {m["name"]: m for m in spec["containers"][0]["volumeMounts"]}
        assert mounts["redis-ca"]["mountPath"] == "/etc/codestory/redis-ca"


@pytest.mark.parametrize(
    ("external", "expected"),
    [
        ({"tls": True}, {"ssl_cert_reqs": ["required"]}),
        (
            {"tls": True, "tlsInsecureSkipVerify": True},
            {"ssl_cert_reqs": ["none"], "ssl_check_hostname": ["false"]},
        ),
    ],
)
def test_flower_reads_the_same_tls_policy_from_its_url(
    external: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    objects = render(
        {"redis": {"external": external}, "flower": {"enabled": True, "basicAuth": "a:b"}}
    )
    flower = named(objects, "Deployment", "flower")
    env = {
        e["name"]: e.get("value")
        for e in flower["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    url = urlsplit(env["CELERY_BROKER_URL"])
    assert url.scheme == "rediss"
    assert parse_qs(url.query) == expected
    settings = settings_from(objects)
    assert parse_qs(urlsplit(settings.celery_broker_url).query) == expected


def test_keda_verifies_tls_with_the_ca_and_never_sets_tls_twice() -> None:
    objects = render(TLS_CA)
    for obj in objects:
        validate(obj)  # the CRDs' own schemas, configMapTargetRef included
    (auth,) = by_kind(objects, "TriggerAuthentication")
    secrets = {r["parameter"]: r for r in auth["spec"]["secretTargetRef"]}
    assert secrets["ca"] == {"parameter": "ca", "name": "redis-ca", "key": "ca.crt"}
    (tls,) = auth["spec"]["configMapTargetRef"]
    config = named(objects, "ConfigMap", tls["name"])
    assert config["data"][tls["key"]] == "enable"
    for scaled in by_kind(objects, "ScaledObject"):
        metadata = scaled["spec"]["triggers"][0]["metadata"]
        assert "enableTLS" not in metadata, "KEDA refuses tls set in both places"
        assert "unsafeSsl" not in metadata
        assert (
            scaled["spec"]["triggers"][0]["authenticationRef"]["name"] == auth["metadata"]["name"]
        )


def test_keda_reaches_the_bundled_valkey_by_its_full_name_from_its_own_namespace() -> None:
    objects = render(
        {
            "redis": {"bundled": True, "external": {"host": ""}, "password": ""},
            "clusterDomain": "corp.internal",
            "networkPolicy": {"kedaNamespace": "autoscaling"},
        }
    )
    for scaled in by_kind(objects, "ScaledObject"):
        address = scaled["spec"]["triggers"][0]["metadata"]["address"]
        assert address == "cs-codestory-valkey.codestory.svc.corp.internal:6379"
    policy = named(objects, "NetworkPolicy", "valkey")
    sources = policy["spec"]["ingress"][0]["from"]
    keda = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "autoscaling"}}}
    assert keda in sources
