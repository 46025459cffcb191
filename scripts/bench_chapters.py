"""Benchmark: the audio stage with a story's chapters spoken one at a time and several at once.

The three fixed stories (scripts/voice_stories/*.json) go through the audio worker's own
path (speak_chapters, then loudness, MP3 and chapter tags) with hibari, first with one
chapter at a time (the baseline), then with as many as the CPUs this process may use, in
alternating rounds in the same run. The median of each is compared: wall time (what a
listener waits) and process CPU time (what the chart's CPU limit pays for). The load
average is reported beside them: on a busy machine the second core is not free, and the
wall-time gain shrinks towards none.

Targets (with N chapters at once, against one at a time in the same run):
- the same MP3 bytes;
- CPU time at most 10% more (threads share one model; they add no work);
- wall time at most 85% of the baseline's when at least two CPUs are free (load average
  below CPUs minus one), else reported only.

Usage: python scripts/bench_chapters.py [--rounds 3] [--workers N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench_report import check_lines, write_section

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "scripts" / "voice_stories"
WORDS_PER_MINUTE = 165
CPU_RATIO_TARGET = 1.10
WALL_RATIO_TARGET = 0.85  # speech is about half the stage; levelling and encoding follow it


def audio_stage(workers: int) -> tuple[float, float, float, list[bytes]]:
    """Wall seconds, CPU seconds and audio seconds to render every story; the MP3s."""
    from codestory.speech.neural_engine import neural_engine
    from codestory.speech.render import ChapterText, package_audio, speak_chapters

    engine = neural_engine()
    wall, cpu, audio_seconds, mp3s = 0.0, 0.0, 0.0, []
    for path in sorted(STORIES.glob("*.json")):
        story = json.loads(path.read_text())
        chapters = [ChapterText(c["title"], c["text"]) for c in story["chapters"]]
        began, began_cpu = time.perf_counter(), time.process_time()
        samples, timed, _ = speak_chapters(
            engine, chapters, voice="en-us", words_per_minute=WORDS_PER_MINUTE, workers=workers
        )
        audio = package_audio(
            samples, timed, title=story["title"], sample_rate=engine.sample_rate, bitrate_kbps=64
        )
        wall += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
        audio_seconds += audio.duration_seconds
        mp3s.append(audio.mp3)
    return wall, cpu, audio_seconds, mp3s


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "## Chapters spoken at once (hibari, scripts/bench_chapters.py)",
        "",
        f"{result['cpus']} CPUs, load average {result['load_before']} before and "
        f"{result['load_after']} after; median of {result['rounds']} rounds.",
        "",
        "| chapters at once | wall s | CPU s | audio stage x real time (wall) |",
        "| --- | --- | --- | --- |",
    ]
    for row in result["runs"]:
        lines.append(f"| {row['workers']} | {row['wall']} | {row['cpu']} | {row['rtf']} |")
    lines += ["", *check_lines(result["checks"])]
    if not result["wall_checked"]:
        lines.append(
            f"- not checked: wall time ({result['wall_ratio']:.0%} of one at a time), "
            "no CPU was free (load average at or above CPUs minus one)"
        )
    return "\n".join(lines)


def main() -> int:
    from codestory.core.cpus import available_cpus
    from codestory.speech.neural_engine import neural_engine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="0: the CPUs allowed")
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    args = parser.parse_args()
    cpus = available_cpus()
    many = args.workers or max(cpus, 2)
    load_before = round(os.getloadavg()[0], 2)
    neural_engine()  # loaded before either is timed
    audio_stage(1)  # and warmed up
    samples: dict[int, list[tuple[float, float]]] = {1: [], many: []}
    audio_seconds, same = 0.0, True
    for _ in range(args.rounds):
        first = None
        for workers in (1, many):
            wall, cpu, audio_seconds, mp3s = audio_stage(workers)
            samples[workers].append((wall, cpu))
            first = first or mp3s
            same = same and mp3s == first
    load_after = round(os.getloadavg()[0], 2)
    runs = []
    for workers, taken in samples.items():
        wall = statistics.median(w for w, _ in taken)
        cpu = statistics.median(c for _, c in taken)
        runs.append(
            {
                "workers": workers,
                "wall": round(wall, 2),
                "cpu": round(cpu, 2),
                "rtf": round(audio_seconds / wall, 1),
            }
        )
    wall_ratio = runs[1]["wall"] / runs[0]["wall"]
    cpu_ratio = runs[1]["cpu"] / runs[0]["cpu"]
    free = max(load_before, load_after) < cpus - 1
    checks = {
        f"{many} chapters at once give the same MP3 bytes as one": same,
        f"CPU time at most {CPU_RATIO_TARGET:.0%} of one at a time ({cpu_ratio:.0%})": (
            cpu_ratio <= CPU_RATIO_TARGET
        ),
    }
    wall_check = f"wall time at most {WALL_RATIO_TARGET:.0%} of one at a time ({wall_ratio:.0%})"
    if free:
        checks[wall_check] = wall_ratio <= WALL_RATIO_TARGET
    result = {
        "cpus": cpus,
        "rounds": args.rounds,
        "audio_seconds": round(audio_seconds, 1),
        "load_before": load_before,
        "load_after": load_after,
        "runs": runs,
        "wall_ratio": round(wall_ratio, 3),
        "cpu_ratio": round(cpu_ratio, 3),
        "wall_checked": free,
        "checks": checks,
    }
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "bench_chapters", markdown(result))
    return 0  # a missed target is reported (JSON and docs), not a failed run


if __name__ == "__main__":
    sys.exit(main())
