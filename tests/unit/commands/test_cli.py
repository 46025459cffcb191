from __future__ import annotations

import socket
import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codestory", *args], capture_output=True, text=True, timeout=60
    )


def test_bad_usage_is_one_line_and_exit_2() -> None:
    result = run("new", "https://github.com/a/b", "--style", "epic")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "invalid choice: 'epic'" in result.stderr


def test_missing_directory_is_refused_before_submitting() -> None:
    result = run("new", "/no/such/dir", "--gateway", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert result.stderr.strip() == "codestory: no such directory: /no/such/dir"


def test_an_ssh_remote_is_refused_with_its_https_form() -> None:
    result = run("new", "git@github.com:pallets/click.git", "--gateway", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "codestory: git@github.com:pallets/click.git is an SSH remote; only https is fetched: "
        "use https://github.com/pallets/click"
    )


def test_unreachable_gateway_is_explained() -> None:
    result = run("new", "https://github.com/a/b", "--gateway", "http://127.0.0.1:9")
    assert result.returncode == 1
    assert "cannot reach the gateway at http://127.0.0.1:9" in result.stderr


def test_up_moves_a_metrics_port_that_is_taken() -> None:
    from codestory.commands.up import SERVICES, metrics_ports, port_is_free

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        gateway = taken - 100 - SERVICES.index("janitor")  # so the janitor's port is taken
        ports = metrics_ports(gateway)
    assert ports["janitor"] != taken and port_is_free(ports["janitor"])
    assert len(set(ports.values())) == len(SERVICES)


def test_a_digest_shows_its_range_and_its_unchanged_chapters() -> None:
    from codestory.artifacts.kinds import LINKED
    from codestory.commands.client import describe

    story = {
        "id": "s1",
        "status": "complete",
        "repository_url": "https://github.com/pallets/click",
        "ref": "v2",
        "since": "v1",
        "since_commits": 48,
        "duration_seconds": 75.0,
        "chapters": [
            {"title": "The change in one minute", "start_seconds": 0.0, "reused": False},
            {"title": "Where to look first", "start_seconds": 60.0, "reused": True},
        ],
        "links": {kind.name: f"http://127.0.0.1/{kind.name}" for kind in LINKED},
        "artifacts": {},
    }
    shown = describe(story)
    assert "digest of:  what changed from v1 to v2, 48 commits" in shown
    assert "Where to look first  (unchanged since the last telling)" in shown
    assert "The change in one minute  (" not in shown
