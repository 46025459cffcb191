"""Benchmark: one story of a repository, in-process and through the four services.

Prints JSON. Every figure that matters is a ratio measured in this run, because these
machines are noisy: absolute seconds vary, ratios hold.

- speech real-time factor: seconds of audio per second of synthesis, on one core
  (target: at least 100x), with raw espeak-ng on the same text as the baseline; and
  with what follows speech in the audio task (loudness, limiter, MP3, chapter tags) on
  the same core (target: at least 500x);
- pipeline: end-to-end seconds through gateway, story-worker and audio-worker on an
  embedded Valkey, per stage, against the same stages called in-process;
- the issue's "done when": a story of this repository in under 2 minutes with at least
  2 minutes of speech.

Usage: python scripts/bench_pipeline.py [--repo PATH] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import array
import itertools
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench_report import check_lines, write_section
from codestory.analysis import analyse
from codestory.commands.launcher import ServiceProcess, command_for
from codestory.commands.up import EmbeddedValkey, Supervisor, child_env
from codestory.core.settings import Settings
from codestory.narrative.template import write_script
from codestory.speech.engine import engine
from codestory.speech.loudness import normalise
from codestory.speech.mp3 import encode_mp3
from codestory.speech.render import ChapterText, package_audio, speak_and_encode, spoken_chapters
from codestory.speech.text import speakable
from codestory.story_worker.fetch import fetch_repository

SPEECH_RTF_TARGET = 100.0
PACKAGED_RTF_TARGET = 500.0  # speech plus loudness, limiter, MP3 and tags
ADMIN_TOKEN = secrets.token_urlsafe(32)  # the stack's own: local folders need it
STORY_SECONDS_LIMIT = 120.0
AUDIO_SECONDS_MINIMUM = 120.0


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def in_process(repo: Path, settings: Settings) -> dict[str, Any]:
    """Every stage called directly: the floor the services are measured against."""
    with tempfile.TemporaryDirectory() as work:
        checkout, fetch_s = timed(fetch_repository, str(repo), None, Path(work), settings)
        facts, analyse_s = timed(analyse, checkout, name=repo.name)
    script, narrate_s = timed(write_script, facts)
    speech = engine()
    chapters = [ChapterText(c.title, c.text) for c in script.chapters]
    # Warmed first: a pool process imports the loudness meter once, not once per story.
    normalise(array.array("h", range(-9000, 9000)) * 2, speech.sample_rate)
    # What the audio task does: speak, level and encode each chapter (one stage, as the
    # encoder takes each chapter while the next is spoken), then the last frames and tags.
    encoded, speak_s = timed(
        speak_and_encode,
        speech,
        chapters,
        voice=settings.voice,
        words_per_minute=settings.speech_words_per_minute,
        bitrate_kbps=settings.mp3_bitrate_kbps,
    )
    _rendered, encode_s = timed(package_audio, encoded, title=repo.name)
    # The encoder alone on samples of the same story: the floor of any MP3 path here.
    samples = b"".join(
        spoken.samples.tobytes()
        for spoken, _ in spoken_chapters(
            speech,
            chapters,
            voice=settings.voice,
            words_per_minute=settings.speech_words_per_minute,
        )
    )
    _mp3, mp3_only_s = timed(
        encode_mp3,
        samples,
        sample_rate=speech.sample_rate,
        bitrate_kbps=settings.mp3_bitrate_kbps,
    )
    audio_s = encoded.duration_seconds
    stages = {
        "fetch": fetch_s,
        "analyse": analyse_s,
        "narrate": narrate_s,
        "speak": speak_s,
        "encode": encode_s,
    }
    return {
        "stages": stages,
        "total": sum(stages.values()),
        "audio_seconds": audio_s,
        "mp3_only_seconds": mp3_only_s,
        "chapters": chapters,
        "synthesis_seconds": encoded.speech_seconds,
    }


def speech_rtf(local: dict[str, Any], settings: Settings) -> dict[str, float]:
    """The in-process run's synthesis against one raw espeak-ng call on the same words."""
    chapters: list[ChapterText] = local["chapters"]
    audio, ours = local["audio_seconds"], local["synthesis_seconds"]
    stage = local["stages"]["speak"] + local["stages"]["encode"]
    speech = engine()
    text = " ".join(speakable(f"{c.title}. {c.text}") for c in chapters)
    raw_samples, raw = timed(
        speech.synthesize,
        text,
        voice=settings.voice,
        words_per_minute=settings.speech_words_per_minute,
    )
    raw_audio = len(raw_samples) / speech.sample_rate
    return {
        "audio_seconds": round(audio, 2),
        "synthesis_seconds": round(ours, 3),
        "real_time_factor": round(audio / ours, 1),
        "with_packaging_real_time_factor": round(audio / stage, 1),
        "mp3_encoder_alone_real_time_factor": round(audio / local["mp3_only_seconds"], 1),
        "raw_espeak_real_time_factor": round(raw_audio / raw, 1),
        "overhead_vs_raw_espeak": round((ours / audio) / (raw / raw_audio), 3),
    }


