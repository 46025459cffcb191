"""The OpenAPI document is the contract: schemathesis generates requests against a live
gateway (real Redis, no workers) from it, and none may get a 5xx or an undocumented status,
content type or body. Bounded: a fixed seed and a few examples per operation."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ADMIN_TOKEN, Stack, fresh_stack, wait_for

pytestmark = pytest.mark.integration

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


@pytest.fixture(scope="module")
def gateway(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("contract")
    # Generous quotas: the fuzzer's own volume must not turn every later answer into a 429.
    stack = fresh_stack(
        redis_server_url,
        tmp,
        CODESTORY_SUBMIT_RATE_PER_MINUTE="100000",
        CODESTORY_MAX_ACTIVE_PER_CLIENT="100000",
    )
    stack.start("gateway")
    wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
    yield stack
    stack.stop()


def fuzz(stack: Stack, tmp: Path, *headers: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{stack.base_url}/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        "20",
        "--seed",
        "20261206",
        "--request-timeout",
        "20",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        # A live story's SSE stream runs until the story ends (no workers here: never);
        # tests/integration covers the stream. Its refusals are still fuzzed via /progress.
        # /health/celery takes no input and answers 503 here by design (no workers run);
        # tests/integration/test_celery_health.py covers both of its answers.
        "--exclude-path-regex",
        "/events$|/health/celery$",
        "--report-dir",
        str(tmp),
    ]
    for header in headers:
        command += ["--header", header]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_generated_calls_keep_the_documented_contract(
    gateway: Stack, tmp_path: Path, who: str
) -> None:
    headers = [f"Authorization: Bearer {ADMIN_TOKEN}"] if who == "admin" else []
    done = fuzz(gateway, tmp_path, *headers)
    (tmp_path / "schemathesis.out").write_text(done.stdout)
    # The failures are told first; a long generated URL in a reproduction can fill the rest.
    failures = done.stdout[done.stdout.find("FAILURES") :] if "FAILURES" in done.stdout else ""
    assert done.returncode == 0, failures[:6000] + done.stdout[-3000:] + done.stderr[-2000:]
    assert "passed" in done.stdout, done.stdout[-2000:]
