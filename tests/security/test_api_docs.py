"""The gateway's origin runs no script from elsewhere: the web page keeps API keys in
localStorage, so Swagger UI and ReDoc (scripts from a CDN, unpinned, no CSP) are not
served; the schema is, for any viewer or client generator."""

from __future__ import annotations

import re

import pytest

from tests.support import Stack

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_no_page_loads_a_third_party_script(gateway: Stack, path: str) -> None:
    answer = gateway.http.get(path)
    assert answer.status_code == 404, answer.text[:200]
    assert "cdn.jsdelivr.net" not in answer.text


def test_the_schema_is_still_served(gateway: Stack) -> None:
    answer = gateway.http.get("/openapi.json")
    assert answer.status_code == 200
    assert "/api/v1/stories" in answer.json()["paths"]


def test_every_page_and_asset_names_only_its_own_origin(gateway: Stack) -> None:
    for path in ("/", "/web/app.js", "/web/app.css"):
        answer = gateway.http.get(path)
        assert answer.status_code == 200
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert not re.search(r"<script[^>]+src=\"https?://", answer.text), path
