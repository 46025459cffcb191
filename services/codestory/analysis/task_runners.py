"""How a project's own task runner runs its tests, when it has one beside (or instead of)
a Makefile: Task's `Taskfile.yml`, just's `justfile`, Mage's `magefile.go`, and the
"scripts to rule them all" convention's `script/test`. Like a Makefile target, such a task is
how the authors run their tests, with the flags and set-up they need."""

from __future__ import annotations

import re
from collections.abc import Callable

from codestory.analysis.classify import TEST_DIRS

# Task names that run the tests, in the order a project would reach for them.
_TEST_TASKS = ("test", "tests", "check")
TASKFILES = ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")
JUSTFILES = ("justfile", "Justfile", ".justfile")
MAGEFILE = "magefile.go"
SCRIPT = "script/test"


def _taskfile_tasks(text: str) -> set[str]:
    """Task names under the top-level `tasks:` key (two-space or tab indent)."""
    found: set[str] = set()
    inside = False
    for line in text.splitlines():
        if re.match(r"^tasks:\s*$", line):
            inside = True
            continue
        if inside and re.match(r"^\S", line):
            break
        match = re.match(r"^(?: {2}|\t)([\w:.-]+):", line) if inside else None
        if match:
            found.add(match.group(1))
    return found


def _just_recipes(text: str) -> set[str]:
    # A recipe's header is one line: blanks within it only. Across lines, every line start
    # ran on over all the lines of words below it (quadratic: 40 KB of them took 6 s).
    return set(re.findall(r"^@?([\w-]+)(?:[^\S\n]+[\w=\"'*+$-]+)*[^\S\n]*:(?!=)", text, re.M))


def _mage_targets(text: str) -> set[str]:
    # Mage makes each exported top-level function a target, named in lower case.
    return {name.lower() for name in re.findall(r"^func ([A-Z]\w*)\(", text, re.M)}


# Each runner: the files that declare its tasks, how to read their names, the command.
_RUNNERS: tuple[tuple[tuple[str, ...], Callable[[str], set[str]], str], ...] = (
    (TASKFILES, _taskfile_tasks, "task"),
    (JUSTFILES, _just_recipes, "just"),
    ((MAGEFILE,), _mage_targets, "mage"),
)


def test_command(paths: set[str], read: Callable[[str], str]) -> str | None:
    """The task runner's test command, if the project declares one."""
    for names, tasks_of, runner in _RUNNERS:
        for name in (n for n in names if n in paths):
            tasks = tasks_of(read(name))
            task = next((t for t in _TEST_TASKS if t in tasks), None)
            if task:
                return f"{runner} {task}"
    return SCRIPT if SCRIPT in paths else _test_folder_make(paths, read)


# A Makefile's first target is what a bare `make` builds.
_FIRST_TARGET = re.compile(r"^([A-Za-z][\w.-]*)\s*:(?!=)", re.M)


def _test_folder_make(paths: set[str], read: Callable[[str], str]) -> str | None:
    """A top-level test folder with a Makefile of its own (BSD's `regress/`) is run by
    a bare make in that folder, when its first target runs the tests (`all`, `test`);
    a Makefile there that builds fuzzers first is not how the tests run."""
    for makefile in sorted(p for p in paths if re.fullmatch(r"[^/]+/(GNU)?[Mm]akefile", p)):
        folder = makefile.split("/")[0]
        first = _FIRST_TARGET.search(read(makefile)) if folder in TEST_DIRS else None
        if first and first.group(1) in {"all", "test", "tests", "check", "regress"}:
            return f"make -C {folder}"
    return None
