"""The audio worker hands the heap its speaking threads freed back to the system."""

from __future__ import annotations

import subprocess
import sys

import pytest

from codestory.audio_worker.memory import release_free_memory

# A thread fills its own heap with small blocks and frees nine in ten: the free pages lie
# between live blocks, so glibc cannot give them back by itself.
CHURN = """
import threading
from codestory.audio_worker.memory import release_free_memory

def resident_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

kept = []

def churn():
    blocks = [bytearray(4096) for _ in range(50_000)]
    kept.extend(blocks[::10])

worker = threading.Thread(target=churn)
worker.start()
worker.join()
before = resident_mb()
released = release_free_memory()
print(released, before - resident_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_heap_freed_by_a_thread_goes_back_to_the_system() -> None:
    answer = subprocess.run(
        [sys.executable, "-c", CHURN], capture_output=True, text=True, check=True
    ).stdout.split()
    assert answer[0] == "True"
    assert float(answer[1]) > 100  # of the 200 MB the thread freed


def test_releasing_twice_is_harmless() -> None:
    assert release_free_memory() == release_free_memory()
