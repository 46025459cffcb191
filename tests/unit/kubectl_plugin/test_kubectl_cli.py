"""The kubectl plugin as an operator meets it off a cluster: bad arguments are refused
before any connection, and a missing or unreachable cluster is one line, not a traceback."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import codestory.kubectl_plugin

PLUGIN = Path(codestory.kubectl_plugin.__file__).parent

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


def kubeconfig_for(tmp_path: Path, server: str) -> str:
    path = tmp_path / "kubeconfig-away"
    path.write_text(KUBECONFIG.replace("https://127.0.0.1:1", server))
    return str(path)


@contextlib.contextmanager
def away_api_server(kind: str) -> Iterator[str]:
    """A local stand-in for an API server that does not answer: `hung` takes the
    connection and never replies; `unroutable` never completes the handshake (its backlog
    is full, so the kernel drops the SYNs, as for an address nobody routes)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0 if kind == "unroutable" else 8)
    filler = socket.socket()
    if kind == "unroutable":
        filler.connect(listener.getsockname())  # fills the backlog of one
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        filler.close()
        listener.close()


@pytest.mark.parametrize("kind", ["hung", "unroutable"])
@pytest.mark.parametrize("command", [["status"], ["scale", "story", "2"]])
def test_an_api_server_that_does_not_answer_is_told_within_10_s(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    with away_api_server(kind) as server:
        started = time.monotonic()
        done = plugin(tmp_path, "--kubeconfig", kubeconfig_for(tmp_path, server), *command)
        took = time.monotonic() - started
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"cannot reach the API server at {server}" in one_line(done)
    assert took < 10, f"{took:.1f} s"


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("status", "dead-letter count"),
        ("scale", "replicas to run, 0 or more"),
        ("resume", "paused-replicas annotation"),
    ],
)
def test_each_command_has_its_own_help(tmp_path: Path, command: str, says: str) -> None:
    done = plugin(tmp_path, command, "--help")
    assert done.returncode == 0, done.stderr
    assert f"usage: kubectl codestory {command}" in done.stdout
    assert " ".join(says.split()) in " ".join(done.stdout.split())
    assert "--namespace" in done.stdout and "--release" in done.stdout


def test_flags_are_taken_after_the_command_too(tmp_path: Path, kubeconfig: str) -> None:
    done = plugin(tmp_path, "status", "-n", "tours", "--kubeconfig", kubeconfig)
    assert done.returncode == 1  # it went on to the (absent) cluster: the flags were taken
    assert "cannot reach the API server at https://127.0.0.1:1" in one_line(done)


def test_the_plugin_holds_to_python_3_9() -> None:
    """The krew archive runs on the workstation's python3 (macOS: 3.9, Ubuntu 22.04: 3.10):
    no syntax or standard library newer than 3.9, no `X | Y` union evaluated at run time."""
    pytest.importorskip("vermin")  # a dev dependency; absent only from a partial install
    sources = sorted(str(p) for p in PLUGIN.glob("*.py"))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from vermin import main; sys.exit(main())",
            *("--no-tips", "--violations", "--eval-annotations", "--feature", "union-types"),
            *("-t=3.9-", *sources),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
