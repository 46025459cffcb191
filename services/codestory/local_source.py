"""Local folders: which may be read, and a bounded copy of one for the story worker.

A local path reaches the server only from a caller holding the admin token (the CLI on the
same machine), and only under the configured roots. The gateway checks the path as written
before touching the file system, so a refusal says nothing about what exists; the worker
checks again, following symbolic links, and reads a copy, never the folder in place.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Sequence
from pathlib import Path

from codestory.domain import SourcePolicyError, local_path_of

OUTSIDE = "is outside the folders this server may read"


class FolderTooLargeError(Exception):
    """The folder holds more files or bytes than the server's limits."""


def _under(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def check_written_path(location: str, roots: Sequence[Path]) -> Path:
    """The path as written, if it lies under a root; no file-system access at all."""
    written = local_path_of(location)
    if not written.startswith("/"):
        raise SourcePolicyError("must be an absolute path")
    if not roots:
        raise SourcePolicyError("names a local folder, and this server reads none")
    path = Path(os.path.normpath(written))
    lexical_roots = [Path(os.path.normpath(r)) for r in roots]
    real_roots = [Path(os.path.realpath(r)) for r in roots]
    if not _under(path, lexical_roots + real_roots):
        raise SourcePolicyError(OUTSIDE)
    return path


def allowed_folder(location: str, roots: Sequence[Path]) -> Path:
    """The real folder `location` names, if it and every link on the way stay under a root."""
    path = check_written_path(location, roots)
    real = Path(os.path.realpath(path))
    if not _under(real, [Path(os.path.realpath(r)) for r in roots]):
        raise SourcePolicyError(OUTSIDE)  # a symbolic link out: told as if it were outside
    if not real.is_dir():
        raise SourcePolicyError("is not a directory on this server")
    return real


def copy_folder(source: Path, dest: Path, *, max_files: int, max_bytes: int) -> tuple[int, int]:
    """Copy the regular files under `source` into `dest`; return (files, bytes).

    Symbolic links, devices, sockets and pipes are left out, so the copy cannot reach
    outside the folder or block on a read. The limits act while copying: the copy stops at
    the first file past either of them.
    """
    files = total = 0
    dest.mkdir(parents=True)
    for directory, subdirs, names in os.walk(source, followlinks=False):
        here = Path(directory)
        target = dest / here.relative_to(source)
        subdirs[:] = [d for d in subdirs if not (here / d).is_symlink()]
        for name in names:
            origin = here / name
            try:
                info = origin.lstat()
            except OSError:
                continue  # gone since it was listed
            if not stat.S_ISREG(info.st_mode):
                continue
            files += 1
            total += info.st_size
            if files > max_files:
                raise FolderTooLargeError(f"has more than {max_files:,} files")
            if total > max_bytes:
                raise FolderTooLargeError(f"holds more than {max_bytes:,} bytes")
            target.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(origin, target / name, follow_symlinks=False)
            except OSError:
                continue  # unreadable: left out, as git would leave out an unreadable file
    return files, total
