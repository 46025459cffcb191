"""Monitors and rules a stock kube-prometheus-stack picks up: its `release` label, the
namespace it watches, and the scrape knobs, each validated against the operator's CRDs."""

from __future__ import annotations

from tests.chart.rendering import named, render, validate

RELABEL = [
    {
        "action": "replace",
        "sourceLabels": ["__meta_kubernetes_pod_node_name"],
        "targetLabel": "node",
    }
]


def test_monitors_and_rules_take_labels_namespace_and_scrape_knobs() -> None:
    knobs = {
        "enabled": True,
        "labels": {"release": "kube-prometheus-stack"},
        "namespace": "monitoring",
        "interval": "15s",
        "scrapeTimeout": "12s",
        "relabelings": RELABEL,
    }
    objects = render(
        {
            "metrics": {
                "serviceMonitor": knobs,
                "podMonitor": knobs,
                "prometheusRule": {
                    "enabled": True,
                    "labels": {"release": "kube-prometheus-stack"},
                    "namespace": "monitoring",
                },
            }
        }
    )
    service = named(objects, "ServiceMonitor", "-gateway")
    pods = named(objects, "PodMonitor", "-workers")
    rule = named(objects, "PrometheusRule", "-codestory")
    for obj in (service, pods, rule):
        validate(obj)
        assert obj["metadata"]["labels"]["release"] == "kube-prometheus-stack"
        assert obj["metadata"]["namespace"] == "monitoring"
    for monitor, endpoints in ((service, "endpoints"), (pods, "podMetricsEndpoints")):
        # In another namespace, a monitor must be told where the release's pods are.
        assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["codestory"]}
        (endpoint,) = monitor["spec"][endpoints]
        assert (endpoint["interval"], endpoint["scrapeTimeout"]) == ("15s", "12s")
        assert endpoint["relabelings"] == RELABEL
    slow = [
        r
        for group in rule["spec"]["groups"]
        for r in group["rules"]
        if r.get("alert") == "CodestoryBrokerScrapeSlow"
    ]
    assert "> 9.6" in slow[0]["expr"], "80% of the 12 s scrape timeout"


def test_defaults_stay_in_the_release_namespace() -> None:
    objects = render({"metrics": {"serviceMonitor": {"enabled": True}}})
    service = named(objects, "ServiceMonitor", "-gateway")
    assert "namespace" not in service["metadata"]
    assert "namespaceSelector" not in service["spec"]
