"""A live gateway's log and answers never carry a credential: not one planted in a URL's
user-info, in a query parameter, or in the process's environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import fresh_stack, wait_for

pytestmark = pytest.mark.integration

IN_ENV = "planted-env-secret-4f1c9a"
IN_QUERY = "planted-query-token-77b2"
IN_USERINFO = "planted-userinfo-token-91d3"


def test_planted_credentials_never_reach_the_log_or_the_caller(
    redis_server_url: str, tmp_path: Path
) -> None:
    stack = fresh_stack(redis_server_url, tmp_path, CODESTORY_LLM_API_KEY=IN_ENV)
    stack.start("gateway")
    try:
        wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
        listed = stack.http.get(f"/api/v1/stories?offset=0&access_token={IN_QUERY}")
        assert listed.status_code == 200
        refused = stack.http.post(
            "/api/v1/stories",
            json={"repository_url": f"https://x-token:{IN_USERINFO}@github.com/a/b"},
        )
        assert refused.status_code == 422 and "credentials" in refused.text
        assert IN_USERINFO not in refused.text
        # The environment's secret in a request path: the access log must mask it too.
        assert stack.http.get(f"/api/v1/stories/{IN_ENV}").status_code == 404
    finally:
        stack.stop()
    log = stack.services["gateway"].log_path.read_text()
    assert "access_token=***" in log, "the access log line is there, masked"
    for planted in (IN_ENV, IN_QUERY, IN_USERINFO):
        assert planted not in log
