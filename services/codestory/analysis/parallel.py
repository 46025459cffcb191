"""Parse many files on several cores: tree-sitter parsing is most of an analysis's time.

Each file is parsed on its own, so the work splits cleanly across processes: this one and
workers beside it. Small repositories stay in-process, where starting workers would cost
more than it saves.
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.forkserver
import sys
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from codestory.analysis.collector import collector_paused
from codestory.analysis.surface import surface_of
from codestory.analysis.syntax import FileSyntax, parse_source
from codestory.analysis.syntax_cache import SyntaxCache, blob_id
from codestory.analysis.syntax_rows import pack, unpack
from codestory.analysis.walk import MAX_TEXT_BYTES, AnalysisStoppedError
from codestory.core.cpus import available_cpus

# What a parse worker needs imported before its first file: this module and what it imports.
WORKER_MODULES = [__name__]
PARALLEL_MIN_FILES = 200  # below this, one process is faster than starting several
CHUNK_FILES = 8  # small, so the processes finish close together

# path, language, the file on disk, seconds allowed, the syntax cache to keep the result
# in. The file, not its text: a worker reads it itself, so no text is held by the parent or
# pickled between processes.
Job = tuple[str, str, Path, float | None, SyntaxCache | None]
Parsed = tuple[str, FileSyntax | None, bool]  # path, syntax, whether parsing failed


def largest_at_both_ends(sizes: list[int]) -> list[int]:
    """The indices of `sizes` in the order to hand them out: the largest at both ends, the
    smallest in the middle (equal sizes keep their order).

    The workers take files from the front and this process from the back, so both begin
    with the longest and meet at the shortest: neither waits long for the other's last
    file. In the order of their paths, a 400 KB file could come last to one side and keep
    the other CPU idle for a third of a second.
    """
    ranked = sorted(range(len(sizes)), key=lambda index: -sizes[index])
    return ranked[0::2] + ranked[1::2][::-1]


def parse_one(job: Job) -> Parsed:
    """One file; a file the parser chokes on (too slow, too deep, broken) is counted as
    failed, never fatal: RecursionError and ParseTimeoutError are RuntimeErrors."""
    path, parsed, failed, _ = _parse_and_keep(job)
    return path, parsed, failed


def _parse_and_keep(job: Job) -> tuple[str, FileSyntax | None, bool, bytes | None]:
    """`parse_one`, and the file's packed row where it is kept (`syntax_rows.pack`)."""
    path, language, file, seconds, keep = job
    try:
        with file.open("rb") as handle:
            source = handle.read(MAX_TEXT_BYTES)
        parsed = parse_source(path, language, source, seconds)
        if parsed is None or keep is None:
            return path, parsed, False, None
        parsed.surface = surface_of(parsed)  # kept with it: a retell reads, never makes it
        packed = pack(parsed)
        keep.save_packed(language, blob_id(source), packed)
        return path, parsed, False, packed
    except (ValueError, RuntimeError, OSError):
        return path, None, True, None


@collector_paused
def _parse_chunk(jobs: list[Job]) -> list[tuple[str, bytes | None, bool]]:
    """In a worker: files parsed and handed back packed (`syntax_rows.pack`): bytes cross
    between processes as one copy, where pickling rows took the worker twice as long and
    the packed row is read back as fast. A file packed to be kept is handed back as kept."""
    handed: list[tuple[str, bytes | None, bool]] = []
    for path, parsed, failed, packed in map(_parse_and_keep, jobs):
        if packed is None and parsed is not None:
            packed = pack(parsed)
        handed.append((path, packed, failed))
    return handed


def _read_back(rows: list[tuple[str, bytes | None, bool]]) -> list[Parsed]:
    return [(path, None if row is None else unpack(row), failed) for path, row, failed in rows]


def _cached(cache: SyntaxCache, language: str, file: Path) -> FileSyntax | None:
    try:
        with file.open("rb") as handle:
            return cache.load(language, blob_id(handle.read(MAX_TEXT_BYTES)))
    except OSError:
        return None


@contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process (a Celery prefork child) start the parse workers.

    multiprocessing refuses because a daemon's children could outlive it. Here they cannot
    linger: the pool is joined before this returns, and if the worker is killed outright
    its parse workers find their task pipe closed and exit. Celery's process library also
    leaves its own kind of auth key behind, which the standard library cannot hand on, so
    the same key is wrapped the standard way for as long as the pool runs.
    """
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    saved = dict(config)
    config["daemon"] = False
    if "authkey" in config:
        key = bytes(config["authkey"])
        config["authkey"] = multiprocessing.process.AuthenticationString(key)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        config.clear()
        config.update(saved)


@contextmanager
def _lean_workers() -> Iterator[None]:
    """Start the parse workers with the parsing code alone imported.

    multiprocessing would have each new process import the parent's `__main__` again (the
    forkserver does it once for the workers forked from it): a Celery worker's, a
    script's, so the whole analysis and more. That kept a fresh process's parse worker from
    its first file for about a third of a second, while the parent parsed alone. The
    workers only ever run this module's functions on paths and numbers, so the forkserver
    imports this module instead, and `__main__` is held back while workers start (each
    start reads it at once, in this thread).
    """
    multiprocessing.forkserver.set_forkserver_preload(WORKER_MODULES)
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")  # no file: nothing to import
    try:
        yield
    finally:
        if main is None:
            del sys.modules["__main__"]
        else:
            sys.modules["__main__"] = main


def prestart(processes: int = 0) -> None:
    """Start the process the parse workers are forked from, when they may be needed, so
    that its start overlaps the walk of the tree instead of holding up the parse. It
    serves every later analysis of this process too."""
    if (processes or available_cpus()) > 1:
        with _lean_workers():
            multiprocessing.forkserver.ensure_running()


def parse_many(
    jobs: list[tuple[str, str, Path]],
    processes: int = 0,
    *,
    seconds_per_file: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    cache: SyntaxCache | None = None,
    keep: SyntaxCache | None = None,
    blobs: dict[str, str] | None = None,
    sizes: dict[str, int] | None = None,
) -> Iterator[Parsed]:
    """Parse every job, in order; `processes` 0 means as many as the CPUs allow.

    `should_stop` is asked between files (and between chunks of files when parsing in
    parallel); when it answers True, AnalysisStoppedError ends the work at once. Files
    `cache` holds are not parsed; the parsers store what they parse in `keep`. `blobs`
    holds Git blob ids known already, by path: those files are looked up unread. `sizes`,
    the files' sizes by path, decide which are parsed first when parsing in parallel.
    """
    stop = should_stop or (lambda: False)
    if cache is not None:
        # Files seen before come from the cache here; only the others go to the parsers,
        # so a retell of a known repository starts no worker at all when little changed.
        kept: dict[str, Parsed] = {}
        missing: list[tuple[str, str, Path]] = []
        known = blobs or {}
        for path, language, file in jobs:
            blob = known.get(path)
            found = cache.load(language, blob) if blob else _cached(cache, language, file)
            if found is None:
                missing.append((path, language, file))
            else:
                kept[path] = (path, found, False)
        fresh = {
            parsed[0]: parsed
            for parsed in parse_many(
                missing, processes, seconds_per_file=seconds_per_file, should_stop=should_stop,
                cache=None, keep=cache, sizes=sizes,
            )
        }  # fmt: skip
        for path, _, _ in jobs:
            yield kept.get(path) or fresh[path]
        return
    timed: list[Job] = [
        (path, language, file, seconds_per_file, keep) for path, language, file in jobs
    ]
    workers = min(processes or available_cpus(), math.ceil(len(jobs) / CHUNK_FILES))
    if workers <= 1 or len(jobs) < PARALLEL_MIN_FILES:
        for job in timed:
            if stop():
                raise AnalysisStoppedError
            yield parse_one(job)
        return
    known_sizes = sizes or {}
    order = largest_at_both_ends([known_sizes.get(job[0], 0) for job in timed])
    arranged = [timed[index] for index in order]
    chunks = [
        arranged[start : start + CHUNK_FILES] for start in range(0, len(arranged), CHUNK_FILES)
    ]
    # forkserver: a clean child, never a fork of a worker with live threads and sockets.
    context = multiprocessing.get_context("forkserver")
    with _children_allowed():
        # This process parses too: one worker fewer to start, and what it parses itself
        # never crosses between processes.
        pool = ProcessPoolExecutor(max_workers=workers - 1, mp_context=context)
        stopped = False
        try:
            with _lean_workers():  # workers start here, on submission
                futures = [pool.submit(_parse_chunk, chunk) for chunk in chunks]
            # The workers take chunks from the front, this process from the back for as
            # long as it can cancel them: no chunk is parsed twice, and all finish together.
            # Between its own chunks it reads back those the workers have finished, so
            # that work is spread over the parsing too rather than left to the end.
            done: dict[int, list[Parsed]] = {}
            front = 0
            for index in reversed(range(len(chunks))):
                if stop():
                    stopped = True
                    raise AnalysisStoppedError
                if not futures[index].cancel():
                    break
                done[index] = [parse_one(job) for job in chunks[index]]
                while front < index and futures[front].done():
                    done[front] = _read_back(futures[front].result())
                    front += 1
            parsed: dict[int, Parsed] = {}  # by the job's place in `jobs`
            for index, future in enumerate(futures):
                if index not in done:
                    if stop():
                        stopped = True
                        raise AnalysisStoppedError
                    done[index] = _read_back(future.result())
                first = index * CHUNK_FILES
                for place, result in enumerate(done.pop(index), start=first):
                    parsed[order[place]] = result
            yield from (parsed[index] for index in range(len(timed)))
        finally:
            # Stopping does not wait for the chunks being parsed: their workers finish them
            # (each file within its time budget) and exit on their own.
            pool.shutdown(wait=not stopped, cancel_futures=True)
