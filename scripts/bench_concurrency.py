"""Benchmark: many stories in flight at once, against one story alone in the same run.

`codestory up` runs the four services (one story worker, one audio worker) on an embedded
Valkey. A small repository is told once to fill the analysis and audio caches, once more
alone (the baseline), then N copies of the same request are submitted at once. A
repeat of the same commit skips fetch and analysis, and the same script reuses its audio,
so the stages cost next to nothing and what is measured is the system: queueing,
dispatch, records, progress and the workers' turnover. Reported: all complete, p50/p95
queue wait (submission to the story worker's first event) and end to end, stories a
minute, Redis memory per story (target under 200 KB), and events lost (gaps in each
story's progress sequence).

Usage: python scripts/bench_concurrency.py [--stories N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import redis

from bench_gateway import HOST, free_port
from bench_report import check_lines, write_section
from codestory.core.domain import ProgressEvent
from codestory.records.store import StoryStore, make_client
from loadgen import percentile_ms
from proc_tree import children_of, command_line, cpu_seconds

TARGET_KB_PER_STORY = 200.0
DEADLINE_SECONDS = 600.0
TERMINAL = {"complete", "failed", "cancelled"}
TRUTH = Path(__file__).resolve().parent.parent / ".cache" / "truth"
# Real releases of different languages and sizes (`make truth-trees`), none cached.
CEILING_TREES = {"clap", "cobra", "express", "flask", "fmtlib", "httpx", "jq", "lz4"}
HANDED_OVER = "Waiting for an audio worker"

SMALL_PROJECT = {
    "README.md": "# tally\n\nCounts words in text files, for people who like numbers.\n",
    "pyproject.toml": '[project]\nname = "tally"\nversion = "1.0"\n\n'
    '[project.scripts]\ntally = "tally.cli:main"\n',
    "tally/__init__.py": '"""Word counts for text files."""\n',
    "tally/cli.py": '"""The tally command."""\n\nfrom tally.count import count_words\n\n\n'
    "def main() -> None:\n"
    '    """Print the number of words in each file named."""\n'
    "    import sys\n\n    for name in sys.argv[1:]:\n        print(name, count_words(name))\n",
    "tally/count.py": '"""Counting."""\n\n\ndef count_words(path: str) -> int:\n'
    '    """How many words the file holds."""\n'
    "    with open(path) as handle:\n        return len(handle.read().split())\n",
    "tests/test_count.py": "from tally.count import count_words\n\n\n"
    "def test_counts(tmp_path):\n"
    '    (tmp_path / "a").write_text("one two")\n'
    '    assert count_words(str(tmp_path / "a")) == 2\n',
}


def write_project(root: Path) -> Path:
    for name, text in SMALL_PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def wait_for_file(path: Path, process: subprocess.Popen[bytes], timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"codestory up exited with {process.returncode}")
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.2)
    raise TimeoutError(f"{path} never appeared")


def wait_serving(base: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"codestory up exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=2).json().get("status") == "ok":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise TimeoutError("the services did not come up")


def submit(base: str, token: str, path: Path) -> str:
    answer = httpx.post(
        f"{base}/api/v1/stories",
        json={"repository_url": str(path)},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["id"])


def wait_all(store: StoryStore, ids: list[str]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    pending = set(ids)
    while pending and time.monotonic() < deadline:
        pending = {i for i in pending if str(store.get(i).status) not in TERMINAL}
        time.sleep(0.5)


def round_ms(samples: list[float], share: float) -> float:
    return round(percentile_ms(samples, share), 1)


def summarise(store: StoryStore, ids: list[str], wall: float) -> dict[str, Any]:
    waits: list[float] = []
    totals: list[float] = []
    statuses: dict[str, int] = {}
    gaps = 0
    for story_id in ids:
        story = store.get(story_id)
        statuses[str(story.status)] = statuses.get(str(story.status), 0) + 1
        events = store.progress_since(story_id, 0)
        seqs = [e.seq for e in events]
        gaps += sum(1 for a, b in itertools.pairwise(seqs) if b != a + 1)
        worked = [e.at for e in events if e.step not in {"queued"}]
        if worked:
            waits.append(min(worked) - story.created_at)
        final = [e.at for e in events if e.is_final]
        if final:
            totals.append(final[-1] - story.created_at)
    return {
        "stories": len(ids),
        "statuses": statuses,
        "stories_per_minute": round(len(ids) / wall * 60, 1),
        "queue_wait_p50_ms": round_ms(waits, 0.5),
        "queue_wait_p95_ms": round_ms(waits, 0.95),
        "end_to_end_p50_ms": round_ms(totals, 0.5),
        "end_to_end_p95_ms": round_ms(totals, 0.95),
        "sequence_gaps": gaps,
    }


@dataclass
class Stack:
    """`codestory up` with its own embedded Valkey, as a client sees it."""

    process: subprocess.Popen[bytes]
    base: str
    token: str
    store: StoryStore
    records: redis.Redis

    def worker_pid(self, service: str) -> int:
        for pid in children_of(self.process.pid):
            if command_line(pid)[-2:] == ["worker", service]:
                return pid
        raise RuntimeError(f"no {service} worker under codestory up")


@contextmanager
def running_stack(scratch: Path, allow_roots: list[Path]) -> Iterator[Stack]:
    data = scratch / "data"
    port = free_port()
    env = {**os.environ, "CODESTORY_LOG_LEVEL": "WARNING"}
    argv = [sys.executable, "-m", "codestory", "up", "--data-dir", str(data)]
    argv += ["--port", str(port)]
    for root in allow_roots:
        argv += ["--allow-root", str(root)]
    log = (scratch / "up.log").open("wb")
    process = subprocess.Popen(
        argv, env=env, cwd=scratch, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        base = f"http://{HOST}:{port}"
        token = wait_for_file(data / "admin-token", process)
        url = wait_for_file(data / "redis-url", process)
        wait_serving(base, process)
        yield Stack(process, base, token, StoryStore(make_client(url)), redis.Redis.from_url(url))
    finally:
        os.killpg(process.pid, 2)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        log.close()


def measure_crowd(stack: Stack, project: Path, count: int) -> dict[str, Any]:
    store = stack.store
    warm = [submit(stack.base, stack.token, project)]  # fills the analysis and audio caches
    wait_all(store, warm)
    started = time.monotonic()
    alone = [submit(stack.base, stack.token, project)]
    wait_all(store, alone)
    baseline = summarise(store, alone, time.monotonic() - started)
    before = int(stack.records.info("memory")["used_memory"])
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(lambda _: submit(stack.base, stack.token, project), range(count)))
    wait_all(store, ids)
    wall = time.monotonic() - started
    after = int(stack.records.info("memory")["used_memory"])
    crowd = summarise(store, ids, wall)
    crowd["redis_kb_per_story"] = round((after - before) / 1024 / count, 1)
    return {"alone": baseline, "crowd": crowd}


def stage_spans(events: list[ProgressEvent]) -> dict[str, tuple[float, float]]:
    """When each worker held the story: the story worker from its first step to its
    hand-over, the audio worker from the first step after that to the final event."""
    handed = next(i for i, e in enumerate(events) if e.message == HANDED_OVER)
    worked = [e for e in events[:handed] if e.step != "queued"]
    return {
        "story": (worked[0].at, events[handed].at),
        "audio": (events[handed + 1].at, events[-1].at),
    }


def stage_figures(spans: list[tuple[float, float]], cpu: float) -> dict[str, Any]:
    busy = sum(end - start for start, end in spans)
    window = max(end for _, end in spans) - min(start for start, _ in spans)
    return {
        "seconds_per_story": round(busy / len(spans), 2),
        "busy_share": round(busy / window, 2),
        "stories_per_minute": round(len(spans) / window * 60, 1),
        "ceiling_per_minute": round(len(spans) / busy * 60, 1),
        "cpu_per_wall": round(cpu / busy, 2),
    }


def measure_ceilings(stack: Stack, trees: list[Path]) -> dict[str, Any]:
    """Every tree submitted at once, each a first telling (nothing cached): how fast one
    story worker and one audio worker turn real stories over, and what holds each back."""
    workers = {s: stack.worker_pid(s) for s in ("story", "audio")}
    cpu_before = {s: cpu_seconds(pid) for s, pid in workers.items()}
    ids = [submit(stack.base, stack.token, tree) for tree in trees]
    wait_all(stack.store, ids)
    cpu = {s: cpu_seconds(pid) - cpu_before[s] for s, pid in workers.items()}
    statuses: dict[str, int] = {}
    spans: dict[str, list[tuple[float, float]]] = {"story": [], "audio": []}
    for story_id in ids:
        status = str(stack.store.get(story_id).status)
        statuses[status] = statuses.get(status, 0) + 1
        if status == "complete":
            for stage, span in stage_spans(stack.store.progress_since(story_id, 0)).items():
                spans[stage].append(span)
    stages = {s: stage_figures(spans[s], cpu[s]) for s in spans if spans[s]}
    return {"repositories": [t.name for t in trees], "statuses": statuses, "stages": stages}


def measure(count: int) -> dict[str, Any]:
    trees = sorted(p for p in TRUTH.iterdir() if p.is_dir() and p.name in CEILING_TREES)
    with tempfile.TemporaryDirectory() as scratch:
        project = write_project(Path(scratch) / "tally")
        with running_stack(Path(scratch), [TRUTH]) as stack:
            return {
                **measure_crowd(stack, project, count),
                "ceilings": measure_ceilings(stack, trees),
            }


def said(statuses: dict[str, int]) -> str:
    return ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))


def bound_by(stage: dict[str, Any]) -> str:
    if stage["busy_share"] < 0.9:
        return "waiting for work (the other stage feeds it too slowly)"
    if stage["cpu_per_wall"] >= 0.9:
        return f"CPU: {stage['cpu_per_wall']:.2f} cores busy per story held, one story at a time"
    return f"waiting on I/O: {stage['cpu_per_wall']:.2f} cores busy per story held"


def cpu_note(stages: dict[str, Any]) -> str:
    if not stages or any(s["cpu_per_wall"] < 0.9 for s in stages.values()):
        return ""
    return (
        " Neither stage waits on Redis or the network: each keeps a core busy for as long "
        "as it holds a story, one story per pool slot (`codestory up` runs one slot per "
        "worker; the chart runs `concurrency: 2` with a 2-core limit per pod), so more "
        "throughput is more cores: slots, or replicas."
    )


def ceiling_lines(ceilings: dict[str, Any]) -> list[str]:
    stages = ceilings["stages"]
    rows = [
        f"| {name} worker | {s['seconds_per_story']:g} | {s['busy_share']:.0%} | "
        f"{s['stories_per_minute']:g} | {s['ceiling_per_minute']:g} | {bound_by(s)} |"
        for name, s in stages.items()
    ]
    story, audio = stages.get("story"), stages.get("audio")
    ratio = (
        f" The audio stage takes {audio['seconds_per_story'] / story['seconds_per_story']:.1f}x "
        "the story stage per story, so a balanced deployment runs about that many audio "
        "workers per story worker; the chart's KEDA triggers scale each on its own queue."
        if story and audio
        else ""
    )
    return [
        f"Ceilings with real stages: {len(ceilings['repositories'])} real releases "
        f"({', '.join(ceilings['repositories'])}) submitted at once, each told for the first "
        f"time (nothing cached), finished as {said(ceilings['statuses'])}. A worker's span "
        "of a story runs from its first step to its hand-over (story) or to the final event "
        "(audio); CPU is the worker's whole process tree (supervisor, pool process, parser "
        "processes) from /proc.",
        "",
        "| worker | seconds per story | busy | stories a minute | ceiling a minute | bound by |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        "The ceiling is 60 s over the mean span: what one worker does when it is never "
        f"idle.{cpu_note(stages)} The story rate limit is off by default and bounds "
        f"neither.{ratio}",
    ]


def markdown(result: dict[str, Any]) -> str:
    alone, crowd = result["alone"], result["crowd"]
    rows = [
        ("stories", alone["stories"], crowd["stories"]),
        ("finished as", said(alone["statuses"]), said(crowd["statuses"])),
        (
            "queue wait p50 / p95 ms",
            f"{alone['queue_wait_p50_ms']:g}",
            f"{crowd['queue_wait_p50_ms']:g} / {crowd['queue_wait_p95_ms']:g}",
        ),
        (
            "end to end p50 / p95 ms",
            f"{alone['end_to_end_p50_ms']:g}",
            f"{crowd['end_to_end_p50_ms']:g} / {crowd['end_to_end_p95_ms']:g}",
        ),
        ("stories a minute", "-", crowd["stories_per_minute"]),
        ("gaps in progress sequences", alone["sequence_gaps"], crowd["sequence_gaps"]),
        ("Redis memory per story", "-", f"{crowd['redis_kb_per_story']:g} KB"),
    ]
    lines = [
        "## Concurrency (`scripts/bench_concurrency.py`)",
        "",
        "`codestory up` (one story worker, one audio worker, embedded Valkey). A small "
        "repository told once to fill the analysis and audio caches, once more alone (the "
        f"baseline), then {crowd['stories']} of the same request submitted at once: the stages "
        "cost next to nothing, so the figures are the system's own.",
        "",
        "| figure | one alone | all at once |",
        "| --- | --- | --- |",
        *[f"| {name} | {a} | {b} |" for name, a, b in rows],
        "",
        "Reading it: one worker per stage takes one story at a time, so with 100 queued a "
        "story waits behind the others at whichever stage is slower that run (the queue "
        "wait column is the story worker's; the audio worker's queue shows in end to end), "
        "and the median story finishes at about half the batch's time; those queues are "
        "what KEDA's queue-length triggers turn into more workers.",
        "",
        *ceiling_lines(result["ceilings"]),
        "",
        "Checks:",
        *check_lines(result["checks"]),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    result: dict[str, Any] = {"benchmark": "concurrency", **measure(args.stories)}
    crowd = result["crowd"]
    result["checks"] = {
        f"all {args.stories} complete": crowd["statuses"] == {"complete": args.stories},
        "no progress event lost": crowd["sequence_gaps"] == 0,
        f"Redis memory per story under {TARGET_KB_PER_STORY:g} KB": crowd["redis_kb_per_story"]
        < TARGET_KB_PER_STORY,
        "every real release told (ceilings)": set(result["ceilings"]["statuses"]) == {"complete"},
    }
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "bench_concurrency", markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
