"""Hostile local paths against a live gateway: who may name a folder, and what a refusal
gives away. Each row: the caller (with or without the admin token), the path, the answer.

A refusal for a caller without the token must be the same whether the path exists or not,
and a path outside the roots must be refused the same way whether it exists, is a link, or
climbs out with `..`. Nothing refused is recorded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ADMIN, Stack

pytestmark = pytest.mark.integration

NEEDS_TOKEN = "a local path needs the admin token"
OUTSIDE = "is outside the folders this server may read"


def root(stack: Stack) -> Path:
    return stack.log_dir


ROWS = [
    # (admin?, path under the fixture's folder, expected status, words in the answer)
    (False, "open/tally", 422, NEEDS_TOKEN),
    (False, "closed/secret", 422, NEEDS_TOKEN),
    (False, "nowhere/at/all", 422, NEEDS_TOKEN),
    (False, "/etc", 422, NEEDS_TOKEN),
    (True, "closed/secret", 422, OUTSIDE),
    (True, "nowhere/at/all", 422, OUTSIDE),
    (True, "/etc", 422, OUTSIDE),
    (True, "/proc/self/cwd", 422, OUTSIDE),
    (True, "open/way-out/secret", 422, OUTSIDE),
    (True, "open/../closed/secret", 422, OUTSIDE),
    (True, "open/gitfile", 422, OUTSIDE),
    (True, "open/missing", 422, "is not a directory"),
    (True, "open/tally", 202, ""),
]


@pytest.mark.parametrize(("admin", "path", "status", "words"), ROWS)
def test_local_paths(gateway: Stack, admin: bool, path: str, status: int, words: str) -> None:
    location = path if path.startswith("/") else f"{root(gateway)}/{path}"
    before = gateway.http.get("/api/v1/stories").json()["total"]
    answer = gateway.http.post(
        "/api/v1/stories", json={"repository_url": location}, headers=ADMIN if admin else {}
    )
    assert answer.status_code == status, answer.text
    after = gateway.http.get("/api/v1/stories").json()["total"]
    if status == 422:
        assert words in answer.json()["detail"][0]["msg"]
        assert after == before, "a refused story was recorded"
        # The answer names no path: nothing about the disk leaks into it.
        assert str(root(gateway)) not in answer.text and "/etc" not in answer.text
    else:
        assert after == before + 1


def test_a_refusal_reads_the_same_whether_the_path_exists_or_not(gateway: Stack) -> None:
    answers = {
        gateway.http.post("/api/v1/stories", json={"repository_url": location}, headers=ADMIN).text
        for location in (f"{root(gateway)}/closed/secret", f"{root(gateway)}/closed/absent")
    }
    assert len(answers) == 1, answers
