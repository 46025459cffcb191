"""Render the chart with the real Helm library and validate what comes out."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import kubernetes_validate
import yaml
from helm_python import _native

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "codestory"
CRDS = ROOT / "tests" / "chart" / "schemas"  # KEDA, prometheus-operator, skaffold: README.md there
KUBE_VERSIONS = ("1.27.0", "1.37.0")  # the chart's oldest supported and the newest

BASE_VALUES: dict[str, Any] = {
    "adminToken": "test-admin-token-0123456789",
    "redis": {
        "bundled": False,
        "external": {"host": "redis.example.internal"},
        "password": "redis-pass",
    },
    "artifacts": {"s3Url": "s3://tours/codestory", "s3AccessKeyId": "a", "s3SecretAccessKey": "b"},
}

CRD_SCHEMAS = {
    ("keda.sh/v1alpha1", "ScaledObject"): "keda-scaledobject-v1alpha1.json",
    ("keda.sh/v1alpha1", "TriggerAuthentication"): "keda-triggerauthentication-v1alpha1.json",
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "monitoring-servicemonitor-v1.json",
    ("monitoring.coreos.com/v1", "PodMonitor"): "monitoring-podmonitor-v1.json",
    ("monitoring.coreos.com/v1", "PrometheusRule"): "monitoring-prometheusrule-v1.json",
}


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


@cache
def chart() -> helm.Chart:
    return helm.Chart.load(CHART)


# What the API server of a cluster with KEDA installed serves beyond the built-in kinds, as
# `helm install` sees it (`.Capabilities.APIVersions`); STOCK_CLUSTER serves none of it.
KEDA_CLUSTER = ("keda.sh/v1alpha1", "keda.sh/v1alpha1/ScaledObject")
STOCK_CLUSTER: tuple[str, ...] = ()


def render_manifests(
    values: dict[str, Any],
    *,
    release: str,
    api_versions: tuple[str, ...],
    namespace: str = "codestory",
) -> dict[str, str]:
    """Template path -> manifest, as `helm install --dry-run` on a cluster that serves
    `api_versions`. The SDK's render takes the same options as `helm template`
    (--api-versions included), but its Python method does not pass that one on."""
    options = {
        "name": release,
        "namespace": namespace,
        "is_install": True,
        "api_versions": list(api_versions),
    }
    rendered = _native.call_string(
        "helm_render", chart()._raw(), json.dumps(values), json.dumps(options)
    )
    manifests: dict[str, str] = json.loads(rendered)
    return manifests


def render(
    values: dict[str, Any] | None = None,
    *,
    base: bool = True,
    release: str = "cs",
    namespace: str = "codestory",
    api_versions: tuple[str, ...] = KEDA_CLUSTER,
) -> list[dict[str, Any]]:
    """Every object the chart renders for these values (merged over BASE_VALUES), on a
    cluster that serves KEDA unless told otherwise."""
    merged = merge(BASE_VALUES, values or {}) if base else (values or {})
    manifests = render_manifests(
        merged, release=release, api_versions=api_versions, namespace=namespace
    )
    objects: list[dict[str, Any]] = []
    for path, text in sorted(manifests.items()):
        if path.endswith(".txt"):
            continue
        objects += [doc for doc in yaml.safe_load_all(text) if doc]
    return objects


def notes(values: dict[str, Any] | None = None) -> str:
    manifests = chart().render(merge(BASE_VALUES, values or {}), name="cs", namespace="codestory")
    return manifests["codestory/templates/NOTES.txt"]


@cache
def crd_validator(file: str) -> jsonschema.Draft7Validator:
    schema = json.loads((CRDS / file).read_text())
    return jsonschema.Draft7Validator(schema)


def validate(obj: dict[str, Any]) -> None:
    """Kubernetes' own schemas for built-in kinds, the vendored CRD schemas for the rest."""
    key = (obj["apiVersion"], obj["kind"])
    if key in CRD_SCHEMAS:
        crd_validator(CRD_SCHEMAS[key]).validate(obj)
        return
    for version in KUBE_VERSIONS:
        kubernetes_validate.validate(obj, version, strict=True)


def by_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def named(objects: list[dict[str, Any]], kind: str, suffix: str) -> dict[str, Any]:
    matches = [o for o in by_kind(objects, kind) if o["metadata"]["name"].endswith(suffix)]
    assert len(matches) == 1, f"{kind} *{suffix}: {[o['metadata']['name'] for o in matches]}"
    return matches[0]


def pod_specs(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (o["metadata"]["name"], o["spec"]["template"]["spec"])
        for o in objects
        if o["kind"] in {"Deployment", "StatefulSet"}
    ]
