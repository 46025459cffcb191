"""Benchmark: live progress fanned out to many SSE subscribers by one gateway.

500 and 2,000 subscribers follow 50 stories on one gateway process; a publisher in its
own process writes progress the way the workers do (StoryStore.publish: the stored log
and a PUBLISH). The same subscribers then listen on Redis pub/sub directly, one
connection each: the baseline is what delivery costs without a gateway. Measured: how
many were refused, how many events each missed, delivery latency (publish to read),
and the gateway's memory per subscriber. Targets: none refused, none missing an event,
p99 within 2x the direct baseline.

Usage: python scripts/bench_fanout.py [--subscribers 500 2000] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx

from bench_gateway import HOST, free_port, gateway_env, start_gateway, wait_listening
from bench_report import check_lines, write_section
from codestory.commands.up import EmbeddedValkey
from codestory.records.keys import progress_channel
from loadgen import percentile_ms

STORIES = 50
EVENTS_PER_STORY = 10
EVENT_GAP_SECONDS = 0.2  # between rounds of one event per story
TARGET_P99_RATIO = 2.0
WHY = [
    "Where it stands: every subscriber is accepted and receives every event (the gateway "
    "subscribes once per story and fans out in-process; a follower that falls behind "
    "re-reads the stored log), but delivery stays slower than direct pub/sub, where Redis "
    "copies each message to every socket in C. Here one Python process carries every "
    "frame through the ASGI stack: at 2,000 subscribers a burst of 50 events is 2,000 "
    "frames, each a queue hand-off, a generator step and a socket write, a few tens of "
    "microseconds apiece. What was done: OpenTelemetry's per-message ASGI spans are off "
    "(the request's own span stays; p99 at 2,000 went 1.1 s to 0.5 s), then each message "
    "is parsed and encoded once in the hub and handed to its followers as a finished SSE "
    "frame, with no task per wait (0.5 s to about 0.1 s). What is left is per-frame "
    "transport work that a Python server cannot share between connections; progress "
    "streams scale out with gateway replicas (each holds one subscription per story its "
    "followers watch), so the remedy in a cluster is more gateways, not a bigger one.",
]

PUBLISHER = """
import sys, time
from codestory.core.domain import Status
from codestory.records.store import StoryStore, make_client
url, ids, rounds, gap = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), float(sys.argv[4])
store = StoryStore(make_client(url), progress_ttl=3600)
for n in range(rounds):
    for story_id in ids:
        store.publish(story_id, Status.ANALYZING, "analyse", f"round {n}", n / rounds)
    time.sleep(gap)
