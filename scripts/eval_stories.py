"""Tell the story of every corpus tree and score it: `make eval`.

For each half of the fixed split (tests/eval/answer_key.py) it reports answer-key accuracy,
the false claims the independent checker (tests/truth/checker.py) finds, minutes of speech,
and how many body sentences follow a stock skeleton shared by more than one story in five.
Results go to docs/story-quality.md (between the markers) and .cache/eval/results.json; the
development half's stories and misses go to .cache/eval/development/ for reading. The
held-out half is reported in numbers only, unless --reveal-held-out is given: changes are
made looking at the development half.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "services")]

from tests.eval.answer_key import (  # noqa: E402
    DEVELOPMENT,
    HELD_OUT,
    Assertion,
    accuracy,
    load_corpus,
    score,
    split,
)
from tests.eval.skeletons import stock_share, stock_skeletons  # noqa: E402
from tests.truth.checker import Checker, Tree  # noqa: E402

from codestory.analysis import analyse  # noqa: E402
from codestory.core.domain import ExpertiseLevel, Style  # noqa: E402
from codestory.core.settings import Settings  # noqa: E402
from codestory.narrative.template import write_script  # noqa: E402

CACHE = ROOT / ".cache"
BEGIN, END = "<!-- eval:begin -->", "<!-- eval:end -->"
REQUIRED = ("ecosystem", "language", "kind", "what", "ways_in", "core", "sha256")
WORDS_PER_MINUTE = Settings.model_fields["speech_words_per_minute"].default
LARGE = 100  # source files: a project this size gets 5 to 8 minutes


@dataclass
class Told:
    """One corpus tree's story and its scores."""

    name: str
    project: str
    minutes: float
    deep_minutes: float
    sources: int  # source files: the length target depends on the project's size
    analysis_seconds: float
    assertions: list[Assertion]
    false_claims: list[str]
    chapters: list[tuple[str, str]]


def tell(key: dict[str, Any]) -> Told:
    name = str(key["name"])
    root = CACHE / "truth" / name
    started = time.perf_counter()
    facts = analyse(root, name=name)
    seconds = time.perf_counter() - started
    overview = write_script(facts)
    deep = write_script(facts, style=Style.DEEP_DIVE, level=ExpertiseLevel.EXPERT)
    chapters = [(c.title, c.text) for c in overview.chapters]
    tree = Tree.read(root)
    findings: list[str] = []
    for script in (overview, deep):
        told = [(c.title, c.text) for c in script.chapters]
        findings += [str(f) for f in Checker(tree, key).check_script(told)]
    return Told(
        name=name,
        project=facts.name,
        minutes=round(overview.words / WORDS_PER_MINUTE, 1),
        sources=sum(1 for m in facts.modules.values() if m.kind == "source"),
        deep_minutes=round(deep.words / WORDS_PER_MINUTE, 1),
        analysis_seconds=round(seconds, 2),
        assertions=score(key, facts, chapters),
        false_claims=findings,
        chapters=chapters,
    )


def summarise(results: list[Told]) -> dict[str, Any]:
    assertions = [a for r in results for a in r.assertions]
    stories = {r.name: (r.project, r.chapters) for r in results}
    minutes = [r.minutes for r in results]
    deep = [r.deep_minutes for r in results]
    missed = Counter(a.name.split(":")[0] for a in assertions if not a.held)
    false_kinds = Counter(claim_class(f) for r in results for f in r.false_claims)
    return {
        "trees": len(results),
        "assertions": len(assertions),
        "accuracy": round(accuracy(assertions), 1),
        "false_claims": sum(len(r.false_claims) for r in results),
        "minutes_median": round(statistics.median(minutes), 1) if minutes else 0,
        "minutes_range": [min(minutes, default=0), max(minutes, default=0)],
        "deep_minutes_median": round(statistics.median(deep), 1) if deep else 0,
        # The length target: 5 to 8 minutes for 100+ source files, at least 3 for the rest.
        "large_minutes": sorted(r.minutes for r in results if r.sources >= LARGE),
        "length_target_met": sum(
            (5 <= r.minutes <= 8) if r.sources >= LARGE else r.minutes >= 3 for r in results
        ),
        "stock_sentence_percent": round(stock_share(stories), 1),
        "stock_skeletons": len(stock_skeletons(stories)),
        "missed_by_kind": dict(missed.most_common()),
        "false_claims_by_class": dict(false_kinds.most_common()),
    }


