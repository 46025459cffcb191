"""Benchmark: story submissions against one gateway process, with two baselines in the run.

`naive` is the FastAPI app a first version would be (a new Redis client per request, the
record SET and the id LPUSHed); `minimum` validates the same request model and touches no
Redis, the floor of FastAPI on this machine. All three run side by side on one embedded
Valkey, each in its own uvicorn process, and are measured in interleaved rounds (the order
turns each round) by a lean asyncio client in this process:

- closed loop at 16 and 64 clients: throughput and latency;
- open loop at a fixed rate with at most 64 in flight: latency counted from when each
  request was due, so a slow server cannot hide its queue. With 64 closed-loop clients,
  latency is 64 / throughput by Little's law; the open-loop figure is what a user feels.

The gateway runs as shipped: an API key (the path real users take, quotas checked),
tracing on with no exporter, its per-client limits raised out of the way. Targets:
2x the naive app's throughput and p99 under 50 ms at 64 clients, 0.5x the minimum app.

Usage: python scripts/bench_submission.py [--rounds N] [--seconds S] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import redis

from bench_gateway import HOST, free_port, gateway_env, start_gateway, wait_listening
from bench_report import check_lines, write_section
from codestory.commands.up import EmbeddedValkey
from loadgen import LoadResult, closed_loop, open_loop, post_request
from proc_tree import cpu_seconds

HERE = Path(__file__).resolve().parent
BODY = json.dumps({"repository_url": "https://github.com/pallets/flask"}).encode()
APPS = ("gateway", "naive", "minimum")
TARGET_NAIVE = 2.0
TARGET_MINIMUM = 0.5
TARGET_P99_MS = 50.0


def where_the_time_goes(result: dict[str, Any]) -> str:
    """The explanation, with this run's own figures where it leans on them."""
    naive = result["closed"]["naive@64"]["per_second"]
    minimum = result["closed"]["minimum@64"]["per_second"]
    gateway = result["closed"]["gateway@64"]["per_second"]
    load = result["open_rate"] / gateway
    return (
        WHERE_THE_TIME_GOES.format(naive=naive, twice=2 * naive, minimum=minimum)
        + f" The open-loop rate, half the naive app's throughput, was {load:.0%} of the "
        "gateway's own closed-loop throughput in this run: near its capacity a steady "
        "stream queues, which is what its p99 shows."
    )


WHERE_THE_TIME_GOES = (
    "What a submission costs, and why the targets are not met yet. A submission is now five"
    " round trips (the limits and admission in one script, the record in one transaction, "
    "the first progress event in one script, the story log's first line, the task message);"
    " it was eleven, with a Celery result channel subscribed and dropped per story, a "
    "task-sent event, and a per-client check that read every unfinished story the client "
    "had. Starlette's `@app.middleware` wrappers became plain ASGI; the dependencies that "
    "do no I/O (state, caller) are `async def`, so they no longer take a worker thread each"
    " (about +8%); with no trace exporter configured, spans are sampled out instead of "
    "recorded for nobody (about +14%). The gateway process is CPU-bound at this load (the "
    "cores line above). Run as an experiment with the sync endpoint's body inline on the "
    "event loop, the same path gave about 470/s against 320/s (an earlier run): the "
    "endpoint's thread hop and the GIL hand-offs around each blocking Redis call are a "
    "third of the cost. The naive baseline is fast here ({naive:,.0f}/s: a local connection"
    " costs little), so 2x it means {twice:,.0f}/s from one Python process, which no "
    "FastAPI app that does this work (five writes, a Celery message, a trace context, "
    "metrics) reaches on one core; the minimum app (validation only, {minimum:,.0f}/s) is "
    "the floor of FastAPI itself. Not done, by choice: the endpoint rewritten on "
    "redis.asyncio. The inline experiment bounds its gain at about 1.3x, short of either "
    "target, and it would need a second, asynchronous copy of the store's writes (record, "
    "progress, quotas) that every worker also uses synchronously: two implementations of "
    "the same invariants for a third more submissions per core. Throughput beyond one "
    "process comes from gateway replicas, which share nothing but Redis (a small share of a"
    " core at this rate, above, so many gateways fit on one Redis): the chart's autoscaler "
    "adds them on CPU, which is what a submission burst spends."
)


