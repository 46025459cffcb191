"""The page's files as a browser fetches them: validators, revalidation, compression, HEAD."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from codestory.gateway.routes.web import asset
from codestory.records.store import StoryStore
from tests.unit.gateway.finished import finished_story

PATHS = {"/": "index.html", "/web/app.js": "app.js", "/web/app.css": "app.css"}
PLAIN = {"Accept-Encoding": "identity"}


@pytest.mark.parametrize("path", PATHS)
def test_each_file_has_an_etag_and_a_match_is_a_304(client: TestClient, path: str) -> None:
    first = client.get(path, headers=PLAIN)
    assert first.status_code == 200 and first.content == asset(PATHS[path])
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get(path, headers={**PLAIN, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert "default-src 'none'" in again.headers["content-security-policy"]
    weak = client.get(path, headers={**PLAIN, "If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = client.get(path, headers={**PLAIN, "If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.content == first.content


@pytest.mark.parametrize("path", PATHS)
def test_each_file_is_gzipped_for_a_browser_that_accepts_it(client: TestClient, path: str) -> None:
    raw = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"}, follow_redirects=False)
    assert raw.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in raw.headers["vary"].lower()
    assert raw.content == asset(PATHS[path])  # the client undid the gzip
    assert int(raw.headers["content-length"]) < len(asset(PATHS[path])) / 2
    plain = client.get(path, headers=PLAIN)
    assert "content-encoding" not in plain.headers
    assert plain.headers["etag"] != raw.headers["etag"]  # two representations, two tags
    refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


@pytest.mark.parametrize("path", PATHS)
def test_head_is_answered_like_get_without_a_body(client: TestClient, path: str) -> None:
    head = client.head(path, headers=PLAIN)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == client.get(path, headers=PLAIN).headers["etag"]
    assert head.headers["content-type"].startswith(("text/html", "text/javascript", "text/css"))


def test_only_the_listed_files_are_served(client: TestClient) -> None:
    assert client.get("/web/index.html").status_code == 404
    assert client.get("/web/..%2Fapp.py").status_code == 404
    assert client.head("/web/nothing.js").status_code == 404


def test_each_stream_says_how_often_it_pings(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    """The page declares a stream stalled after hearing nothing for longer than this."""
    story = finished_story(store, env, b"ID3 audio")
    for path in ("events", "logs?follow=true"):
        with client.stream("GET", f"/api/v1/stories/{story.id}/{path}") as response:
            assert response.status_code == 200
            assert response.headers["x-heartbeat-seconds"] == "15"


def test_a_refused_url_is_told_with_the_other_fields_errors(client: TestClient) -> None:
    """The URL policy runs after the model's own checks: it is still told when they fail."""
    body = {"repository_url": "ftp://example.org/project", "ref": "not a ref"}
    response = client.post("/api/v1/stories", json=body)
    assert response.status_code == 422
    fields = [error["loc"][-1] for error in response.json()["detail"]]
    assert fields == ["repository_url", "ref"]
    ssh = {"repository_url": "git@github.com:owner/project.git", "focus_areas": ["x" * 500]}
    detail = client.post("/api/v1/stories", json=ssh).json()["detail"]
    assert "use https://github.com/owner/project" in detail[0]["msg"]
    assert [error["loc"][-1] for error in detail] == ["repository_url", "focus_areas"]
    fine = {"repository_url": "https://github.com/owner/project", "ref": "not a ref"}
    detail = client.post("/api/v1/stories", json=fine).json()["detail"]
    assert [error["loc"][-1] for error in detail] == ["ref"]
