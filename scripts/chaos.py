"""Chaos run: N stories through all four services while workers, pool processes, the broker
and the janitor are killed and restarted. Loopback only, bounded in count and time.

Reports submitted, complete, failed by type, lost (not finished when the run ends),
duplicated (more than one final event, audio run or DLQ entry per story), bad audio, and
how long the gateway took to accept work again after each broker restart. During the
outages it also times the gateway's 503s against its answers while Redis is up (the
circuit breaker's target: 100 ms once open).

Usage: python scripts/chaos.py [--stories 200] [--minutes 20] [--write docs/reliability.md]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench_report import write_section
from codestory.commands.up import Child, EmbeddedValkey, Supervisor, child_env, command_for
from codestory.speech.mp3 import read_chapters

WORKERS = ("story", "story", "audio", "audio")
RECOVERY = {
    "CODESTORY_LEASE_TTL_SECONDS": "6",
    "CODESTORY_STUCK_AFTER_SECONDS": "10",
    "CODESTORY_JANITOR_SWEEP_SECONDS": "2",
    "CODESTORY_WORKER_TTL_SECONDS": "10",
    "CODESTORY_HEARTBEAT_INTERVAL_SECONDS": "2",
    "CODESTORY_STORY_RATE_LIMIT": "600/m",
}
FINAL = {"complete", "failed", "cancelled"}
STRIKE_EVERY_SECONDS = 5.0
ADMIN_TOKEN = secrets.token_urlsafe(32)
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}  # local folders need it, as do admin routes
MAX_STRIKES = 60  # chaos goes on while stories are pending, up to this many acts
HANG_SECONDS = 12.0  # longer than a lease and a worker's heartbeat TTL: it is taken for dead


def sample_repository(root: Path) -> Path:
    """A small Python project with history: what the stories are told about."""
    repo = root / "sample"
    (repo / "tally").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "README.md").write_text("# tally\n\nCounts words in text files.\n")
    (repo / "pyproject.toml").write_text('[project]\nname = "tally"\nversion = "1.0.0"\n')
    (repo / "tally" / "__init__.py").write_text('"""Count words."""\n')
    (repo / "tally" / "count.py").write_text(
        '"""Word counting."""\n\n\ndef count(text: str) -> int:\n'
        '    """How many words `text` has."""\n    return len(text.split())\n'
    )
    (repo / "tests" / "test_count.py").write_text(
        "from tally.count import count\n\n\ndef test_count() -> None:\n"
        '    assert count("a b") == 2\n'
    )
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.com"}
    env |= {"GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.com"}
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "tally"]):
        subprocess.run(["git", *argv], cwd=repo, env=env, check=True)
    return repo


def pool_children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def kill(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended by itself meanwhile
        os.kill(pid, signum)


class Run:
    def __init__(self, data: Path, stories: int, seconds: float) -> None:
        self.data = data
        self.target = stories
        self.deadline = time.monotonic() + seconds
        self.port = 19000 + os.getpid() % 1000
        self.gateway = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.gateway, timeout=30)
        self.valkey = EmbeddedValkey(data / "valkey")
        self.story_ids: list[str] = []
        self.broker_recovery: list[float] = []
        self.latency_up: list[float] = []
        self.latency_open: list[float] = []
        self.chaos: Counter[str] = Counter()

    def start(self) -> Supervisor:
        self.valkey.start()
        redis_url = self.valkey.url(0)
        (self.data / "logs").mkdir(parents=True, exist_ok=True)
        children = []
        for index, name in enumerate(("gateway", *WORKERS, "janitor")):
            env = child_env(
                dict(os.environ),
                *(self.data, redis_url, name, self.port),
                admin_token=ADMIN_TOKEN,
                local_roots=[self.data],
            )
            env.update(RECOVERY)
            env["CODESTORY_METRICS_PORT"] = str(self.port + 100 + index)
            env["CODESTORY_HEARTBEAT_DIR"] = str(self.data / "heartbeat" / f"{name}{index}")
            env["CODESTORY_DEBUG_STAGE_DELAY_SECONDS"] = "0.5"
            label = f"{name}{index}"
            children.append(Child(label, command_for(name), env, self.data / f"{label}.log"))
        supervisor = Supervisor(children, self.valkey)
        supervisor.start()
        self.wait_serving(120)
        return supervisor

    def wait_serving(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if self.http.get("/health", timeout=2).json().get("status") == "ok":
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        raise RuntimeError("the services did not come up")

    def submit(self, repo: Path) -> None:
        started = time.perf_counter()
        response = self.http.post(
            "/api/v1/stories", json={"repository_url": str(repo)}, headers=ADMIN
        )
        if response.status_code == 202:
            self.story_ids.append(response.json()["id"])
            self.latency_up.append(time.perf_counter() - started)

    def restart_broker(self, supervisor: Supervisor) -> None:
        """Stop the broker for a few seconds; time the 503s and the first 202 after."""
        self.chaos["broker restarts"] += 1
        supervisor.valkey = None  # this outage is ours: not restarted behind our back
        self.valkey.server.stop()
        first = True
        until = time.monotonic() + 4
        while time.monotonic() < until:
            started = time.perf_counter()
            response = self.http.get("/api/v1/stories")
            if response.status_code == 503 and not first:
                self.latency_open.append(time.perf_counter() - started)
            first = False
            time.sleep(0.1)
        back = time.monotonic()
        self.valkey.start()
        supervisor.valkey = self.valkey
        while time.monotonic() - back < 60:
            if self.http.get("/api/v1/stories").status_code == 200:
                self.broker_recovery.append(time.monotonic() - back)
                return
            time.sleep(0.05)

    def strike(self, supervisor: Supervisor) -> None:
        """One act of chaos, picked at random."""
        workers = [c for c in supervisor.children if c.name[:-1] in {"story", "audio"}]
        victim = random.choice(workers)
        if victim.process is None:
            return
        act = random.choice(["sigkill worker", "kill pool child", "sigterm worker", "hang worker"])
        if act == "hang worker":
            # Frozen, then thawed: its story is recovered meanwhile, and the thawed worker
            # must notice it lost the lease rather than finish the story a second time.
            pid = victim.process.pid
            kill(pid, signal.SIGSTOP)
            for child in pool_children(pid):
                kill(child, signal.SIGSTOP)
            thaw = threading.Timer(HANG_SECONDS, self.thaw, args=(pid,))
            thaw.daemon = True
            thaw.start()
        elif act == "kill pool child":
            for child in pool_children(victim.process.pid):
                kill(child, signal.SIGKILL)
        elif act == "sigkill worker":
            victim.signal(signal.SIGKILL)
        else:
            victim.signal(signal.SIGTERM)
        self.chaos[act] += 1

    @staticmethod
    def thaw(pid: int) -> None:
        for child in pool_children(pid):
            kill(child, signal.SIGCONT)
        kill(pid, signal.SIGCONT)

    def outcome(self) -> dict[str, Any]:
        admin = ADMIN
        dlq = self.http.get("/api/v1/admin/dlq", headers=admin, params={"limit": 1000}).json()
        dlq_per_story = Counter(e["story_id"] for e in dlq["entries"])
        statuses: Counter[str] = Counter()
        failed: Counter[str] = Counter()
        lost, duplicated, bad_audio = [], [], []
        recovered = 0
        for story_id in self.story_ids:
            story = self.http.get(f"/api/v1/stories/{story_id}").json()
            statuses[story["status"]] += 1
            recovered += story["requeues"]
            if story["status"] not in FINAL:
                lost.append(story_id)
                continue
            if story["status"] == "failed":
                failed[story["error_type"]] += 1
            events = self.http.get(f"/api/v1/admin/dlq/{story_id}", headers=admin).json()["events"]
            finals = [e for e in events if e["status"] in FINAL]
            audio_runs = [e for e in events if e["step"] == "encode"]
            if len(finals) > 1 or len(audio_runs) > 1 or dlq_per_story[story_id] > 1:
                duplicated.append(story_id)
            if story["status"] == "complete":
                mp3 = self.http.get(f"/api/v1/stories/{story_id}/audio").content
                try:
                    if len(read_chapters(mp3)) < 1:
                        bad_audio.append(story_id)
                except Exception:
                    bad_audio.append(story_id)
        submitted = len(self.story_ids)
        up = statistics.median(self.latency_up) if self.latency_up else 0.0
        worst_open = max(self.latency_open, default=0.0)
        return {
            "submitted": submitted,
            "complete": statuses["complete"],
            "failed": dict(failed),
            "failed_percent": round(100 * sum(failed.values()) / max(submitted, 1), 1),
            "lost": len(lost),
            "duplicated": len(duplicated),
            "stuck_failures": failed["stuck"],
            "bad_audio": len(bad_audio),
            "chaos": dict(self.chaos),
            "recoveries_by_janitor": recovered,
            "broker_recovery_seconds": [round(s, 2) for s in self.broker_recovery],
            "submit_median_ms_redis_up": round(up * 1000, 1),
            "503_worst_ms_breaker_open": round(worst_open * 1000, 1),
            "503_worst_over_submit_median": round(worst_open / up, 2) if up else None,
        }


def run(stories: int, minutes: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="codestory-chaos-") as tmp:
        data = Path(tmp)
        repo = sample_repository(data)
        chaos = Run(data, stories, minutes * 60)
        supervisor = chaos.start()
        try:
            broker_at = {stories // 3, 2 * stories // 3}
            last_strike = time.monotonic()
            for index in range(stories):
                if time.monotonic() > chaos.deadline:
                    break
                chaos.submit(repo)
                if index in broker_at:
                    chaos.restart_broker(supervisor)
                elif index == stories // 2:
                    janitor = supervisor.children[-1]
                    janitor.signal(signal.SIGKILL)
                    chaos.chaos["janitor restarts"] += 1
                elif time.monotonic() - last_strike >= STRIKE_EVERY_SECONDS:
                    chaos.strike(supervisor)
                    last_strike = time.monotonic()
                time.sleep(0.3)
            while time.monotonic() < chaos.deadline:
                pending = [
                    s
                    for s in chaos.story_ids
                    if chaos.http.get(f"/api/v1/stories/{s}").json()["status"] not in FINAL
                ]
                if not pending:
                    break
                strikes = sum(chaos.chaos.values())
                if strikes < MAX_STRIKES and time.monotonic() - last_strike >= STRIKE_EVERY_SECONDS:
                    chaos.strike(supervisor)
                    last_strike = time.monotonic()
                time.sleep(1)
            return chaos.outcome()
        finally:
            supervisor.stop()
            chaos.valkey.stop()


def markdown(result: dict[str, Any], stories: int) -> str:
    rows = "\n".join(f"| {key} | {json.dumps(value)} |" for key, value in result.items())
    return (
        "## Chaos figures\n\n"
        f"`python scripts/chaos.py --stories {stories}` on this machine (2 cores): two story "
        "and two audio workers; every 5 s, while stories are submitted (one each 0.3 s) and "
        f"then while any is unfinished (up to {MAX_STRIKES} acts), a random worker is "
        f"SIGKILLed, SIGTERMed, loses its pool children, or is frozen (SIGSTOP) for "
        f"{HANG_SECONDS:.0f} s and thawed; two broker stops of 4 s (AOF kept), one janitor "
        "kill. Duplicated counts more than one final event, encoded MP3 or DLQ entry for a "
        "story. Target: 0 lost, 0 duplicated, 0 false `stuck`, at most 2% failed.\n\n"
        "| figure | value |\n| --- | --- |\n" + rows
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    result = run(min(args.stories, 1000), min(args.minutes, 60.0))
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "chaos", markdown(result, args.stories))
    ok = not result["lost"] and not result["duplicated"] and result["failed_percent"] <= 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
