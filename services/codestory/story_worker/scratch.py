"""A story's scratch folder (the clone lives there), removed however deep the clone is.

Python 3.11's `shutil.rmtree` (and so `TemporaryDirectory`) recurses once per folder
level: a repository nested 1,200 folders deep raised RecursionError while its clone was
being removed, and the finished analysis failed as a bug.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def remove_tree(root: Path) -> None:
    """Remove `root` and everything under it, depth-first with a list, not the stack.
    Links are removed, never followed."""
    pending = [str(root)]
    while pending:
        folder = pending[-1]
        inner: list[str] = []
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    inner.append(entry.path)
                else:
                    os.unlink(entry.path)  # noqa: PTH108 - str paths, one call each
        if inner:
            pending.extend(inner)  # this folder comes back once they are gone
        else:
            os.rmdir(folder)  # noqa: PTH106
            pending.pop()


@contextlib.contextmanager
def scratch_folder(parent: Path, prefix: str) -> Iterator[Path]:
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    try:
        yield folder
    finally:
        with contextlib.suppress(FileNotFoundError):
            remove_tree(folder)
