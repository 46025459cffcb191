"""A gateway process for the benchmarks: its environment, a free port, waiting for it.

It runs as shipped, reached with an API key (the path real users take, quotas checked),
with the per-client limits raised out of the way of the load a benchmark makes.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from codestory.commands.up import EmbeddedValkey, child_env

HOST = "127.0.0.1"
UNLIMITED = str(10**9)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def gateway_env(data: Path, valkey: EmbeddedValkey, port: int, key: str) -> dict[str, str]:
    env = child_env(
        dict(os.environ),
        *(data, valkey.url(0), "gateway", port, free_port()),
        admin_token=secrets.token_urlsafe(24),
        local_roots=[data],
    )
    env.update(
        {
            "CODESTORY_API_KEYS": json.dumps({"bench": hashlib.sha256(key.encode()).hexdigest()}),
            "CODESTORY_SUBMIT_RATE_PER_MINUTE": UNLIMITED,
            "CODESTORY_SUBMIT_RATE_PER_MINUTE_TOTAL": "0",
            "CODESTORY_MAX_ACTIVE_PER_CLIENT": UNLIMITED,
            "CODESTORY_MAX_QUEUED_STORIES": UNLIMITED,
            "CODESTORY_MAX_STREAMS_PER_CLIENT": UNLIMITED,
            "CODESTORY_LOG_LEVEL": "WARNING",
        }
    )
    return env


def wait_listening(name: str, process: Any, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not listen on {port}")


def start_gateway(env: dict[str, str], log: Path) -> Any:
    """`codestory gateway` as its own process with `env`, logging to `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "codestory", "gateway"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
