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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import redis

from bench_gateway import HOST, free_port
from bench_report import check_lines, write_section
from codestory.store import StoryStore, make_client
from loadgen import percentile_ms

TARGET_KB_PER_STORY = 200.0
DEADLINE_SECONDS = 600.0
TERMINAL = {"complete", "failed", "cancelled"}

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


def measure(count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        project = write_project(Path(scratch) / "tally")
        port = free_port()
        env = {**os.environ, "CODESTORY_LOG_LEVEL": "WARNING"}
        argv = [sys.executable, "-m", "codestory", "up", "--data-dir", str(data)]
        argv += ["--port", str(port)]
        log = (Path(scratch) / "up.log").open("wb")
        process = subprocess.Popen(
            argv, env=env, cwd=scratch, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            base = f"http://{HOST}:{port}"
            token = wait_for_file(data / "admin-token", process)
            url = wait_for_file(data / "redis-url", process)
            records = redis.Redis.from_url(url)
            store = StoryStore(make_client(url))
            wait_serving(base, process)
            warm = [submit(base, token, project)]  # fills the analysis and audio caches
            wait_all(store, warm)
            started = time.monotonic()
            alone = [submit(base, token, project)]
            wait_all(store, alone)
            baseline = summarise(store, alone, time.monotonic() - started)
            before = int(records.info("memory")["used_memory"])
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=16) as pool:
                ids = list(pool.map(lambda _: submit(base, token, project), range(count)))
            wait_all(store, ids)
            wall = time.monotonic() - started
            after = int(records.info("memory")["used_memory"])
            crowd = summarise(store, ids, wall)
            crowd["redis_kb_per_story"] = round((after - before) / 1024 / count, 1)
            return {"alone": baseline, "crowd": crowd}
        finally:
            os.killpg(process.pid, 2)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
            log.close()


def said(statuses: dict[str, int]) -> str:
    return ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))


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
        "what KEDA's queue-length triggers turn into more workers. Not yet measured here: the "
        "ceilings of one story worker and one audio worker with real stages.",
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
    }
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "bench_concurrency", markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
