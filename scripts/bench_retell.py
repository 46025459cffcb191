"""Retelling and digests against a first telling, in the same run.

A real release's tree (Flask 3.0.3 from the truth trees) is told cold: analysed with an
empty syntax cache, narrated, spoken with an empty chapter cache. Then one file changes (a
function added to one module) and the story is told again, with the syntax cache and the
chapter cache the first telling left. Then the digest of the two versions is told from
their analyses. Each is timed whole (analysis, narration and the audio stage, encoding
included), best of the rounds, each round in fresh folders.

Target: a retell after a one-file change under a third of the first telling's time.

Usage: python scripts/bench_retell.py [--rounds 2] [--tree .cache/truth/flask]
       [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "services"))

from bench_report import check_lines, write_section
from codestory.analysis import RepoFacts, analyse
from codestory.analysis.changes import compare
from codestory.artifacts.backends import FileArtifactStore
from codestory.audio_worker.chapter_parts import ChapterCache
from codestory.narrative.digest import write_digest
from codestory.narrative.script import Script
from codestory.narrative.template import write_script
from codestory.speech.engine import SpeechEngine
from codestory.speech.render import ChapterText, RenderedAudio, render_story

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1 / 3
ADDED = (
    '\n\ndef _bench_added(value):\n    """Added by the benchmark: one changed file."""\n'
    "    return value\n"
)


def speaker() -> tuple[str, SpeechEngine]:
    """The voice a story gets by default: hibari where installed, else espeak-ng."""
    try:
        from codestory.speech.neural_engine import neural_engine

        return "hibari", neural_engine()
    except Exception:  # hibari missing or failing: the worker's own fallback
        from codestory.speech.engine import engine

        return "espeak-ng", engine(word_gap_ms=30)


def speak(voice: SpeechEngine, script: Script, cache: ChapterCache) -> RenderedAudio:
    return render_story(
        voice,
        [ChapterText(c.title, c.text) for c in script.chapters],
        title=script.title,
        voice="en-us",
        words_per_minute=165,
        shared=cache,
    )


def tell(
    tree: Path, syntax_cache: Path, voice: SpeechEngine, cache: ChapterCache
) -> tuple[float, RepoFacts, RenderedAudio]:
    began = time.perf_counter()
    facts = analyse(tree, name="flask", syntax_cache=syntax_cache)
    audio = speak(voice, write_script(facts), cache)
    return time.perf_counter() - began, facts, audio


def one_round(source: Path, voice: SpeechEngine) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        tree = work / "tree"
        shutil.copytree(source, tree)
        cache = ChapterCache(FileArtifactStore(work / "artifacts"))
        cold, before, first = tell(tree, work / "syntax", voice, cache)
        changed = tree / "src" / "flask" / "helpers.py"
        changed.write_text(changed.read_text() + ADDED)
        retold, after, second = tell(tree, work / "syntax", voice, cache)
        began = time.perf_counter()
        digest = write_digest(
            compare(before, after), since="3.0.3", until="3.0.3+1", repository="flask"
        )
        speak(voice, digest, cache)
        digest_seconds = time.perf_counter() - began
    return {
        "cold": cold,
        "retell": retold,
        "digest": digest_seconds,
        "chapters": len(second.chapters),
        "reused": len(second.reused),
        "minutes": first.duration_seconds / 60,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tree", type=Path, default=ROOT / ".cache" / "truth" / "flask")
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    args = parser.parse_args()
    if not args.tree.is_dir():
        print(f"no tree at {args.tree}: run `make truth-trees` first", file=sys.stderr)
        return 2
    name, voice = speaker()
    rounds = [one_round(args.tree, voice) for _ in range(args.rounds)]
    best = {key: min(r[key] for r in rounds) for key in ("cold", "retell", "digest")}
    last = rounds[-1]
    ratio = best["retell"] / best["cold"]
    checks = {"a retell after a one-file change under a third of a first telling": ratio < TARGET}
    lines = [
        "## Retelling and digests (`scripts/bench_retell.py`)",
        "",
        f"Flask 3.0.3 told cold, then again after one file changed (a function added to "
        f"`src/flask/helpers.py`), then the digest of the two; analysis, narration and the "
        f"audio stage with {name}, encoding included; best of {args.rounds} rounds, each in "
        "fresh folders, in one run. Target: the retell under a third of the first telling.",
        "",
        "| telling | seconds | / first telling |",
        "| --- | --- | --- |",
        f"| first (empty syntax and chapter caches) | {best['cold']:.2f} | 1.00 |",
        f"| retell after one changed file | {best['retell']:.2f} | {ratio:.2f} |",
        f"| digest of the two | {best['digest']:.2f} | {best['digest'] / best['cold']:.2f} |",
        "",
        f"The story is {last['minutes']:.1f} minutes long; the retell took "
        f"{last['reused']} of its {last['chapters']} chapters from the chapter cache and "
        "parsed again only the changed file.",
        "",
        *check_lines(checks),
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "bench_retell", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
