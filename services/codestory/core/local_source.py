"""Local folders: which may be read, and a bounded copy of one for the story worker.

A local path reaches the server only from a caller holding the admin token (the CLI on the
same machine), and only under the configured roots. The gateway checks the path as written
before touching the file system, so a refusal says nothing about what exists; the worker
checks again, following symbolic links, and reads a copy, never the folder in place. A
repository is cloned, never copied: everything git would follow from it (a `.git` file or
link, a worktree's common folder, object alternates, links inside) must stay under a root.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from codestory.core.domain import SourcePolicyError, local_path_of

OUTSIDE = "is outside the folders this server may read"
GIT_OUTSIDE = f"is a Git repository whose .git, objects or links lead elsewhere: it {OUTSIDE}"
MAX_ALTERNATE_DEPTH = 5  # git's own limit on alternates of alternates


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


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return _under(_real(path), [_real(r) for r in roots])


def _gitfile_target(gitfile: Path) -> Path:
    """The folder a `.git` file (a worktree's or a submodule's) sends git to."""
    try:
        with gitfile.open("rb") as handle:
            text = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        raise SourcePolicyError(GIT_OUTSIDE) from None
    if not text.startswith("gitdir:"):
        raise SourcePolicyError(GIT_OUTSIDE)  # git would refuse it; so do we, plainly
    return gitfile.parent / text.removeprefix("gitdir:").strip()


def _check_no_link_out(folder: Path, roots: Sequence[Path]) -> None:
    """Every symbolic link under `folder` (git follows them: `objects`, `refs`, a pack)
    must land under a root."""
    for directory, subdirs, names in os.walk(folder, followlinks=False):
        here = Path(directory)
        for name in [*subdirs, *names]:
            entry = here / name
            if entry.is_symlink() and not _inside(entry, roots):
                raise SourcePolicyError(GIT_OUTSIDE)


def _check_alternates(objects: Path, roots: Sequence[Path], depth: int = 0) -> None:
    """Object stores named in `objects/info/alternates`, and theirs in turn (git follows
    five levels), must lie under a root: git reads their objects as the repository's own."""
    listing = objects / "info" / "alternates"
    if depth > MAX_ALTERNATE_DEPTH or not listing.exists():
        return
    if not _inside(listing, roots):
        raise SourcePolicyError(GIT_OUTSIDE)
    for line in listing.read_text(errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):  # git's C-quoted form: refused rather than half-parsed
            raise SourcePolicyError(GIT_OUTSIDE)
        store = objects / line  # a relative entry is relative to this object store
        if not _inside(store, roots):
            raise SourcePolicyError(GIT_OUTSIDE)
        _check_no_link_out(_real(store), roots)
        _check_alternates(_real(store), roots, depth + 1)


def git_directory(folder: Path, roots: Sequence[Path]) -> Path | None:
    """The git directory of the repository in `folder` (None for a plain folder), if every
    place git would read the repository from lies under a root.

    `.git` may be a folder, a gitfile (`gitdir: ...`, as in a worktree or a submodule) or
    a link; a worktree's git directory names a common one (`commondir`); an object store
    may borrow another's objects (`objects/info/alternates`); any file in them may be a
    link. Each is followed here as git would follow it, and each must land under a root:
    otherwise git would narrate a repository from outside the fence.
    """
    dotgit = folder / ".git"
    try:
        info = dotgit.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        target = _real(dotgit)  # a link to a git folder (a link to a gitfile: refused below)
    elif stat.S_ISREG(info.st_mode):
        target = _gitfile_target(dotgit)
    elif stat.S_ISDIR(info.st_mode):
        target = dotgit
    else:
        raise SourcePolicyError(GIT_OUTSIDE)
    if not _inside(target, roots) or not target.is_dir():
        raise SourcePolicyError(GIT_OUTSIDE)
    git_dir = _real(target)
    stores = [git_dir]
    common = git_dir / "commondir"
    if common.is_file() or common.is_symlink():
        if not _inside(common, roots):
            raise SourcePolicyError(GIT_OUTSIDE)
        shared = git_dir / common.read_text(errors="replace").strip()
        if not _inside(shared, roots):
            raise SourcePolicyError(GIT_OUTSIDE)
        stores.append(_real(shared))
    for store in stores:
        _check_no_link_out(store, roots)
        _check_alternates(store / "objects", roots)
    return git_dir


def copy_folder(source: Path, dest: Path, *, max_files: int, max_bytes: int) -> tuple[int, int]:
    """Copy the regular files under `source` into `dest`; return (files, bytes).

    Symbolic links, devices, sockets and pipes are left out, so the copy cannot reach
    outside the folder or block on a read; so is a file that also has a name outside the
    folder (a hard link: it has more names than the folder holds), which would bring
    another file's contents in under a name in the folder. The limits act while listing,
    before anything is copied.
    """
    files = total = 0
    dest.mkdir(parents=True)
    listed: list[tuple[Path, Path, os.stat_result]] = []
    names_seen: Counter[tuple[int, int]] = Counter()
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
            listed.append((origin, target / name, info))
            names_seen[(info.st_dev, info.st_ino)] += 1
    for origin, copy, info in listed:
        if names_seen[(info.st_dev, info.st_ino)] != info.st_nlink:
            continue  # a name of this file lies outside the folder
        copy.parent.mkdir(parents=True, exist_ok=True)
        _copy_regular_file(origin, copy, info)
    return files, total


def _copy_regular_file(origin: Path, copy: Path, listed: os.stat_result) -> None:
    """Copy `origin` only if it is still the file that was listed: a file swapped for a
    link, a pipe or another file since is left out (no following, no blocking)."""
    try:
        descriptor = os.open(origin, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return  # unreadable, gone, or now a link: left out, as git would leave it out
    with os.fdopen(descriptor, "rb") as source:
        now = os.fstat(descriptor)
        same = (now.st_dev, now.st_ino, now.st_nlink) == (
            listed.st_dev,
            listed.st_ino,
            listed.st_nlink,
        )
        if not (stat.S_ISREG(now.st_mode) and same):
            return
        with copy.open("wb") as out:
            shutil.copyfileobj(_Bounded(source, listed.st_size), out)


class _Bounded:
    """A reader that stops at `limit` bytes: a file that grew since it was listed is cut
    at the size the limits were checked against."""

    def __init__(self, source: BinaryIO, limit: int) -> None:
        self.source, self.left = source, limit

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        chunk = self.source.read(size) if size else b""
        self.left -= len(chunk)
        return chunk
