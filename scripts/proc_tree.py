"""A process and its descendants, read from /proc: who they are, and the CPU they used."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return found


def tree(pid: int) -> list[int]:
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        try:
            pending.extend(children_of(current))
        except OSError:
            continue
    return pids


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
    except OSError:
        return []


def own_and_reaped_ticks(pid: int) -> int:
    """utime + stime of the process and of its children it has already waited for."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    # Fields after the command's closing parenthesis; utime is field 14 of stat(5).
    fields = text.rpartition(")")[2].split()
    return sum(int(v) for v in fields[11:15])


def cpu_seconds(pid: int) -> float:
    """CPU time of the whole tree: the living processes and every child they have reaped
    (a pool process that was replaced, a parser process that finished), each counted once."""
    return sum(own_and_reaped_ticks(p) for p in tree(pid)) / TICKS