def start_servers(data: Path, valkey: EmbeddedValkey, key: str) -> dict[str, tuple[Any, int]]:
    servers: dict[str, tuple[Any, int]] = {}
    logs = data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for name in APPS:
        port = free_port()
        if name == "gateway":
            env = gateway_env(data, valkey, port, key)
            servers[name] = (start_gateway(env, logs / f"{name}.log"), port)
            continue
        env = {**os.environ, "REDIS_URL": valkey.url(5), "PYTHONPATH": str(HERE)}
        argv = [sys.executable, "-m", "uvicorn", f"bench_submission_apps:{name}"]
        argv += ["--host", HOST, "--port", str(port), "--log-level", "warning"]
        argv += ["--no-access-log"]
        with (logs / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        servers[name] = (process, port)
    for name, (process, port) in servers.items():
        wait_listening(name, process, port)
    return servers


def request_for(name: str, port: int, key: str) -> bytes:
    headers = {"Authorization": f"Bearer {key}"} if name == "gateway" else {}
    return post_request(HOST, port, "/api/v1/stories", BODY, headers)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    closed: dict[tuple[str, int], list[LoadResult]] = {}
    opened: dict[str, list[LoadResult]] = {}
    cores: list[tuple[float, float]] = []  # (gateway, Redis) cores busy per gateway@64 round
    key = "csk_" + secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch)
        valkey = EmbeddedValkey(data / "valkey")
        valkey.start()
        servers: dict[str, tuple[Any, int]] = {}
        try:
            servers = start_servers(data, valkey, key)
            flusher = redis.Redis.from_url(valkey.url(0))
            raws = {n: request_for(n, port, key) for n, (_, port) in servers.items()}
            for name, raw in raws.items():  # warm each up: imports, pools, first connections
                asyncio.run(closed_loop(HOST, servers[name][1], raw, 8, 1.0))
            for index in range(args.rounds):
                order = APPS[index % 3 :] + APPS[: index % 3]
                for name in order:
                    for clients in (16, 64):
                        flusher.flushall()
                        before = cpu_now(servers[name][0].pid, flusher)
                        run = closed_loop(HOST, servers[name][1], raws[name], clients, args.seconds)
                        result = asyncio.run(run)
                        closed.setdefault((name, clients), []).append(result)
                        if name == "gateway" and clients == 64:
                            after = cpu_now(servers[name][0].pid, flusher)
                            cores.append(busy_cores(before, after, result.seconds))
            naive_64 = statistics.median(r.per_second for r in closed[("naive", 64)])
            rate = round(naive_64 / 2)
            for index in range(args.rounds):
                order = APPS[index % 3 :] + APPS[: index % 3]
                for name in order:
                    flusher.flushall()
                    run = open_loop(HOST, servers[name][1], raws[name], 64, rate, args.seconds)
                    opened.setdefault(name, []).append(asyncio.run(run))
        finally:
            for process, _ in servers.values():
                process.terminate()
            for process, _ in servers.values():
                process.wait(timeout=30)
            valkey.stop()
    return {"closed": closed, "open": opened, "rate": rate, "cores": cores}


def busy_cores(
    before: tuple[float, float], after: tuple[float, float], seconds: float
) -> tuple[float, float]:
    return (after[0] - before[0]) / seconds, (after[1] - before[1]) / seconds


