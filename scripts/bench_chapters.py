"""Benchmark: the audio stage (hibari), levelled per chapter and encoded as chapters come,
against the whole story levelled and encoded at the end, one chapter at a time and several.

The three fixed stories (scripts/voice_stories/*.json) go through two paths:
- `chapter` (the audio worker's): each chapter levelled to -16 LUFS in the thread that
  spoke it, fed in story order to one MP3 encoder while later chapters are spoken, tags;
- `story` (the baseline, how the worker did it before): every chapter spoken, the whole
  story levelled at once, then encoded and tagged.
Each path runs with one chapter at a time and with as many as the CPUs this process may
use, every run in a fresh process (hibari loaded and warmed before the clock starts), in
alternating rounds in the same run; medians are compared. Figures: wall time (what a
listener waits), process CPU time (what the chart's CPU limit pays for), real time per
core (audio seconds over CPU seconds: the stage's cost whatever the cores), and the
process's peak memory above what it held once hibari was loaded (VmHWM minus VmRSS). The
load average is reported beside them: on a busy machine the second core is not free.

How the two levellings sound, from the MP3s decoded: the story's integrated loudness, the
spread between its loudest and quietest chapter, and its true peak (4x oversampled).

Targets (the `chapter` path):
- the same MP3 bytes with N chapters at once as with one;
- at least 30x real time per core, encoding included;
- CPU time with N at once at most 10% more than one at a time (threads share one model);
- wall time with N at once at most 85% of one at a time when at least two CPUs are free
  (load average below CPUs minus one), else reported only;
- peak memory that grows with a chapter, not the story: on the longest story told twice
  over (twice the audio, the same chapters), at most 15% above its peak on the stories
  themselves (the `story` path's growth is reported beside it);
- every story within 1 LU of -16 LUFS, true peak at most -1 dBTP.

Usage: python scripts/bench_chapters.py [--rounds 3] [--workers N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import array
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_report import check_lines, write_section

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "scripts" / "voice_stories"
WORDS_PER_MINUTE = 165
BITRATE_KBPS = 64
PATHS = ("story", "chapter")  # baseline first
CPU_RATIO_TARGET = 1.10
WALL_RATIO_TARGET = 0.85
RTF_PER_CORE_TARGET = 30.0
PEAK_GROWTH_TARGET = 1.15  # the peak on a story twice as long, against the stories'
LOUDNESS_TOLERANCE_LU = 1.0
TRUE_PEAK_CEILING_DBTP = -1.0


def memory_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def whole_story_levelled(engine: Any, chapters: list[Any], title: str, workers: int) -> bytes:
    """The baseline: every chapter spoken, then the whole story levelled, encoded, tagged."""
    from codestory.speech.chapters import TimedChapter
    from codestory.speech.loudness import normalise
    from codestory.speech.mp3 import encode_mp3, tag_chapters
    from codestory.speech.render import spoken_chapters

    rate = engine.sample_rate
    samples: array.array[int] = array.array("h")
    timed = []
    for chapter, (spoken, _) in zip(
        chapters,
        spoken_chapters(
            engine,
            chapters,
            voice="en-us",
            words_per_minute=WORDS_PER_MINUTE,
            workers=workers,
            level=False,
        ),
        strict=True,
    ):
        start = len(samples) / rate
        samples.extend(spoken.samples)
        timed.append(TimedChapter(chapter.title, chapter.text, start, len(spoken.samples) / rate))
    levelled = normalise(samples, rate)
    mp3 = encode_mp3(levelled.tobytes(), sample_rate=rate, bitrate_kbps=BITRATE_KBPS)
    return tag_chapters(mp3, title=title, chapters=timed)


def stories(twice: bool) -> list[tuple[str, dict[str, Any]]]:
    """The fixed stories, or (`twice`) only the longest, its chapters told twice over."""
    found = [(f.stem, json.loads(f.read_text())) for f in sorted(STORIES.glob("*.json"))]
    if not twice:
        return found
    name, longest = max(found, key=lambda s: sum(len(c["text"]) for c in s[1]["chapters"]))
    return [(f"{name}-twice", {**longest, "chapters": longest["chapters"] * 2})]


def child(path: str, workers: int, out: Path, twice: bool = False) -> dict[str, Any]:
    """One round of one path in this (fresh) process; the MP3s are written under `out`."""
    from codestory.speech.loudness import normalise
    from codestory.speech.mp3 import duration_seconds
    from codestory.speech.neural_engine import neural_engine
    from codestory.speech.render import ChapterText, render_story

    engine = neural_engine()
    warm = engine.synthesize("Warming up.", voice="en-us", words_per_minute=WORDS_PER_MINUTE)
    normalise(warm * 4, engine.sample_rate)  # the loudness meter imported, as in a pool process
    loaded = memory_mb("VmRSS")
    wall, cpu, audio_seconds, digests = 0.0, 0.0, 0.0, {}
    for name, story in stories(twice):
        chapters = [ChapterText(c["title"], c["text"]) for c in story["chapters"]]
        began, began_cpu = time.perf_counter(), time.process_time()
        if path == "story":
            mp3 = whole_story_levelled(engine, chapters, story["title"], workers)
        else:
            mp3 = render_story(
                engine,
                chapters,
                title=story["title"],
                voice="en-us",
                words_per_minute=WORDS_PER_MINUTE,
                bitrate_kbps=BITRATE_KBPS,
                workers=workers,
            ).mp3
        wall += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
        audio_seconds += duration_seconds(mp3)
        (out / f"{name}.mp3").write_bytes(mp3)
        digests[name] = hashlib.sha256(mp3).hexdigest()
    return {
        "wall": wall,
        "cpu": cpu,
        "audio_seconds": audio_seconds,
        "loaded_mb": loaded,
        "peak_mb": memory_mb("VmHWM") - loaded,
        "digests": digests,
    }


def run_child(path: str, workers: int, out: Path, twice: bool = False) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", path, str(workers), str(out)]
    command += ["--twice"] if twice else []
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def loudness_of(mp3_file: Path) -> dict[str, float]:
    """Integrated LUFS, the spread between chapters (LU), and the true peak (dBTP)."""
    import numpy as np
    import soundfile
    from scipy.signal import resample_poly

    from codestory.speech.loudness import integrated_loudness
    from codestory.speech.mp3 import read_chapters

    mp3 = mp3_file.read_bytes()
    decoded, rate = soundfile.read(io.BytesIO(mp3))
    chapters = [
        integrated_loudness(decoded[round(start * rate) : round(end * rate)], rate)
        for _, start, end in read_chapters(mp3)
    ]
    measured = [c for c in chapters if np.isfinite(c)]
    true_peak = float(np.max(np.abs(resample_poly(decoded, 4, 1))))
    return {
        "lufs": integrated_loudness(decoded, rate),
        "spread_lu": max(measured) - min(measured),
        "true_peak_dbtp": 20 * float(np.log10(true_peak)),
    }


def markdown(result: dict[str, Any]) -> str:
    many = result["many"]
    lines = [
        "## Chapters spoken at once, levelled and encoded as they come "
        "(hibari, `scripts/bench_chapters.py`)",
        "",
        f"{result['cpus']} CPUs, load average {result['load_before']} before and "
        f"{result['load_after']} after; {result['audio_seconds']:g} s of audio in 3 stories; "
        f"median of {result['rounds']} rounds, each run in a fresh process. `chapter`: each "
        "chapter levelled as soon as it is spoken and encoded in story order while the next "
        "are spoken (the audio worker's path); `story` (baseline): the whole story levelled, "
        "then encoded, after the last chapter. Peak: the process's high-water mark above "
        "what it held with hibari loaded.",
        "",
        "| path | chapters at once | wall s | CPU s | x real time (wall) "
        "| x real time per core | peak MB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in result["runs"]:
        lines.append(
            f"| {row['path']} | {row['workers']} | {row['wall']} | {row['cpu']} | "
            f"{row['rtf_wall']} | {row['rtf_per_core']} | {row['peak_mb']} |"
        )
    twice = result["twice"]
    lines += [
        "",
        f"Peak memory on the longest story told twice over "
        f"({twice['chapter']['audio_seconds']:g} s of audio, the same chapters; one chapter "
        "at a time): "
        + ", ".join(
            f"`{p}` {t['peak_mb']} MB ({result['peak_growth'][p]:.0%} of its peak on the stories)"
            for p, t in twice.items()
        )
        + ".",
        "",
        "How each levelling sounds (the MP3s decoded; spread: loudest chapter minus quietest):",
        "",
        "| story | path | LUFS | chapter spread LU | true peak dBTP |",
        "| --- | --- | --- | --- | --- |",
    ]
    for story, paths in result["loudness"].items():
        for path, figures in paths.items():
            lines.append(
                f"| {story} | {path} | {figures['lufs']:.2f} | {figures['spread_lu']:.2f} | "
                f"{figures['true_peak_dbtp']:.2f} |"
            )
    lines += ["", *check_lines(result["checks"])]
    if not result["wall_checked"]:
        lines.append(
            f"- not checked: wall time with {many} at once "
            f"({result['wall_ratio']:.0%} of one at a time), no CPU was free "
            "(load average at or above CPUs minus one)"
        )
    return "\n".join(lines)


def main() -> int:
    from codestory.core.cpus import available_cpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="0: the CPUs allowed")
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    parser.add_argument("--twice", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--child", nargs=3, metavar=("PATH", "WORKERS", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        path, workers, out = args.child
        print(json.dumps(child(path, int(workers), Path(out), args.twice)))
        return 0
    cpus = available_cpus()
    many = args.workers or max(cpus, 2)
    load_before = round(os.getloadavg()[0], 2)
    variants = [(path, workers) for path in PATHS for workers in (1, many)]
    taken: dict[tuple[str, int], list[dict[str, Any]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(args.rounds):
            # Alternating order, so neither path always runs on the quieter half of a round.
            for path, workers in variants if round_number % 2 == 0 else variants[::-1]:
                out = Path(scratch) / f"{path}-{workers}-{round_number}"
                taken[(path, workers)].append(run_child(path, workers, out))
        # Memory only: each path on the longest story told twice, one chapter at a time.
        twice = {p: run_child(p, 1, Path(scratch) / f"{p}-twice", twice=True) for p in PATHS}
        loudness = {
            mp3.stem: {
                path: loudness_of(Path(scratch) / f"{path}-1-0" / mp3.name) for path in PATHS
            }
            for mp3 in sorted((Path(scratch) / "chapter-1-0").glob("*.mp3"))
        }
    load_after = round(os.getloadavg()[0], 2)
    audio_seconds = taken[variants[0]][0]["audio_seconds"]
    runs = []
    for (path, workers), rounds in taken.items():
        wall = statistics.median(r["wall"] for r in rounds)
        cpu = statistics.median(r["cpu"] for r in rounds)
        runs.append(
            {
                "path": path,
                "workers": workers,
                "wall": round(wall, 2),
                "cpu": round(cpu, 2),
                "rtf_wall": round(audio_seconds / wall, 1),
                "rtf_per_core": round(audio_seconds / cpu, 1),
                "peak_mb": round(max(r["peak_mb"] for r in rounds)),
                "loaded_mb": round(statistics.median(r["loaded_mb"] for r in rounds)),
            }
        )
    row = {(r["path"], r["workers"]): r for r in runs}
    one, several = row[("chapter", 1)], row[("chapter", many)]
    wall_ratio = several["wall"] / one["wall"]
    cpu_ratio = several["cpu"] / one["cpu"]
    growth = {p: twice[p]["peak_mb"] / row[(p, 1)]["peak_mb"] for p in PATHS}
    slowest = min(one["rtf_per_core"], several["rtf_per_core"])
    digests = [r["digests"] for r in taken[("chapter", 1)] + taken[("chapter", many)]]
    level = [f["chapter"] for f in loudness.values()]
    free = max(load_before, load_after) < cpus - 1
    checks = {
        f"{many} chapters at once give the same MP3 bytes as one": all(
            d == digests[0] for d in digests
        ),
        f"at least {RTF_PER_CORE_TARGET:g}x real time per core, encoding included "
        f"({slowest:g}x)": slowest >= RTF_PER_CORE_TARGET,
        f"CPU time at most {CPU_RATIO_TARGET:.0%} of one at a time ({cpu_ratio:.0%})": (
            cpu_ratio <= CPU_RATIO_TARGET
        ),
        f"peak memory on a story twice as long at most {PEAK_GROWTH_TARGET:.0%} of the "
        f"stories' ({growth['chapter']:.0%}; the whole story levelled at once: "
        f"{growth['story']:.0%})": growth["chapter"] <= PEAK_GROWTH_TARGET,
        f"every story within {LOUDNESS_TOLERANCE_LU:g} LU of -16 LUFS": all(
            abs(f["lufs"] + 16) <= LOUDNESS_TOLERANCE_LU for f in level
        ),
        f"true peak at most {TRUE_PEAK_CEILING_DBTP:g} dBTP": all(
            f["true_peak_dbtp"] <= TRUE_PEAK_CEILING_DBTP for f in level
        ),
    }
    wall_check = (
        f"wall time with {many} at once at most {WALL_RATIO_TARGET:.0%} of one at a time "
        f"({wall_ratio:.0%})"
    )
    if free:
        checks[wall_check] = wall_ratio <= WALL_RATIO_TARGET
    result = {
        "cpus": cpus,
        "many": many,
        "rounds": args.rounds,
        "audio_seconds": round(audio_seconds, 1),
        "load_before": load_before,
        "load_after": load_after,
        "runs": runs,
        "loudness": {
            story: {p: {k: round(v, 2) for k, v in f.items()} for p, f in paths.items()}
            for story, paths in loudness.items()
        },
        "wall_ratio": round(wall_ratio, 3),
        "cpu_ratio": round(cpu_ratio, 3),
        "twice": {
            p: {"audio_seconds": round(t["audio_seconds"], 1), "peak_mb": round(t["peak_mb"])}
            for p, t in twice.items()
        },
        "peak_growth": {p: round(g, 3) for p, g in growth.items()},
        "wall_checked": free,
        "checks": checks,
    }
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "bench_chapters", markdown(result))
    return 0  # a missed target is reported (JSON and docs), not a failed run


if __name__ == "__main__":
    sys.exit(main())
