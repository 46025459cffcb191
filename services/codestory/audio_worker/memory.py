"""Heap a story freed handed back to the system before the pool process waits for the next.

A story's chapters are spoken in threads, and glibc gives each thread a heap of its own:
what a story freed there stays mapped after it ends, about 100 MB per pool process after a
story with hibari (scripts/bench_footprint.py). glibc's malloc_trim returns those free
pages. Where the C library has no malloc_trim (not glibc), nothing is done.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any


@cache
def _malloc_trim() -> Any:
    return getattr(ctypes.CDLL(None), "malloc_trim", None)


def release_free_memory() -> bool:
    """Return freed heap pages to the system; False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
