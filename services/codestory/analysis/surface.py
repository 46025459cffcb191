"""What resolving one file's imports and calls can read of the other files: their surface.

A file's calls are resolved against the names the other files define and import (their
definitions' names, kinds, owners, signatures, bases and stated types; their imports and
packages), never against the other files' own calls, docs or line numbers. So while no
file's surface changes, each file's resolved calls depend on its own bytes alone, and a
retell after an edit inside a function body re-resolves only the file edited.

The digest is over the values' text (`repr`), not their marshal or pickle bytes: those
depend on which equal strings are one object, which differs between a file just parsed and
one read back from the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from codestory.analysis.syntax import FileSyntax


def surface_of(syntax: FileSyntax) -> str:
    """A digest of every field of `syntax` that another file's resolution may read."""
    face = (
        syntax.language,
        syntax.package,
        syntax.default_export,
        syntax.attributes,
        syntax.has_main,
        [(i.target, i.names, i.level, i.local, i.kind, i.alias) for i in syntax.imports],
        syntax.module_types,
        [
            # Of its lines, only whether it spans more than one: C's one-line declaration
            # is no function to follow a call into.
            (d.name, d.kind, d.parent, d.signature, d.decorators, d.bases, d.exported,
             d.receiver, d.types, d.end_line > d.line)
            for d in syntax.definitions
        ],
    )  # fmt: skip
    return hashlib.blake2b(repr(face).encode(), digest_size=16).hexdigest()


def tree_surface(
    syntaxes: dict[str, FileSyntax], paths: Iterable[str], counted: Iterable[str], extra: str
) -> str | None:
    """One digest of everything a file's resolved calls depend on besides its own bytes:
    each parsed file's surface in the order resolution sees them, every path of the
    checkout (imports name files), the files whose calls are counted, and `extra` (what
    the build declares, a Go module's path). None when a file's surface is unknown."""
    digest = hashlib.blake2b(digest_size=16)
    for path, syntax in syntaxes.items():
        if syntax.surface is None:
            return None
        digest.update(f"{path}\0{syntax.surface}\n".encode())
    digest.update("\0".join(sorted(paths)).encode() + b"\1")
    digest.update("\0".join(sorted(counted)).encode() + b"\1")
    digest.update(extra.encode())
    return digest.hexdigest()
