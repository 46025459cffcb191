"""helm lint, and values.schema.json rejecting bad values with a readable message."""

from __future__ import annotations

from typing import Any

import helm_python as helm
import pytest

from tests.chart.rendering import BASE_VALUES, CHART, chart, merge, render


@pytest.mark.parametrize(
    "values_file", [None, "values-dev.yaml"], ids=["production-values", "dev-values"]
)
def test_helm_lint_is_clean(values_file: str | None) -> None:
    values: dict[str, Any] = dict(BASE_VALUES)
    if values_file:
        values = helm.values_from_yaml((CHART / values_file).read_text())
    report = helm.lint(CHART, values, strict=True, kube_version="v1.30.0")
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert not problems, problems
    assert not report["errors"], report["errors"]


def test_dev_values_render() -> None:
    dev = helm.values_from_yaml((CHART / "values-dev.yaml").read_text())
    objects = render(dev, base=False)
    assert any(o["kind"] == "StatefulSet" for o in objects)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"story": {"autoscaling": {"mode": "turbo"}}},
            "at '/story/autoscaling/mode': value must be one of 'keda', 'hpa', 'none'",
        ),
        ({"gateway": {"autoscaling": {"mode": "keda"}}}, "at '/gateway/autoscaling/mode'"),
        ({"gatway": {}}, "additional properties 'gatway' not allowed"),
        ({"redis": {"external": {"port": 70000}}}, "at '/redis/external/port': maximum"),
        ({"redis": {"external": {"host": ""}}}, "at '/redis/external/host': minLength"),
        ({"story": {"concurrency": 0}}, "at '/story/concurrency': minimum"),
        ({"config": {"logFormat": "xml"}}, "at '/config/logFormat'"),
        ({"config": {"storyRateLimit": "fast"}}, "at '/config/storyRateLimit'"),
        ({"artifacts": {"s3Url": "https://bucket"}}, "at '/artifacts/s3Url'"),
        ({"flower": {"basicAuth": "nopassword"}}, "at '/flower/basicAuth'"),
        ({"llm": {"baseUrl": "file:///etc/passwd"}}, "at '/llm/baseUrl'"),
        ({"speechService": {"baseUrl": "ftp://voice"}}, "at '/speechService/baseUrl'"),
        ({"apiKeys": {"alice": "cs_the-raw-key"}}, "at '/apiKeys/alice'"),
        (
            {"audio": {"resources": {"limits": {"memory": "lots"}}}},
            "at '/audio/resources/limits/memory'",
        ),
        ({"config": {"speechEngine": "festival"}}, "at '/config/speechEngine'"),
        ({"config": {"hibariVoice": "../heart"}}, "at '/config/hibariVoice'"),
    ],
)
def test_schema_rejects_bad_values(values: dict[str, Any], message: str) -> None:
    with pytest.raises(helm.HelmValuesError) as info:
        chart().validate_schema(chart().merge_values(merge(BASE_VALUES, values)))
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"adminToken": "short-token"}, "at least 24 characters"),
        ({"flower": {"enabled": True}}, "flower.enabled needs flower.basicAuth"),
        (
            {"story": {"env": {"storyTimeLimit": 4000}}},
            "story: its hard time limit (4000s) must be below config.visibilityTimeout",
        ),
    ],
)
def test_templates_refuse_unsafe_combinations(values: dict[str, Any], message: str) -> None:
    with pytest.raises(helm.HelmError) as info:
        render(values)
    assert message in str(info.value)
