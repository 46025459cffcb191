"""The kubectl plugin as an operator meets it off a cluster: bad arguments are refused
before any connection, and a missing or unreachable cluster is one line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

KUBECONFIG = """
apiVersion: v1
kind: Config
clusters:
- {name: a, cluster: {server: "https://127.0.0.1:1"}}
- {name: b, cluster: {server: "https://127.0.0.1:2"}}
users:
- {name: u, user: {token: not-a-real-token}}
contexts:
- {name: ctx-a, context: {cluster: a, user: u, namespace: tours}}
- {name: ctx-b, context: {cluster: b, user: u}}
current-context: ctx-a
"""


def plugin(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUBE", "HOME"))}
    env["HOME"] = str(tmp_path / "home")  # no ~/.kube/config
    return subprocess.run(
        [sys.executable, "-m", "codestory.kubectl_plugin.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def kubeconfig(tmp_path: Path) -> str:
    path = tmp_path / "kubeconfig"
    path.write_text(KUBECONFIG)
    return str(path)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_without_a_cluster_it_says_so(tmp_path: Path) -> None:
    done = plugin(tmp_path, "status")
    assert done.returncode == 1
    assert "no cluster configured" in one_line(done)


@pytest.mark.parametrize(("context", "port"), [(None, "1"), ("ctx-b", "2")])
def test_an_unreachable_api_server_is_named(
    tmp_path: Path, kubeconfig: str, context: str | None, port: str
) -> None:
    chosen = ["--context", context] if context else []
    done = plugin(tmp_path, "--kubeconfig", kubeconfig, *chosen, "status")
    assert done.returncode == 1
    assert f"cannot reach the API server at https://127.0.0.1:{port}" in one_line(done)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["scale", "story", "-1"], "replicas must be zero or more"),
        (["scale", "story", "many"], "is not a number of replicas"),
        (["scale", "everything", "3"], "invalid choice"),
    ],
)
def test_bad_arguments_are_refused_before_connecting(
    tmp_path: Path, args: list[str], says: str
) -> None:
    done = plugin(tmp_path, "--kubeconfig", "/nonexistent/kubeconfig", *args)
    assert done.returncode == 2
    assert says in done.stderr and "no cluster configured" not in done.stderr