"""


class Tally:
    """What every subscriber received: latencies of live events, and counts per subscriber."""

    def __init__(self, subscribers: int) -> None:
        self.latencies: list[float] = []
        self.received = [0] * subscribers
        self.ready = 0
        self.refused = 0

    def note(self, index: int, payload: bytes) -> None:
        event = json.loads(payload)
        self.latencies.append(time.time() - float(event["at"]))
        self.received[index] += 1


async def sse_subscriber(
    index: int, port: int, path: str, key: str, tally: Tally, done: asyncio.Event
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/event-stream\r\n"
        f"Authorization: Bearer {key}\r\n\r\n".encode()
    )
    status = int((await reader.readline()).split()[1])
    if status != 200:
        tally.refused += 1
        writer.close()
        return
    while (await reader.readline()) not in (b"\r\n", b""):
        pass  # headers
    ready = False
    try:
        while not done.is_set():
            line = await reader.readline()
            if not line:
                return
            # Chunked transfer: size lines and blank lines pass by; data lines are events.
            if line.startswith(b"data:"):
                if ready:
                    tally.note(index, line[5:].strip())
                else:  # the snapshot sent on connecting
                    ready = True
                    tally.ready += 1
    finally:
        writer.close()


async def direct_subscriber(
    index: int, port: int, password: str, channel: str, tally: Tally, done: asyncio.Event
) -> None:
    """The same subscriber on Redis pub/sub itself: RESP read by hand, as lean as the SSE one."""
    reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
    writer.write(f"AUTH {password}\r\nSUBSCRIBE {channel}\r\n".encode())
    await reader.readline()  # +OK
    for _ in range(6):  # *3, $9, subscribe, $n, the channel, :1
        await reader.readline()
    tally.ready += 1
    try:
        while not done.is_set():
            header = await reader.readline()
            if not header:
                return
            if not header.startswith(b"*3"):
                continue
            parts = []
            for _ in range(3):
                size = int((await reader.readline())[1:])
                parts.append((await reader.readexactly(size + 2))[:-2])
            tally.note(index, parts[2])
    finally:
        writer.close()


async def follow_all(
    subscribers: int,
    subscribe: Callable[[int, Tally, asyncio.Event], Coroutine[Any, Any, None]],
    publish: Callable[[], Any],
) -> tuple[Tally, float]:
    tally = Tally(subscribers)
    done = asyncio.Event()
    started = time.perf_counter()
    tasks = [asyncio.create_task(subscribe(i, tally, done)) for i in range(subscribers)]
    deadline = time.monotonic() + 120
    while tally.ready + tally.refused < subscribers and time.monotonic() < deadline:
        if any(t.done() and t.exception() for t in tasks):
            break
        await asyncio.sleep(0.05)
    connected = time.perf_counter() - started
    await asyncio.to_thread(publish)
    expected = EVENTS_PER_STORY
    deadline = time.monotonic() + 10
    while min(tally.received) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    done.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return tally, connected


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def summarise(tally: Tally, subscribers: int, connected: float) -> dict[str, Any]:
    return {
        "subscribers": subscribers,
        "refused": tally.refused,
        "connected_s": round(connected, 2),
        "events_expected": subscribers * EVENTS_PER_STORY,
        "events_received": sum(tally.received),
        "subscribers_missing_events": sum(1 for r in tally.received if r < EVENTS_PER_STORY),
        "p50_ms": round(percentile_ms(tally.latencies, 0.5), 1),
        "p99_ms": round(percentile_ms(tally.latencies, 0.99), 1),
    }


def measure(sizes: list[int]) -> list[dict[str, Any]]:
    key = "csk_" + secrets.token_urlsafe(32)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch)
        valkey = EmbeddedValkey(data / "valkey")
        valkey.start()
        port = free_port()
        env = gateway_env(data, valkey, port, key)
        gateway = start_gateway(env, data / "gateway.log")
        try:
            wait_listening("gateway", gateway, port)
            base = f"http://{HOST}:{port}"
            auth = {"Authorization": f"Bearer {key}"}
            ids = [
                httpx.post(
                    f"{base}/api/v1/stories",
                    json={"repository_url": f"https://github.com/example/p{n}"},
                    headers=auth,
                    timeout=30,
                ).json()["id"]
                for n in range(STORIES)
            ]
            records_url = env["REDIS_URL"]

            def publish() -> None:
                rounds = [str(EVENTS_PER_STORY), str(EVENT_GAP_SECONDS)]
                argv = [sys.executable, "-c", PUBLISHER, records_url, ",".join(ids), *rounds]
                subprocess.run(argv, check=True)

            for size in sizes:
                idle = rss_kib(gateway.pid)

                async def via_gateway(i: int, tally: Tally, done: asyncio.Event) -> None:
                    path = f"/api/v1/stories/{ids[i % STORIES]}/events"
                    await sse_subscriber(i, port, path, key, tally, done)

                followed = 0  # the gateway's memory with every subscriber connected

                def publish_and_weigh() -> None:
                    nonlocal followed
                    followed = rss_kib(gateway.pid)
                    publish()

                tally, connected = asyncio.run(follow_all(size, via_gateway, publish_and_weigh))
                gateway_row = summarise(tally, size, connected)
                gateway_row["gateway_kib_per_subscriber"] = round((followed - idle) / size, 1)

                async def direct(i: int, tally: Tally, done: asyncio.Event) -> None:
                    channel = progress_channel(ids[i % STORIES])
                    await direct_subscriber(i, valkey.port, valkey.password, channel, tally, done)

                tally, connected = asyncio.run(follow_all(size, direct, publish))
                direct_row = summarise(tally, size, connected)
                rows.append({"subscribers": size, "gateway": gateway_row, "direct": direct_row})
                time.sleep(2)  # the gateway lets go of the closed streams
        finally:
            gateway.terminate()
            gateway.wait(timeout=30)
            valkey.stop()
    return rows


def checks(rows: list[dict[str, Any]]) -> dict[str, bool]:
    result: dict[str, bool] = {}
    for row in rows:
        n, ours, theirs = row["subscribers"], row["gateway"], row["direct"]
        result[f"{n}: none refused"] = ours["refused"] == 0
        result[f"{n}: none missing an event"] = ours["subscribers_missing_events"] == 0
        result[f"{n}: p99 within {TARGET_P99_RATIO:g}x direct pub/sub"] = (
            ours["p99_ms"] <= TARGET_P99_RATIO * theirs["p99_ms"]
        )
    return result


def markdown(rows: list[dict[str, Any]], verdicts: dict[str, bool]) -> list[str]:
    lines = [
        "## Progress fan-out (`scripts/bench_fanout.py`)",
        "",
        f"{STORIES} stories, {EVENTS_PER_STORY} events each published the workers' way; "
        "subscribers spread evenly over the stories. Baseline: the same subscribers on "
        "Redis pub/sub directly, one connection each.",
        "",
        "| subscribers | path | refused | missing events | p50 ms | p99 ms | connect s "
        "| gateway KiB per subscriber |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        for path in ("gateway", "direct"):
            r = row[path]
            memory = r.get("gateway_kib_per_subscriber", "")
            lines.append(
                f"| {row['subscribers']:,} | {path} | {r['refused']} | "
                f"{r['events_expected'] - r['events_received']} | {r['p50_ms']} | "
                f"{r['p99_ms']} | {r['connected_s']} | {memory} |"
            )
    lines += ["", "Checks:"]
    lines += check_lines(verdicts)
    lines += ["", *WHY]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    rows = measure(args.subscribers)
    verdicts = checks(rows)
    print(json.dumps({"benchmark": "fanout", "rows": rows, "checks": verdicts}, indent=2))
    if args.write:
        write_section(args.write, "bench_fanout", "\n".join(markdown(rows, verdicts)))
    return 0  # a missed target is reported (JSON and docs), not a failed run


if __name__ == "__main__":
    sys.exit(main())
