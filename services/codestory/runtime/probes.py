"""`codestory probe liveness|readiness`: the workers' exec probes.

Standard library only, and no Celery: a probe runs every few seconds in every worker pod
and must answer in milliseconds. It reads the files the worker's heartbeat bootstep
writes (see codestory.runtime.celery_app.HeartbeatStep); the names of the environment variables are
Settings fields, checked by tests.
"""

from __future__ import annotations

import os
import sys
import time

HEARTBEAT_DIR_ENV = "CODESTORY_HEARTBEAT_DIR"
GRACE_ENV = "CODESTORY_LIVENESS_GRACE_SECONDS"
DEFAULT_DIR = "/tmp/codestory-heartbeat"
DEFAULT_GRACE_SECONDS = 60.0
LIVENESS_FILE = "alive"
READINESS_FILE = "ready"
STATUS_FILE = "status"  # "<state> <since> <detail>", written by codestory.runtime.watchdog


def file_age(path: str, now: float) -> float | None:
    try:
        return now - os.stat(path).st_mtime
    except FileNotFoundError:
        return None


def read_status(directory: str) -> tuple[str, str]:
    """The watchdog's last word: (state, detail); ("", "") before it has spoken."""
    try:
        with open(os.path.join(directory, STATUS_FILE)) as handle:
            state, _since, detail = [*handle.read().strip().split(" ", 2), "", ""][:3]
    except OSError:
        return "", ""
    return state, detail


def check(kind: str, directory: str, max_age: float, now: float) -> tuple[bool, str]:
    # os.path, not pathlib: pathlib's imports alone would double the probe's cost.
    alive_age = file_age(os.path.join(directory, LIVENESS_FILE), now)
    state, detail = read_status(directory)
    said = f" ({state}: {detail})" if state and state != "ok" else ""
    if alive_age is None:
        return False, f"no heartbeat file in {directory}{said}"
    if alive_age > max_age:
        return False, f"last heartbeat {alive_age:.0f}s ago (limit {max_age:g}s){said}"
    if kind == "readiness":
        if not os.path.exists(os.path.join(directory, READINESS_FILE)):
            return False, "worker is not consuming (no readiness file)"
        if state and state != "ok":
            return False, f"not ready{said}"
    return True, f"ok: heartbeat {alive_age:.1f}s ago{said}"


USAGE = "usage: codestory probe liveness|readiness [--max-age SECONDS]"


def parse_probe_args(words: list[str]) -> tuple[str, float | None]:
    """Hand-rolled: argparse's import costs more than the whole probe may take."""
    if not words or words[0] not in {"liveness", "readiness"}:
        raise ValueError("the first argument must be liveness or readiness")
    rest = words[1:]
    if not rest:
        return words[0], None
    if len(rest) == 2 and rest[0] == "--max-age":
        try:
            return words[0], float(rest[1])
        except ValueError:
            raise ValueError(f"--max-age takes seconds, not {rest[1]!r}") from None
    raise ValueError(f"unexpected arguments: {' '.join(rest)}")


def run_probe(kind: str, max_age: float | None) -> int:
    directory = os.environ.get(HEARTBEAT_DIR_ENV, DEFAULT_DIR)
    grace = float(os.environ.get(GRACE_ENV, DEFAULT_GRACE_SECONDS))
    ok, message = check(kind, directory, grace if max_age is None else max_age, time.time())
    print(f"{kind}: {message}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def probe_main(words: list[str]) -> int:
    try:
        kind, max_age = parse_probe_args(words)
    except ValueError as exc:
        print(f"codestory probe: error: {exc} ({USAGE})", file=sys.stderr)
        return 2
    return run_probe(kind, max_age)