def claim_class(finding: str) -> str:
    """What kind of claim the checker refuted, without the tree's names or numbers: the held-out
    half may say which classes of claims fail, never which sentences."""
    problem = finding.split("\n", 1)[0]
    problem = re.sub(r"`[^`]*`|'[^']*'|\[[^\]]*\]", "X", problem)
    return re.sub(r"\d[\d,.]*", "N", problem).strip()


def report(halves: dict[str, dict[str, Any]], seconds: float) -> str:
    rows = [
        "| half | trees | assertions | answer-key accuracy | false claims "
        "| minutes (median, range) | deep-dive minutes (median) "
        "| body sentences on a stock skeleton | stock skeletons |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for half, s in halves.items():
        low, high = s["minutes_range"]
        rows.append(
            f"| {half} | {s['trees']} | {s['assertions']} | {s['accuracy']}% "
            f"| {s['false_claims']} | {s['minutes_median']} ({low}-{high}) "
            f"| {s['deep_minutes_median']} | {s['stock_sentence_percent']}% "
            f"| {s['stock_skeletons']} |"
        )
    misses = ["", "Assertions missed, by kind:", ""]
    for half, s in halves.items():
        kinds = ", ".join(f"{k} {n}" for k, n in s["missed_by_kind"].items()) or "none"
        misses.append(f"- {half}: {kinds}")
    misses += ["", "Length (5 to 8 minutes for 100+ source files, at least 3 for the rest):", ""]
    for half, s in halves.items():
        large = ", ".join(str(m) for m in s["large_minutes"]) or "none"
        misses.append(
            f"- {half}: {s['length_target_met']} of {s['trees']} stories on target; "
            f"overview minutes of the large projects: {large}"
        )
    misses += ["", "False claims, by class (names and numbers left out):", ""]
    for half, s in halves.items():
        kinds = "; ".join(f"{k} ({n})" for k, n in s["false_claims_by_class"].items()) or "none"
        misses.append(f"- {half}: {kinds}")
    gap = ""
    if DEVELOPMENT in halves and HELD_OUT in halves:
        development, held_out = halves[DEVELOPMENT]["accuracy"], halves[HELD_OUT]["accuracy"]
        gap = (
            f"\nHeld-out score {held_out}% against development {development}%: "
            f"a gap of {round(development - held_out, 1)} points.\n"
        )
    return "\n".join(
        [BEGIN, f"Measured by `make eval` in {seconds:.0f} s.", "", *rows, *misses, gap, END]
    )


def write_report(path: Path, text: str) -> None:
    old = path.read_text() if path.exists() else ""
    if BEGIN in old and END in old:
        head, _, rest = old.partition(BEGIN)
        _, _, tail = rest.partition(END)
        path.write_text(head + text + tail)
    else:
        path.write_text(old.rstrip() + "\n\n" + text + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="only these trees (default: the corpus)")
    parser.add_argument("--write", type=Path, help="the Markdown file to put the report in")
    parser.add_argument("--reveal-held-out", action="store_true")
    args = parser.parse_args()
    corpus = load_corpus()
    halves = split(corpus)
    chosen = [t for t in corpus if not args.names or t["name"] in args.names]
    started = time.perf_counter()
    results: dict[str, list[Told]] = {DEVELOPMENT: [], HELD_OUT: []}
    shown = CACHE / "eval" / "development"
    shown.mkdir(parents=True, exist_ok=True)
    for key in chosen:
        missing = [f for f in REQUIRED if f not in key]
        if missing or not (CACHE / "truth" / str(key["name"])).is_dir():
            print(f"{key['name']}: skipped, {missing or 'not fetched'} (make eval fetches)")
            continue
        result = tell(key)
        half = halves[key["name"]]
        results[half].append(result)
        if half == DEVELOPMENT or args.reveal_held_out:
            story = "\n\n".join(f"## {t}\n\n{x}" for t, x in result.chapters)
            misses = [a for a in result.assertions if not a.held]
            notes = [f"- MISSED {a.name}: {a.detail}" for a in misses]
            notes += [f"- FALSE {f}" for f in result.false_claims]
            page = story + "\n\n# Findings\n\n" + "\n".join(notes) + "\n"
            (shown / f"{key['name']}.md").write_text(page)
            false = len(result.false_claims)
            print(f"{half:12} {key['name']:24} misses {len(misses)} false {false}")
        else:
            print(f"{half:12} (told)")
    summary = {h: summarise(r) for h, r in results.items() if r}
    seconds = time.perf_counter() - started
    out = CACHE / "eval" / "results.json"
    out.write_text(json.dumps({"summary": summary, "seconds": round(seconds, 1)}, indent=2))
    print(json.dumps(summary, indent=2))
    if args.write:
        write_report(args.write, report(summary, seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
