"""Test helpers: Redis servers, service processes, sample repositories."""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis
from prometheus_client.parser import text_string_to_metric_families

from codestory.commands.launcher import ServiceProcess, command_for
from codestory.core.queues import SERVICE_QUEUES

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


_HANDED_OUT: set[int] = set()


def _ephemeral_floor() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A free port below the kernel's ephemeral range, never handed out before in this run.

    A port from bind(0) is an ephemeral one: between our closing it and a service binding
    it, a client socket (a worker connecting to Redis) may take it as its local port, and
    the service fails with "Address already in use". Below the range no client lands.
    """
    floor = _ephemeral_floor()
    for _ in range(1000):
        port = random.randrange(max(1024, floor - 12000), floor)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    raise RuntimeError("no free port below the ephemeral range")


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as exc:
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last error: {last_error}")


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV, **(env or {})},
    )


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def make_repo(root: Path, files: dict[str, str | bytes], *, commit: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_files(root, files)
    if commit and files:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


SAMPLE_PROJECT: dict[str, str | bytes] = {
    "README.md": "# Tally\n\nTally counts words in text files and reports the most common ones. "
    "It is a small example project.\n\n## Usage\n\n```\ntally file.txt\n```\n",
    "pyproject.toml": '[project]\nname = "tally"\ndescription = "Count words."\n'
    'dependencies = ["click>=8", "rich"]\n[project.scripts]\ntally = "tally.cli:main"\n',
    "src/tally/__init__.py": '"""Tally: count words."""\n',
    "src/tally/counting.py": '"""Word counting: split text into words and count them."""\n\n'
    "from collections import Counter\n\n\nclass WordCounter:\n    pass\n\n\n"
    "def count_words(text):\n    return Counter(text.split())\n",
    "src/tally/report.py": '"""Format counts as a table."""\n\n'
    "from tally.counting import count_words\n\n\n"
    "def render(text):\n    return str(count_words(text))\n",
    "src/tally/cli.py": '"""Command line entry point."""\n\n'
    "from tally.counting import count_words\n"
    "from tally.report import render\n\n\ndef main():\n    print(render('a b a'))\n\n\n"
    'if __name__ == "__main__":\n    main()\n',
    "tests/test_counting.py": "from tally.counting import count_words\n\n\n"
    "def test_counts():\n    assert count_words('a a')['a'] == 2\n",
    ".github/workflows/ci.yml": "on: push\njobs: {}\n",
    "Makefile": "test:\n\tpytest\n\nlint:\n\truff check .\n",
}


ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

# Recovery in seconds rather than minutes: short leases, a sweep every second, quick
# heartbeats, and workers forgotten five seconds after their last one.
FAST_RECOVERY = {
    "CODESTORY_LEASE_TTL_SECONDS": "3",
    "CODESTORY_STUCK_AFTER_SECONDS": "2",
    "CODESTORY_JANITOR_SWEEP_SECONDS": "1",
    "CODESTORY_WORKER_TTL_SECONDS": "5",
    "CODESTORY_HEARTBEAT_INTERVAL_SECONDS": "1",
}


def pool_children(pid: int) -> list[int]:
    """The pids of a Celery worker's pool processes."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def service(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> ServiceProcess:
    return ServiceProcess(
        name, [sys.executable, "-m", "codestory", *args], env, log_dir / f"{name}.log"
    )


