"""`codestory probe liveness|readiness`: the workers' exec probes.

Standard library only, and no Celery: a probe runs every few seconds in every worker pod
and must answer in milliseconds. It reads the files the worker's heartbeat bootstep
writes (see codestory.queue.HeartbeatStep); the names of the environment variables are
Settings fields, checked by tests.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HEARTBEAT_DIR_ENV = "CODESTORY_HEARTBEAT_DIR"
GRACE_ENV = "CODESTORY_LIVENESS_GRACE_SECONDS"
DEFAULT_DIR = "/tmp/codestory-heartbeat"
DEFAULT_GRACE_SECONDS = 60.0
LIVENESS_FILE = "alive"
READINESS_FILE = "ready"


def file_age(path: Path, now: float) -> float | None:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return None


def check(kind: str, directory: Path, max_age: float, now: float) -> tuple[bool, str]:
    alive_age = file_age(directory / LIVENESS_FILE, now)
    if alive_age is None:
        return False, f"no heartbeat file in {directory}"
    if alive_age > max_age:
        return False, f"last heartbeat {alive_age:.0f}s ago (limit {max_age:g}s)"
    if kind == "readiness" and not (directory / READINESS_FILE).exists():
        return False, "worker is not consuming (no readiness file)"
    return True, f"ok: heartbeat {alive_age:.1f}s ago"


def run_probe(kind: str, max_age: float | None) -> int:
    directory = Path(os.environ.get(HEARTBEAT_DIR_ENV, DEFAULT_DIR))
    limit = (
        max_age if max_age is not None else float(os.environ.get(GRACE_ENV, DEFAULT_GRACE_SECONDS))
    )
    ok, message = check(kind, directory, limit, time.time())
    print(f"{kind}: {message}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
