"""The cyclic garbage collector, paused while an analysis builds its data.

An analysis makes a few hundred thousand small objects (definitions, calls, imports) that
live until it ends and form almost no reference cycles: reference counting frees them.
Yet every full collection walks all of them, and their very number sets one off again and
again: a quarter of a one-file retell's time, more of a cold analysis, went there. Paused,
the few cycles made meanwhile (about a hundred objects over the standard library) wait
for the next collection after the analysis.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


def collector_paused(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """`function` with the cyclic collector off while it runs; on again after, if it was
    on before (an overlapping call in another thread may turn it on early: slower, no
    harm)."""

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        was_on = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_on:
                gc.enable()

    return paused
