"""Hostile repository URLs against a live gateway: each is refused with a reason that
names the rule it broke, and nothing is recorded. (The worker's own check, which resolves
names and pins the address, is in tests/unit/story_worker/test_egress.py.)"""

from __future__ import annotations

import pytest

from tests.support import Stack

ROWS = [
    ("https://2130706433/a/b", "unusual form"),
    ("https://0x7f.1/a/b", "unusual form"),
    ("https://[::ffff:7f00:1]/a/b", "not a public address"),
    ("https://169.254.169.254/latest/meta-data/", "not a public address"),
    ("https://metadata.google.internal/computeMetadata/v1/", "internal"),
    ("https://localhost./a/b", "ends with a dot"),
    ("https://kubernetes/api", "single name"),
    ("https://kubernetes.default.svc/api", "internal"),
    ("https://valkey.codestory.svc.cluster.local/a", "internal"),
    ("https://github.com:6379/a/b", "port 6379 is not allowed"),
    ("https://github.com/a/b?x=1", "query string"),
    ("https://github.com/a/b#x", "fragment"),
    ("https://user:pw@github.com/a/b", "credentials"),
    ("ssh://git@github.com/a/b", "only https is fetched: use https://github.com/a/b"),
    ("git@github.com:a/b.git", "only https is fetched: use https://github.com/a/b"),
    ("ext::sh -c touch% /tmp/pwned", "scheme"),
    ("https://github.com:99999/a", "not a well-formed URL"),
]


@pytest.mark.parametrize(("url", "words"), ROWS)
def test_hostile_urls_are_refused_at_the_door(gateway: Stack, url: str, words: str) -> None:
    before = gateway.http.get("/api/v1/stories").json()["total"]
    answer = gateway.http.post("/api/v1/stories", json={"repository_url": url})
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["detail"][0]["msg"]
    assert gateway.http.get("/api/v1/stories").json()["total"] == before
