"""A lean HTTP/1.1 load generator for the benchmarks: keep-alive connections on asyncio
streams, so the client costs far less than the servers it measures.

Two shapes. Closed loop: `clients` connections each send the next request as soon as
the last one is answered (throughput). Open loop: requests are due at a fixed rate and
latency counts from when each was due, not when it was sent, so a slow server cannot
hide its queueing (coordinated omission); at most `clients` are in flight.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field


def percentile_ms(latencies: list[float], share: float) -> float:
    """The latency (seconds in, milliseconds out) that `share` of the samples stay under."""
    if not latencies:
        return float("nan")
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, share: float) -> float:
        return percentile_ms(self.latencies, share)

    def summary(self) -> dict[str, float | int | dict[int, int]]:
        return {
            "requests": self.requests,
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile_ms(0.50), 1),
            "p99_ms": round(self.percentile_ms(0.99), 1),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1) if self.latencies else 0,
            "statuses": dict(sorted(self.statuses.items())),
        }


def post_request(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += ["Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def closed_loop(host: str, port: int, raw: bytes, clients: int, seconds: float) -> LoadResult:
    deadline = time.perf_counter() + seconds
    result = LoadResult(seconds=seconds)

    async def one_client() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                status = await _exchange(reader, writer, raw)
                result.latencies.append(time.perf_counter() - started)
                result.statuses[status] = result.statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    result.seconds = time.perf_counter() - started
    return result


async def open_loop(
    host: str, port: int, raw: bytes, clients: int, rate: float, seconds: float
) -> LoadResult:
    """`rate` requests a second for `seconds`, at most `clients` in flight."""
    total = max(1, int(rate * seconds))
    start = time.perf_counter() + 0.05
    due = [start + i / rate for i in range(total)]
    result = LoadResult(seconds=seconds)
    cursor = 0

    async def one_client() -> None:
        nonlocal cursor
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while cursor < total:
                at = due[cursor]
                cursor += 1
                wait = at - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                status = await _exchange(reader, writer, raw)
                result.latencies.append(time.perf_counter() - at)
                result.statuses[status] = result.statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(one_client() for _ in range(clients)))
    result.seconds = time.perf_counter() - start
    return result
