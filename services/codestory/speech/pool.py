"""Where a story's chapters are spoken: in the caller's thread, or in a few threads at once."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Pending(Protocol[T_co]):
    def result(self) -> T_co: ...


class _Later(Generic[T]):
    """Runs when its result is asked for: one thread speaks, checks in, then speaks on."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work

    def result(self) -> T:
        return self._work()


class ChapterPool:
    """`threads` 1 speaks each chapter when its result is wanted, as a plain loop would.

    More threads start every chapter at once, in order, each in a copy of the caller's
    context (so a chapter's span has the task's span for parent). Leaving the pool, on an
    error or a cancelled story, drops the chapters not started and waits for those started.
    """

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._executor = (
            ThreadPoolExecutor(threads, thread_name_prefix="speak") if threads > 1 else None
        )

    def submit(self, work: Callable[[int], T], index: int) -> Pending[T]:
        if self._executor is None:
            return _Later(lambda: work(index))
        future: Future[T] = self._executor.submit(contextvars.copy_context().run, work, index)
        return future

    def __enter__(self) -> ChapterPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