def through_services(repo: Path, data: Path) -> dict[str, Any]:
    """Submit to a real gateway with real workers; time each stage from progress events."""
    port = 18000 + os.getpid() % 1000
    valkey = EmbeddedValkey(data / "valkey")
    valkey.start()
    redis_url = valkey.url(0)
    (data / "logs").mkdir(parents=True, exist_ok=True)
    children = [
        ServiceProcess(
            s,
            command_for(s),
            child_env(
                dict(os.environ),
                *(data, redis_url, s, port),
                admin_token=ADMIN_TOKEN,
                local_roots=[repo],
            ),
            data / "logs" / f"{s}.log",
        )
        for s in ("gateway", "story", "audio")
    ]
    supervisor = Supervisor(children)
    gateway = f"http://127.0.0.1:{port}"
    try:
        supervisor.start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                report = httpx.get(f"{gateway}/health", timeout=2).json()
                served = {q for w in report.get("workers", []) for q in w.get("queues", [])}
                if {"stories", "audio"} <= served:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"services did not start; see {data / 'logs'}")
        first_seen: dict[str, float] = {}
        started = time.perf_counter()
        story_id = httpx.post(
            f"{gateway}/api/v1/stories",
            json={"repository_url": str(repo)},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=30,
        ).json()["id"]
        with (
            httpx.Client(timeout=300) as http,
            http.stream("GET", f"{gateway}/api/v1/stories/{story_id}/events") as stream,
        ):
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                first_seen.setdefault(event["step"], time.perf_counter() - started)
                if event["status"] in {"complete", "failed", "cancelled"}:
                    break
        total = time.perf_counter() - started
        story = httpx.get(f"{gateway}/api/v1/stories/{story_id}", timeout=30).json()
    finally:
        supervisor.stop()
        valkey.stop()
    order = ["queued", "fetch", "analyse", "narrate", "speak", "encode", "upload", "complete"]
    seen = [s for s in order if s in first_seen]
    stages = {a: round(first_seen[b] - first_seen[a], 3) for a, b in itertools.pairwise(seen)}
    return {
        "status": story["status"],
        "end_to_end_seconds": round(total, 3),
        "stages": stages,
        "audio_seconds": story.get("duration_seconds") or 0.0,
        "chapters": len(story.get("chapters", [])),
        "title": story.get("title"),
    }


def markdown(result: dict[str, Any]) -> str:
    services, local, rtf = result["services"], result["in_process"], result["speech"]
    packaged = rtf["with_packaging_real_time_factor"]
    encoder = rtf["mp3_encoder_alone_real_time_factor"]
    rows = "\n".join(
        f"| {name} | {local['stages'].get(name, 0):.3f} | {services['stages'].get(name, 0):.3f} |"
        for name in ("fetch", "analyse", "narrate", "speak", "encode")
    )
    checks = "\n".join(check_lines(result["checks"]))
    return f"""## Pipeline (`scripts/bench_pipeline.py`)

Measured {result["measured_at"]} on {result["machine"]}; repository: {result["repository"]}.

| figure | value |
| --- | --- |
| end to end through the services | {services["end_to_end_seconds"]:.2f} s |
| the same stages in-process (baseline) | {local["total"]:.2f} s |
| services / in-process | {result["ratios"]["services_over_in_process"]:.2f}x |
| speech | {rtf["audio_seconds"]:.0f} s of audio, {len(result["chapter_titles"])} chapters |
| speech real-time factor (one core) | {rtf["real_time_factor"]:.0f}x (target 100x) |
| with loudness, MP3 and tags (one core) | {packaged:.0f}x (target 500x) |
| the MP3 encoder alone on the same samples (baseline) | {encoder:.0f}x |
| raw espeak-ng real-time factor (baseline) | {rtf["raw_espeak_real_time_factor"]:.0f}x |
| our synthesis time / raw espeak-ng time | {rtf["overhead_vs_raw_espeak"]:.2f}x |

Stage seconds (in-process on one core, and through the services, where a stage's time is
the gap between its first progress event and the next stage's):

| stage | in-process | services |
| --- | --- | --- |
{rows}

Checks:
{checks}

Speech with packaging: the target of 500x on one core is below what the MP3 encoder
alone does with real speech at these settings (LAME, quality 5, 64 kbit/s mono), measured
above in the same run, so no MP3 path at this quality can meet it on one core; it is
reported rather than bent. What was done: the peak limiter works on blocks of its 5 ms
window instead of three per-sample sliding filters (the loudness step about halved), and
the loudness meter is imported once per pool process, not in the supervising process.
Across cores, stories package in parallel (one per pool process)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=".", help="a local Git repository (default: this one)")
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    args = parser.parse_args()
    repo = Path(args.repo).resolve()
    settings = Settings(allow_local_paths=True, local_roots=[repo])
    with tempfile.TemporaryDirectory() as data:
        services = through_services(repo, Path(data))
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core from here on
    local = in_process(repo, settings)
    speech = speech_rtf(local, settings)
    result: dict[str, Any] = {
        "benchmark": "pipeline",
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "repository": services.get("title") or repo.name,
        "services": services,
        "in_process": {k: v for k, v in local.items() if k != "chapters"},
        "chapter_titles": [c.title for c in local["chapters"]],
        "speech": speech,
        "ratios": {
            "services_over_in_process": round(services["end_to_end_seconds"] / local["total"], 2),
        },
    }
    result["checks"] = {
        f"speech real-time factor >= {SPEECH_RTF_TARGET:.0f}x on one core": speech[
            "real_time_factor"
        ]
        >= SPEECH_RTF_TARGET,
        f"speech with packaging >= {PACKAGED_RTF_TARGET:.0f}x on one core": speech[
            "with_packaging_real_time_factor"
        ]
        >= PACKAGED_RTF_TARGET,
        f"story of {result['repository']} done in under {STORY_SECONDS_LIMIT:.0f} s": services[
            "status"
        ]
        == "complete"
        and services["end_to_end_seconds"] < STORY_SECONDS_LIMIT,
        f"at least {AUDIO_SECONDS_MINIMUM:.0f} s of speech": services["audio_seconds"]
        >= AUDIO_SECONDS_MINIMUM,
    }
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "bench_pipeline", markdown(result))
    return 0  # a missed target is reported (JSON and docs), not a failed run


if __name__ == "__main__":
    sys.exit(main())
