"""The story worker's egress policy opens what the release's own values name (Redis, the S3
endpoint, the OTLP collector, the LLM endpoint) and still keeps clones off private and
metadata addresses. Checked by evaluating the rendered policies, as a cluster would."""

from __future__ import annotations

from typing import Any

import pytest

from tests.chart.netpol import Peer, egress_allowed
from tests.chart.rendering import by_kind, named, render

NAMESPACE = "codestory"  # what rendering.render installs into

GITHUB = Peer("140.82.112.3", 443)
METADATA_HTTP = Peer("169.254.169.254", 80)
METADATA_HTTPS = Peer("169.254.169.254", 443)
PRIVATE_HTTPS = Peer("10.0.0.7", 443)
KUBE_API = Peer("10.96.0.1", 443, namespace="default", pod_labels={"component": "apiserver"})


def story_worker_can_reach(values: dict[str, Any], peer: Peer) -> bool:
    objects = render(values)
    pod = named(objects, "Deployment", "-story-worker")["spec"]["template"]["metadata"]
    return egress_allowed(by_kind(objects, "NetworkPolicy"), pod["labels"], NAMESPACE, peer)


def assert_still_fenced(values: dict[str, Any]) -> None:
    assert story_worker_can_reach(values, GITHUB)
    for peer in (METADATA_HTTP, METADATA_HTTPS, PRIVATE_HTTPS, KUBE_API):
        assert not story_worker_can_reach(values, peer), peer


def test_an_external_redis_named_by_host_is_reachable() -> None:
    # The default release names redis.example.internal:6379: a managed Redis in the VPC.
    values = {"redis": {"external": {"host": "redis.example.internal", "port": 6379}}}
    assert story_worker_can_reach(values, Peer("10.0.3.4", 6379))
    assert not story_worker_can_reach(values, Peer("10.0.3.4", 6380))
    assert_still_fenced(values)


def test_an_external_redis_named_by_address_is_the_only_one_reachable() -> None:
    values = {"redis": {"external": {"host": "10.20.0.5", "port": 6380}}}
    assert story_worker_can_reach(values, Peer("10.20.0.5", 6380))
    assert not story_worker_can_reach(values, Peer("10.20.0.6", 6380))
    assert_still_fenced(values)


def test_an_in_cluster_redis_is_reachable_in_its_namespace_only() -> None:
    values = {"redis": {"external": {"host": "redis-master.data.svc.cluster.local"}}}
    redis_pod = Peer("10.244.2.9", 6379, namespace="data", pod_labels={"app": "redis"})
    elsewhere = Peer("10.244.3.3", 6379, namespace="other", pod_labels={"app": "redis"})
    assert story_worker_can_reach(values, redis_pod)
    assert not story_worker_can_reach(values, elsewhere)


def test_the_bundled_valkey_is_reachable() -> None:
    values = {"redis": {"bundled": True, "external": {"host": ""}, "password": ""}}
    objects = render(values)
    valkey = named(objects, "StatefulSet", "-valkey")["spec"]["template"]["metadata"]["labels"]
    assert story_worker_can_reach(values, Peer("10.244.1.5", 6379, NAMESPACE, valkey))
    assert not story_worker_can_reach(values, Peer("10.244.1.6", 6379, NAMESPACE, {"app": "x"}))
    assert_still_fenced(values)


@pytest.mark.parametrize(
    ("values", "peer"),
    [
        (
            {"artifacts": {"s3Endpoint": "http://minio.storage.svc.cluster.local:9000"}},
            Peer("10.244.4.4", 9000, namespace="storage", pod_labels={"app": "minio"}),
        ),
        (
            {"artifacts": {"s3Endpoint": "https://10.30.0.8"}},
            Peer("10.30.0.8", 443),
        ),
        (
            {"otel": {"endpoint": "http://otel-collector.monitoring.svc:4318"}},
            Peer("10.244.5.5", 4318, namespace="monitoring", pod_labels={"app": "otel"}),
        ),
        (
            {"llm": {"baseUrl": "http://vllm:8000/v1"}},
            Peer("10.244.6.6", 8000, namespace=NAMESPACE, pod_labels={"app": "vllm"}),
        ),
    ],
    ids=["in-cluster-s3", "s3-by-address", "otlp-collector", "llm-in-the-namespace"],
)
def test_endpoints_the_values_name_are_reachable(values: dict[str, Any], peer: Peer) -> None:
    assert not story_worker_can_reach({}, peer), "closed unless named"
    assert story_worker_can_reach(values, peer)
    assert_still_fenced(values)


def test_a_named_endpoint_never_opens_the_metadata_service() -> None:
    values = {"artifacts": {"s3Endpoint": "http://s3.storage.corp.example"}}
    assert story_worker_can_reach(values, Peer("10.40.0.2", 80))
    assert not story_worker_can_reach(values, METADATA_HTTP)


def test_the_operator_can_name_the_peers_of_an_endpoint() -> None:
    narrowed = {"cidr": "10.50.0.0/24"}
    values = {
        "artifacts": {"s3Endpoint": "https://s3.storage.corp.example"},
        "networkPolicy": {"storyWorkerEgress": {"endpointPeers": {"s3": [{"ipBlock": narrowed}]}}},
    }
    assert story_worker_can_reach(values, Peer("10.50.0.9", 443))
    assert_still_fenced(values)  # port 443 stays closed to every other private address


def test_named_endpoints_can_be_left_to_the_operator() -> None:
    values = {"networkPolicy": {"storyWorkerEgress": {"namedEndpoints": False}}}
    assert not story_worker_can_reach(values, Peer("10.0.3.4", 6379))
    assert_still_fenced(values)


def test_a_hosted_endpoint_on_the_https_port_keeps_the_fence() -> None:
    # A hosted OTLP backend or LLM is public: the HTTPS rule reaches it, and naming it must
    # not open port 443 to the cluster's and the VPC's private addresses.
    values = {
        "otel": {"endpoint": "https://api.honeycomb.io"},
        "llm": {"baseUrl": "https://api.openai.com/v1"},
        "artifacts": {"s3Endpoint": "https://s3.eu-west-1.amazonaws.com"},
    }
    assert_still_fenced(values)
    assert story_worker_can_reach(values, Peer("52.95.150.10", 443))