def cpu_now(pid: int, client: redis.Redis) -> tuple[float, float]:
    """CPU seconds so far of a server's process tree, and of the Redis server (its INFO)."""
    info = client.info("cpu")
    return cpu_seconds(pid), float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def median_summary(results: list[LoadResult]) -> dict[str, Any]:
    """The round with the median throughput, and every round's throughput beside it."""
    ordered = sorted(results, key=lambda r: r.per_second)
    chosen: dict[str, Any] = dict(ordered[len(ordered) // 2].summary())
    chosen["rounds_per_second"] = [round(r.per_second, 1) for r in results]
    errors = sum(n for r in results for s, n in r.statuses.items() if s != 202)
    chosen["non_202"] = errors
    return chosen


def report(measured: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    closed = {f"{n}@{c}": median_summary(r) for (n, c), r in measured["closed"].items()}
    opened = {n: median_summary(r) for n, r in measured["open"].items()}
    gateway, naive, minimum = (closed[f"{n}@64"]["per_second"] for n in APPS)
    checks = {
        f"throughput at 64 clients >= {TARGET_NAIVE:g}x naive": gateway >= TARGET_NAIVE * naive,
        f"throughput at 64 clients >= {TARGET_MINIMUM:g}x minimum": gateway
        >= TARGET_MINIMUM * minimum,
        f"p99 at a steady {measured['rate']}/s, 64 in flight, under {TARGET_P99_MS:g} ms": opened[
            "gateway"
        ]["p99_ms"]
        < TARGET_P99_MS,
        "every request answered 202": all(
            s["non_202"] == 0 for s in [*closed.values(), *opened.values()]
        ),
    }
    return {
        "benchmark": "submission",
        "rounds": args.rounds,
        "seconds": args.seconds,
        "closed": closed,
        "open": opened,
        "open_rate": measured["rate"],
        "ratios": {
            "gateway/naive@64": round(gateway / naive, 2),
            "gateway/minimum@64": round(gateway / minimum, 2),
            "gateway/naive@16": round(
                closed["gateway@16"]["per_second"] / closed["naive@16"]["per_second"], 2
            ),
        },
        "cores_at_64": {
            "gateway": round(statistics.median(c[0] for c in measured["cores"]), 2),
            "redis": round(statistics.median(c[1] for c in measured["cores"]), 2),
        },
        "checks": checks,
    }


def markdown(result: dict[str, Any]) -> list[str]:
    lines = [
        "## Submission (`scripts/bench_submission.py`)",
        "",
        f"One gateway process against two baselines on the same embedded Valkey: `naive` "
        f"(a new Redis client per request, SET and LPUSH) and `minimum` (validation only). "
        f"Median of {result['rounds']} interleaved rounds of {result['seconds']:g} s each.",
        "",
        "| app | clients | req/s | p50 ms | p99 ms | rounds (req/s) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label, row in result["closed"].items():
        name, clients = label.split("@")
        rounds = ", ".join(f"{r:g}" for r in row["rounds_per_second"])
        lines.append(
            f"| {name} | {clients} | {row['per_second']:g} | {row['p50_ms']:g} | "
            f"{row['p99_ms']:g} | {rounds} |"
        )
    lines += [
        "",
        f"Open loop: a steady {result['open_rate']} submissions a second (half the naive "
        "app's closed-loop throughput), at most 64 in flight, latency from when each was due:",
        "",
        "| app | p50 ms | p99 ms |",
        "| --- | --- | --- |",
    ]
    for name, row in result["open"].items():
        lines.append(f"| {name} | {row['p50_ms']:g} | {row['p99_ms']:g} |")
    lines += ["", "| ratio | value |", "| --- | --- |"]
    lines += [f"| {k} | {v}x |" for k, v in result["ratios"].items()]
    cores = result["cores_at_64"]
    lines += [
        "",
        f"Cores busy while the gateway served 64 clients (median round, from /proc and "
        f"Redis's INFO): the gateway {cores['gateway']:g}, Redis {cores['redis']:g}.",
    ]
    lines += ["", "Checks:"]
    lines += check_lines(result["checks"])
    lines += ["", where_the_time_goes(result)]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    result = report(measure(args), args)
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "bench_submission", "\n".join(markdown(result)))
    return 0  # a missed target is reported (JSON and docs), not a failed run


if __name__ == "__main__":
    sys.exit(main())
