"""Analysis holds a head per file, not the files: 100 MB of text costs the worker a few MB
(the first release held every file up to 2 MB in memory: 480 MB of text, 494 MB RSS)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PEAK = """
import resource, sys
from pathlib import Path
from codestory.analysis.facts import analyse
analyse(Path(sys.argv[1]), name="t", processes=1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_mb(root: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(root)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


def project(root: Path, data_files: int) -> Path:
    root.mkdir()
    (root / "main.py").write_text('"""A tool."""\n\n\ndef main() -> int:\n    return 1\n')
    block = "a line of data that nobody needs to keep in memory, 0123456789\n" * 30_000
    for n in range(data_files):  # about 1.9 MB each, under the 2 MB read limit
        (root / f"data{n:03}.txt").write_text(block)
    return root


def test_a_hundred_megabytes_of_text_is_not_held_in_memory(tmp_path: Path) -> None:
    small = peak_mb(project(tmp_path / "small", 1))
    large = peak_mb(project(tmp_path / "large", 53))
    assert large - small < 25, f"peak RSS grew {large - small} MB for 100 MB more text"
