"""Benchmark: idle memory (PSS) of each service and its pool, and time from start to ready.

Each service starts as shipped (`codestory gateway|worker story|worker audio|janitor`, one
pool process) on an embedded Valkey; once ready it idles a few seconds and the
proportional set size of its whole process tree is read from /proc (shared pages split
between the processes that share them, so the sum is what the service really costs).
Same-run baselines: a bare interpreter, the minimum FastAPI app under uvicorn, and a bare
Celery worker with one prefork process. Targets: gateway under 120 MB, each worker with its
pool under 150 MB. `codestory probe` timing is bench_probe.py's.

An idle audio worker has not loaded its voice: hibari is loaded in a pool process on its
first story. So the audio worker is weighed again after it has told one (a story of
codestory's own package, told through a gateway and a story worker on the same Valkey):
PSS once idle again, which is what a worker between stories holds, and each process's
high-water mark (VmHWM, resident), what it reached while speaking, levelling and encoding.
Targets, from the measurement (415 MB and 631 MB on 2026-12-07, an 8-minute story, two
chapters at once; 505 MB after a story before the audio worker handed its freed heap back)
with room for noise: the worker and its pool process under 450 MB after a story, and the
pool process's peak under 800 MB. The chart's audio memory is sized
from these two figures (charts/codestory/values.yaml): raise the chart with the targets.

Usage: python scripts/bench_footprint.py [--settle SECONDS] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench_gateway import HOST, free_port
from bench_report import check_lines, write_section
from codestory.commands.launcher import command_for
from codestory.commands.up import EmbeddedValkey, child_env
from codestory.runtime.probes import check
from proc_tree import tree

HERE = Path(__file__).resolve().parent
MB = 1024 * 1024
TARGETS_MB = {"gateway": 120.0, "story": 150.0, "audio": 150.0, "audio after a story": 450.0}
POOL_PEAK_TARGET_MB = 800.0  # one pool process speaking, levelling and encoding a story
READY_TIMEOUT = 90.0
STORY_TIMEOUT = 600.0
TOLD = HERE.parent / "services" / "codestory"  # a plain folder of code: several chapters


def pss_bytes(pid: int) -> int:
    """Proportional set size from smaps_rollup (kB in the file)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def high_water_bytes(pid: int) -> int:
    """The most the process has held resident (VmHWM, kB in the file)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def weigh(pid: int) -> dict[str, Any]:
    pids = tree(pid)
    sizes = {p: pss_bytes(p) for p in pids}
    return {
        "processes": len(pids),
        "main_mb": round(sizes[pid] / MB, 1),
        "pool_mb": [round(sizes[p] / MB, 1) for p in pids if p != pid],
        "total_mb": round(sum(sizes.values()) / MB, 1),
        "pool_peak_mb": [round(high_water_bytes(p) / MB, 1) for p in pids if p != pid],
    }


def start_and_weigh(
    argv: list[str], env: dict[str, str], ready: Callable[[], bool], settle: float, log: Path
) -> dict[str, Any]:
    started = time.perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not ready():
            if process.poll() is not None:
                raise RuntimeError(f"{argv} exited with {process.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{argv} was not ready in {READY_TIMEOUT:g} s; see {log}")
            time.sleep(0.05)
        ready_s = time.perf_counter() - started
        time.sleep(settle)  # idle: imports done, pools forked, first heartbeats sent
        return {"ready_s": round(ready_s, 2), **weigh(process.pid)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def answers(url: str) -> Callable[[], bool]:
    def probe() -> bool:
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    return probe


def consuming(heartbeats: Path) -> Callable[[], bool]:
    return lambda: check("readiness", str(heartbeats), 60.0, time.time())[0]


def measure(settle: float) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch)
        valkey = EmbeddedValkey(data / "valkey")
        valkey.start()
        try:
            token = secrets.token_urlsafe(24)
            port = free_port()
            for service in ("gateway", "story", "audio", "janitor"):
                env = child_env(
                    dict(os.environ),
                    *(data, valkey.url(0), service, port, free_port()),
                    admin_token=token,
                    local_roots=[data],
                )
                env["CODESTORY_WORKER_CONCURRENCY"] = "1"
                if service == "gateway":
                    ready = answers(f"http://{HOST}:{port}/readyz")
                else:
                    ready = consuming(Path(env["CODESTORY_HEARTBEAT_DIR"]))
                log = data / f"{service}.log"
                rows[service] = start_and_weigh(command_for(service), env, ready, settle, log)

            base = {
                **os.environ,
                "PYTHONPATH": f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            }
            interpreter = [sys.executable, "-c", "import time; time.sleep(600)"]
            rows["bare interpreter"] = start_and_weigh(
                interpreter, base, lambda: True, settle, data / "python.log"
            )
            app_port = free_port()
            uvicorn = [sys.executable, "-m", "uvicorn", "bench_submission_apps:minimum"]
            uvicorn += ["--host", HOST, "--port", str(app_port), "--log-level", "warning"]
            rows["minimum FastAPI app"] = start_and_weigh(
                uvicorn,
                base,
                listening(app_port),
                settle,
                data / "minimum.log",
            )
            rows["audio after a story"] = audio_after_a_story(data, valkey, token, settle)
            celery = [sys.executable, "-m", "celery", "-A", "bench_overhead_apps", "worker"]
            celery += ["-Q", "bench", "--pool", "prefork", "--concurrency", "1"]
            celery += ["--without-gossip", "--without-mingle", "--loglevel", "INFO"]
            bare_log = data / "bare-celery.log"
            bare_env = {**base, "BENCH_APP": "bare", "CELERY_BROKER_URL": valkey.url(1)}
            rows["bare Celery worker"] = start_and_weigh(
                celery, bare_env, lambda: logged(bare_log, "ready."), settle, bare_log
            )
        finally:
            valkey.stop()
    return rows


def audio_after_a_story(
    data: Path, valkey: EmbeddedValkey, token: str, settle: float
) -> dict[str, Any]:
    """The audio worker (one pool process) weighed once it has told a story with hibari."""
    port = free_port()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    envs = {}
    try:
        for service in ("gateway", "story", "audio"):
            env = child_env(
                dict(os.environ),
                *(data / "told", valkey.url(0), service, port, free_port()),
                admin_token=token,
                local_roots=[TOLD],
            )
            env["CODESTORY_WORKER_CONCURRENCY"] = "1"
            envs[service] = env
            with (data / f"told-{service}.log").open("ab") as out:
                processes[service] = subprocess.Popen(
                    command_for(service), env=env, stdout=out, stderr=subprocess.STDOUT
                )
        gateway = f"http://{HOST}:{port}"
        waits = [answers(f"{gateway}/readyz")]
        waits += [consuming(Path(envs[s]["CODESTORY_HEARTBEAT_DIR"])) for s in ("story", "audio")]
        deadline = time.monotonic() + READY_TIMEOUT
        while not all(ready() for ready in waits):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the services were not ready; see {data}/told-*.log")
            time.sleep(0.1)
        headers = {"Authorization": f"Bearer {token}"}
        answer = httpx.post(
            f"{gateway}/api/v1/stories",
            json={"repository_url": str(TOLD)},
            headers=headers,
            timeout=30,
        )
        answer.raise_for_status()
        story_id = answer.json()["id"]
        deadline = time.monotonic() + STORY_TIMEOUT
        while True:
            story = httpx.get(f"{gateway}/api/v1/stories/{story_id}", headers=headers, timeout=10)
            status = story.json().get("status")
            if status == "complete":
                break
            if status in {"failed", "cancelled"} or time.monotonic() > deadline:
                raise RuntimeError(f"the story ended {status}: {story.text[:500]}")
            time.sleep(0.5)
        time.sleep(settle)  # idle again: what a worker holds between stories
        row = weigh(processes["audio"].pid)
        told = story.json()
        row["story"] = {
            "engine": told.get("speech_engine"),
            "chapters": len(told.get("chapters") or []),
            "audio_seconds": told.get("duration_seconds"),
        }
        return {"ready_s": 0.0, **row}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def listening(port: int) -> Callable[[], bool]:
    def probe() -> bool:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
        except OSError:
            return False
        return True

    return probe


def logged(path: Path, words: str) -> bool:
    try:
        return words in path.read_text(errors="replace")
    except OSError:
        return False


def markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    lines = [
        "## Footprint (`scripts/bench_footprint.py`)",
        "",
        f"Each service as shipped, one pool process, on an embedded Valkey; PSS of its whole "
        f"process tree after {result['settle_s']:g} s idle (shared pages split between the "
        "processes sharing them). Start-to-ready is from the process start to `/readyz` "
        "answering (gateway) or the readiness file a consuming worker writes.",
        "",
        "| process | ready s | main MB | pool MB | total MB | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in rows.items():
        pool = ", ".join(f"{p:g}" for p in row["pool_mb"]) or "-"
        target = f"< {TARGETS_MB[name]:g} MB" if name in TARGETS_MB else "baseline"
        if name == "janitor":
            target = "-"
        ready = "-" if name == "audio after a story" else f"{row['ready_s']:g}"
        lines.append(
            f"| {name} | {ready} | {row['main_mb']:g} | {pool} | {row['total_mb']:g} | {target} |"
        )
    told = rows.get("audio after a story")
    if told:
        story = told["story"]
        peaks = ", ".join(f"{p:g}" for p in told["pool_peak_mb"])
        lines += [
            "",
            f"Audio after a story: {story['chapters']} chapters, "
            f"{story['audio_seconds']:g} s of audio spoken by {story['engine']}; then idle "
            f"{result['settle_s']:g} s. The pool process's peak resident memory while it told "
            f"the story: {peaks} MB (target < {POOL_PEAK_TARGET_MB:g} MB).",
        ]
    lines += ["", "Checks:"]
    lines += check_lines(result["checks"])
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    rows = measure(args.settle)
    checks = {
        f"{name} under {limit:g} MB": rows[name]["total_mb"] < limit
        for name, limit in TARGETS_MB.items()
    }
    peak = max(rows["audio after a story"]["pool_peak_mb"])
    checks[f"audio pool process peak under {POOL_PEAK_TARGET_MB:g} MB while telling a story"] = (
        peak < POOL_PEAK_TARGET_MB
    )
    checks["the story was spoken by hibari"] = (
        rows["audio after a story"]["story"]["engine"] == "hibari"
    )
    result = {"benchmark": "footprint", "settle_s": args.settle, "rows": rows, "checks": checks}
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "bench_footprint", markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