@dataclass
class Stack:
    """Gateway, workers and janitor as processes against one Redis, for integration tests."""

    base_url: str
    env: dict[str, str]
    log_dir: Path
    artifact_dir: Path
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    metrics_ports: dict[str, int] = field(default_factory=dict)

    @property
    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)

    def start(self, *names: str, extra_env: dict[str, str] | None = None) -> None:
        for name in names:
            port = free_port()
            self.metrics_ports[name] = port
            env = {
                **self.env,
                "CODESTORY_HEARTBEAT_DIR": str(self.log_dir / "hb" / name),
                "CODESTORY_METRICS_PORT": str(port),
                "CODESTORY_METRICS_DIR": str(self.log_dir / "metrics"),
                **(extra_env or {}),
            }
            self.services[name] = ServiceProcess(
                name, command_for(name), env, self.log_dir / f"{name}.log"
            ).start()

    def submit(self, location: str | Path, **fields: Any) -> str:
        """POST a story; return its id."""
        body = {"repository_url": str(location), **fields}
        # Local folders are accepted only with the admin token, as the CLI sends it.
        headers = ADMIN if "://" not in str(location) else {}
        response = self.http.post("/api/v1/stories", json=body, headers=headers)
        assert response.status_code == 202, response.text
        story_id: str = response.json()["id"]
        return story_id

    def events(self, story_id: str) -> list[dict[str, Any]]:
        """The story's progress events from the first; the stream ends with its final one."""
        response = self.http.get(
            f"/api/v1/stories/{story_id}/events", headers={"Last-Event-ID": "0"}
        )
        return [
            json.loads(line.removeprefix("data:"))
            for line in response.text.splitlines()
            if line.startswith("data:")
        ]

    def stop(self) -> None:
        for proc in self.services.values():
            proc.stop()

    @contextmanager
    def supervised(self, interval: float = 0.5) -> Iterator[dict[str, int]]:
        """Restart any service whose process ends, as kubelet or `codestory up` would;
        yields the restart count per service."""
        restarts: dict[str, int] = {}
        done = threading.Event()

        def watch() -> None:
            while not done.wait(interval):
                for name, proc in list(self.services.items()):
                    if proc.process is not None and proc.process.poll() is not None:
                        restarts[name] = restarts.get(name, 0) + 1
                        proc.start()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            yield restarts
        finally:
            done.set()
            watcher.join()

    def logs(self) -> str:
        return "\n".join(f"--- {n}\n{p.log_tail()}" for n, p in self.services.items())

    def wait_ready(self, queues: set[str], timeout: float = 60) -> None:
        def serving() -> bool:
            report = httpx.get(f"{self.base_url}/health", timeout=2).json()
            served = {q for w in report.get("workers", []) for q in w.get("queues", [])}
            return queues <= served

        try:
            wait_for(serving, timeout, f"workers for {sorted(queues)}")
        except AssertionError:
            raise AssertionError(f"stack did not come up:\n{self.logs()}") from None

    def wait_status(self, story_id: str, statuses: set[str], timeout: float = 90) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            story: dict[str, Any] = self.http.get(f"/api/v1/stories/{story_id}").json()
            return story if story["status"] in statuses else None

        try:
            result: dict[str, Any] = wait_for(reached, timeout, f"story in {statuses}")
        except AssertionError:
            raise AssertionError(
                f"story {story_id} never reached {statuses}:\n{self.logs()}"
            ) from None
        return result


def stack_env(redis_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    base = redis_url.rsplit("/", 1)[0]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CODESTORY_")
        and k not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(
        {
            # Their own databases, so stacks never see each other's queues or records.
            "REDIS_URL": f"{base}/2",
            "CELERY_BROKER_URL": f"{base}/3",
            "CELERY_RESULT_BACKEND": f"{base}/4",
            "CODESTORY_ENVIRONMENT": "local",
            "CODESTORY_ALLOW_LOCAL_PATHS": "true",
            # The test's temporary folders (a module's stack serves its tests' folders too).
            "CODESTORY_LOCAL_ROOTS": json.dumps([str(tmp.parent)]),
            "CODESTORY_ADMIN_TOKEN": ADMIN_TOKEN,
            "CODESTORY_ARTIFACT_URL": (tmp / "artifacts").as_uri(),
            "CODESTORY_WORK_DIR": str(tmp / "work"),
            "CODESTORY_LOG_FORMAT": "console",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def fresh_stack(redis_server_url: str, tmp: Path, **extra: str) -> Stack:
    """A Stack on emptied databases of the shared server, its gateway on a free port."""
    port = free_port()
    env = stack_env(f"{redis_server_url}/0", tmp, CODESTORY_GATEWAY_PORT=str(port), **extra)
    for db in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        flush(env[db])
    return Stack(f"http://127.0.0.1:{port}", env, tmp, tmp / "artifacts")


@contextmanager
def running_stack(
    redis_server_url: str,
    tmp: Path,
    services: tuple[str, ...] = ("gateway", "story", "audio"),
    **extra: str,
) -> Iterator[Stack]:
    """A fresh Stack with `services` started and serving their queues; stopped afterwards."""
    stack = fresh_stack(redis_server_url, tmp, **extra)
    stack.start(*services)
    try:
        stack.wait_ready({SERVICE_QUEUES[s] for s in services if s in SERVICE_QUEUES})
        yield stack
    finally:
        stack.stop()


def flush(url: str) -> None:
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(port: int) -> Samples:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, metric: str, /, **labels: str) -> float:
    """Sum of the samples named `metric` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == metric and wanted <= ls)


def sse_frames(base_url: str, path: str, last_event_id: str | None = None) -> list[dict[str, Any]]:
    """Read a Server-Sent Events stream to its end: each frame's event, id and JSON data."""
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    frames: list[dict[str, Any]] = []
    with (
        httpx.Client(base_url=base_url, timeout=120) as http,
        http.stream("GET", path, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        frame: dict[str, str] = {}
        for line in response.iter_lines():
            if line.startswith(("id:", "event:", "data:")):
                key, _, value = line.partition(":")
                frame[key] = value.strip()
            elif not line and frame:
                data = json.loads(frame["data"])
                frames.append({"event": frame.get("event"), "id": frame.get("id"), **data})
                frame = {}
    return frames
