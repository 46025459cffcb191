"""Benchmark: `codestory probe liveness` against a bare Python start in the same run.

The probe runs in every worker pod every few seconds, so it must stay cheap: the target
is under 50 ms per call. Interpreter start-up is most of that and varies by machine, so
the figure that carries across machines is the probe's cost over `python -c pass`.

Usage: python scripts/bench_probe.py [--runs N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_report import write_section

TARGET_MS = 50.0


def median_ms(command: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=False, capture_output=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    probe = shutil.which("codestory", path=str(Path(sys.executable).parent))
    assert probe, "install the package first (make test does)"
    with tempfile.TemporaryDirectory() as heartbeat:
        (Path(heartbeat) / "alive").write_text("1")
        env = {**os.environ, "CODESTORY_HEARTBEAT_DIR": heartbeat}
        baseline = median_ms([sys.executable, "-c", "pass"], env, args.runs)
        probe_ms = median_ms([probe, "probe", "liveness"], env, args.runs)
        # What a slow probe would look like: importing Celery, as a naive one might.
        celery_ms = median_ms(
            [sys.executable, "-c", "import celery.app"], env, max(args.runs // 4, 5)
        )
    result: dict[str, Any] = {
        "benchmark": "probe",
        "runs": args.runs,
        "python_start_ms": round(baseline, 1),
        "probe_ms": round(probe_ms, 1),
        "probe_over_python_start_ms": round(probe_ms - baseline, 1),
        "probe_over_python_start_ratio": round(probe_ms / baseline, 2),
        "importing_celery_ms": round(celery_ms, 1),
        "checks": {f"probe under {TARGET_MS:.0f} ms": probe_ms < TARGET_MS},
    }
    print(json.dumps(result, indent=2))
    if args.write:
        section = f"""## Probe (`scripts/bench_probe.py`)

Median of {args.runs} runs. `codestory probe liveness` is the workers' exec probe.

| command | ms |
| --- | --- |
| `python -c pass` (baseline) | {baseline:.1f} |
| `codestory probe liveness` | {probe_ms:.1f} |
| probe / baseline | {probe_ms / baseline:.2f}x |
| `python -c "import celery.app"` (what the probe avoids) | {celery_ms:.1f} |

Check: {"PASS" if probe_ms < TARGET_MS else "FAIL"}: under {TARGET_MS:.0f} ms."""
        write_section(args.write, "bench_probe", section)
    return 0 if probe_ms < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
