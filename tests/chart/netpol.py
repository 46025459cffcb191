"""Which connections a set of rendered NetworkPolicies lets a pod open, by the API's rules.

A pod selected by no Egress policy may connect anywhere; otherwise a connection is allowed
when some rule of some selecting policy matches both its port and its peer. An `ipBlock`
is matched by address only (whether it also covers pod addresses depends on the CNI).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

Labels = dict[str, str]


@dataclass(frozen=True)
class Peer:
    """Where a connection goes: an address, and the pod and namespace if it is a pod."""

    ip: str
    port: int
    namespace: str | None = None  # None: outside the cluster
    pod_labels: Labels = field(default_factory=dict)
    protocol: str = "TCP"

    @property
    def namespace_labels(self) -> Labels:
        return {"kubernetes.io/metadata.name": self.namespace} if self.namespace else {}


def selects(selector: dict[str, Any], labels: Labels) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def peer_matches(entry: dict[str, Any], peer: Peer, policy_namespace: str) -> bool:
    if "ipBlock" in entry:
        address = ipaddress.ip_address(peer.ip)
        block = entry["ipBlock"]
        inside = address in ipaddress.ip_network(block["cidr"])
        return inside and not any(
            address in ipaddress.ip_network(c) for c in block.get("except", [])
        )
    if peer.namespace is None:
        return False  # pod and namespace selectors only ever match pods
    if "namespaceSelector" in entry:
        if not selects(entry["namespaceSelector"], peer.namespace_labels):
            return False
    elif peer.namespace != policy_namespace:
        return False
    return selects(entry.get("podSelector", {}), peer.pod_labels)


def port_matches(entry: dict[str, Any], peer: Peer) -> bool:
    if entry.get("protocol", "TCP") != peer.protocol:
        return False
    start = entry.get("port")
    if start is None:
        return True
    assert isinstance(start, int), f"named ports are not modelled: {start}"
    end: int = entry.get("endPort", start)
    return start <= peer.port <= end


def egress_allowed(
    policies: list[dict[str, Any]], pod_labels: Labels, namespace: str, peer: Peer
) -> bool:
    selecting = [
        p
        for p in policies
        if p["metadata"].get("namespace", namespace) == namespace
        and "Egress" in p["spec"].get("policyTypes", [])
        and selects(p["spec"]["podSelector"], pod_labels)
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get("egress", []):
            ports = rule.get("ports") or [{}]
            to = rule.get("to")  # absent: every destination
            if any(port_matches(p, peer) for p in ports) and (
                not to or any(peer_matches(t, peer, namespace) for t in to)
            ):
                return True
    return False
