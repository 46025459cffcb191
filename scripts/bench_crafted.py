"""Benchmark: files crafted to make the work after a parse slow, against real files of the
same size and language, in the same run.

Each crafted file is read the way the analysis reads any file (parse, queries, definitions,
docs, signatures); so is a real file of the same size (real source from the truth trees,
repeated to that size). Target: a crafted file costs at most 5x its real counterpart, so a
hostile tree costs seconds, not minutes. While each crafted file is read, a thread that
wakes every 10 ms notes the longest it had to wait: how long the reading held the GIL in
one stretch, which is what a story's lease keeper (a thread) would have waited.

Usage: python scripts/bench_crafted.py [--runs N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path
from typing import Any

from bench_report import check_lines, write_section
from codestory.analysis.syntax import parse_source

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 5.0  # crafted over real, same size and language
TICK = 0.01
# Where real source of each language comes from: a truth tree and its files' suffix.
REAL = {"JavaScript": ("express", ".js"), "Go": ("cobra", ".go"), "C": ("jq", ".c")}


def real(language: str, tree: str, suffix: str, size: int) -> bytes:
    """Real source of `language` from a truth tree, repeated to `size` bytes."""
    folder = ROOT / ".cache" / "truth" / tree
    assert folder.is_dir(), "run `make truth-trees` first"
    text = b"\n".join(p.read_bytes() for p in sorted(folder.rglob(f"*{suffix}"))[:40])
    return (text * (size // len(text) + 1))[:size]


def crafted_cases() -> list[tuple[str, str, str, bytes]]:
    """(what, language, path, source) of each crafted file."""
    markup = b"/**\n * Reads the thing. " + b"[a {@code :a:`" * 7_000 + b"\n */\n"
    signature = b'function f(a /* c */, b = "' + b"/* " * 33_000 + b'") { return a; }\n'
    return [
        ("JavaScript: a 100 KB comment of unclosed markup", "JavaScript", "a.js",
         markup + b"function read(a) { return a; }\n"),
        ("JavaScript: a signature holding 33,000 unclosed comments", "JavaScript", "a.js",
         signature),
        ("Go: `func (` written 100,000 times (600 KB)", "Go", "a.go",
         b"package main\n" + b"func (" * 100_000 + b"\n"),
        ("JavaScript: 16,000 declarators of one statement under 16,000 comment lines",
         "JavaScript", "a.js", b"// a helper\n" * 16_000 + b"export const "
         + b", ".join(b"f%d = () => 1" % i for i in range(16_000)) + b";\n"),
        ("C: 8,000 mains, each under a self-test guard", "C", "a.c",
         b"".join(b"#ifdef SDS_TEST_MAIN\nint main(void) { return %d; }\n#endif\n" % i
                  for i in range(8_000))),
    ]  # fmt: skip


def timed(language: str, path: str, source: bytes, runs: int) -> tuple[float, float]:
    """Best seconds over `runs` reads, and the longest a ticking thread waited meanwhile."""
    best, longest = float("inf"), 0.0
    for _ in range(runs):
        done = threading.Event()
        waits: list[float] = []

        def tick(done: threading.Event = done, waits: list[float] = waits) -> None:
            last = time.perf_counter()
            while not done.wait(TICK):
                now = time.perf_counter()
                waits.append(now - last - TICK)
                last = now

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        started = time.perf_counter()
        parse_source(path, language, source, 600.0)
        best = min(best, time.perf_counter() - started)
        done.set()
        ticker.join()
        longest = max([longest, *waits])
    return best, longest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for what, language, path, source in crafted_cases():
        tree, suffix = REAL[language]
        normal = real(language, tree, suffix, len(source))
        crafted_seconds, held = timed(language, path, source, args.runs)
        real_seconds, _ = timed(language, path, normal, args.runs)
        rows.append(
            {
                "case": what,
                "kib": round(len(source) / 1024),
                "crafted_s": round(crafted_seconds, 3),
                "real_s": round(real_seconds, 3),
                "ratio": round(crafted_seconds / real_seconds, 2),
                "longest_gil_hold_ms": round(held * 1000),
            }
        )
    print(json.dumps({"benchmark": "crafted", "rows": rows}, indent=2))
    if args.write:
        lines = [
            "## Crafted files (`scripts/bench_crafted.py`)",
            "",
            "Files made to slow the work after a parse, each read as the analysis reads any "
            "file, against real source of the same language repeated to the same size (best "
            f"of {args.runs}). Target: at most {TARGET_RATIO:g}x the real file. The last "
            "column is the longest a thread waking every 10 ms waited while the crafted file "
            "was read: the longest the GIL was held in one stretch, which a story's lease "
            "keeper (renewing every 10 s, its lease lasting 30 s) would have waited.",
            "",
            "| case | KiB | crafted s | real s | ratio | longest GIL hold ms |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {r['case']} | {r['kib']} | {r['crafted_s']} | {r['real_s']} | {r['ratio']}x "
            f"| {r['longest_gil_hold_ms']} |"
            for r in rows
        ]
        lines += ["", "Checks:"]
        limit = f"within {TARGET_RATIO:g}x"
        checks = {f"{r['case']}: {limit}": r["ratio"] <= TARGET_RATIO for r in rows}
        lines += check_lines(checks)
        write_section(args.write, "bench_crafted", "\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
