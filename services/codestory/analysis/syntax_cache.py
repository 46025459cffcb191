"""Parsed files kept by content, so a new commit of a known repository re-parses only the
files that changed.

A file's key is its Git blob id (the SHA-1 of `blob <size>\\0<bytes>`), its language and
the analyser's version: the same bytes read by the same code give the same syntax. Entries
are rows of plain values written atomically, under one folder per analyser version;
older versions' folders are removed, and a version folder that grows past its bound in
bytes is emptied and refilled.

Rows are written with marshal, each string once per file (a name called fifty times is
stored once and read back as one object): a retell reads every file of the tree back,
and marshal reads these rows three times as fast as JSON read its own (a quarter less
time for the whole read, objects built), from entries a quarter smaller. marshal
reads plain values only (never pickle: nothing in a cache runs), but its format belongs
to one Python: the folder is named for the interpreter as well as the analyser, and only
this process's own kind reads it. Like the rest of the work folder, it is the worker's
alone (mode 0700).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import sys
import tempfile
from pathlib import Path

from codestory.analysis.syntax import FileSyntax
from codestory.analysis.syntax_rows import pack, unpack

# Bytes kept per analyser version unless told otherwise: a few large repositories' worth.
DEFAULT_MAX_BYTES = 200 << 20
_LEDGER = ".written"  # the bytes of each entry written, one number a line
# What one file's calls and imports reached: the blob it was read from, the symbols' keys,
# its calls to the project's names and how many of them were followed (`CallGraph.uses`).
KeptUses = tuple[str, tuple[str, ...], int, int]


def blob_id(source: bytes) -> str:
    """Git's id for these bytes: what `git hash-object` prints."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(b"blob %d\0" % len(source))
    digest.update(source)
    return digest.hexdigest()


class SyntaxCache:
    """One analyser version's parsed files under `root`; safe to share between processes."""

    def __init__(self, root: Path, version: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.folder = root / f"{version}-{sys.implementation.cache_tag}-{marshal.version}"
        self.max_bytes = max_bytes

    def prepare(self) -> bool:
        """Drop other versions' entries and bound this one's, once before an analysis.
        False when the folder cannot be used: the analysis then goes on without a cache."""
        try:
            self._prepare()
        except OSError:
            return False
        return True

    def _prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for other in self.root.iterdir():
            if other.is_dir() and other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
        if self._written() > self.max_bytes:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _written(self) -> int:
        """Bytes written to the folder since it was made, by the ledger each writer appends
        to (entries are never removed one by one, so it bounds their size): one read, where
        a stat of every entry took a tenth of a second in a full cache."""
        try:
            return sum(map(int, (self.folder / _LEDGER).read_bytes().split()))
        except FileNotFoundError:
            return 0
        except ValueError:
            return self.max_bytes + 1  # a ledger that cannot be read: start afresh

    def _path(self, language: str, blob: str) -> str:
        # A string, not a Path: a retell asks for every file of the tree.
        safe = "".join(c for c in language.lower() if c.isalnum()) or "text"
        return os.path.join(self.folder, blob[:2], f"{blob[2:]}.{safe}.row")  # noqa: PTH118

    def load(self, language: str, blob: str) -> FileSyntax | None:
        try:
            with open(self._path(language, blob), "rb") as entry:  # noqa: PTH123
                return unpack(entry.read())
        except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None  # absent, or unreadable: parse again

    def save(self, language: str, blob: str, syntax: FileSyntax) -> None:
        self.save_packed(language, blob, pack(syntax))

    def save_packed(self, language: str, blob: str, packed: bytes) -> None:
        """Keep a parsed file packed already (`syntax_rows.pack`)."""
        self._write(Path(self._path(language, blob)), packed)

    def load_uses(self, surface: str) -> dict[str, KeptUses]:
        """What each file of a tree with this surface used (`CallGraph.uses`), by path,
        with the blob it was read from; empty when none was kept."""
        try:
            with open(os.path.join(self.folder, "uses", surface), "rb") as entry:  # noqa: PTH118, PTH123
                kept = marshal.loads(entry.read())  # noqa: S302 - our own rows, in our own folder
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        return kept if isinstance(kept, dict) else {}

    def save_uses(self, surface: str, uses: dict[str, KeptUses]) -> None:
        """Keep what each file used, for the next analysis of a tree with this surface."""
        seen: dict[str, str] = {}
        one = seen.setdefault  # each symbol's key written once however many files use it
        rows = {
            path: (blob, tuple(one(key, key) for key in keys), asked, followed)
            for path, (blob, keys, asked, followed) in uses.items()
        }
        self._write(self.folder / "uses" / surface, marshal.dumps(rows))

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            Path(scratch).replace(path)  # whole or not at all, whoever reads it
            # One short write in append mode: whole, whichever processes write at once.
            ledger = os.open(self.folder / _LEDGER, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(ledger, b"%d\n" % len(data))
            finally:
                os.close(ledger)
        except OSError:
            pass  # a full or read-only disk costs a re-parse next time, never the story
