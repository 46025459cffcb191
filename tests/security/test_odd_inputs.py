"""Odd inputs that were answered with 500, or let through, at the door: each now gets a
clear 4xx naming what is wrong, and nothing is recorded."""

from __future__ import annotations

import pytest

from codestory.core.domain import SourcePolicyError, check_host
from codestory.story_worker.egress import is_public
from tests.support import ADMIN, Stack

# IPv6 forms that carry an IPv4 address and lead to it: loopback, metadata, private.
CARRIERS = [
    "::127.0.0.1",  # IPv4-compatible
    "::a9fe:a9fe",  # IPv4-compatible, 169.254.169.254
    "::ffff:0:7f00:1",  # IPv4-translated (SIIT)
    "64:ff9b::a9fe:a9fe",  # NAT64 to the metadata address
    "64:ff9b::a00:1",  # NAT64 to 10.0.0.1
    "64:ff9b:1::8c52:7003",  # NAT64 local-use prefix: the local network's own
    "2002:a9fe:a9fe::",  # 6to4 of the metadata address
]


@pytest.mark.parametrize("address", CARRIERS)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused_at_the_door(
    gateway: Stack, address: str
) -> None:
    before = gateway.http.get("/api/v1/stories").json()["total"]
    answer = gateway.http.post(
        "/api/v1/stories", json={"repository_url": f"https://[{address}]/a/b"}
    )
    assert answer.status_code == 422, answer.text
    assert "not a public address" in answer.json()["detail"][0]["msg"]
    assert gateway.http.get("/api/v1/stories").json()["total"] == before


@pytest.mark.parametrize("address", CARRIERS)
def test_the_worker_refuses_them_too(address: str) -> None:
    assert not is_public(address)
    with pytest.raises(SourcePolicyError):
        check_host(f"[{address}]")


def test_nat64_of_a_public_address_still_passes() -> None:
    # DNS64 answers these for IPv4-only hosts on an IPv6-only cluster.
    assert is_public("64:ff9b::8c52:7003")  # 140.82.112.3
    check_host("[64:ff9b::8c52:7003]")


def test_a_nul_in_a_local_path_is_refused_by_name(gateway: Stack) -> None:
    root = gateway.env["CODESTORY_LOCAL_ROOTS"].strip('[]"')
    answer = gateway.http.post(
        "/api/v1/stories", json={"repository_url": f"{root}/tally\x00x"}, headers=ADMIN
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "repository_url"]


@pytest.mark.parametrize("header", ["9" * 5000, "99999999999999999999", "١٢", "-1", "1e3"])
def test_a_last_event_id_that_is_not_an_event_number_is_400(gateway: Stack, header: str) -> None:
    story = gateway.http.post(
        "/api/v1/stories", json={"repository_url": "https://github.com/example/resume"}
    ).json()["id"]
    answer = gateway.http.get(
        f"/api/v1/stories/{story}/events", headers={"Last-Event-ID": header.encode()}
    )
    assert answer.status_code == 400, answer.text
    assert "Last-Event-ID" in answer.json()["detail"]
