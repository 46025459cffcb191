"""A stated type written with a qualifier (`io.Writer`, `buffered.Writer`, a constructor's
`requests.Session()`) is the project's only when the file binds the qualifier to one of the
project's modules or packages; otherwise it comes from the standard library or a dependency
and names no project type, however the project calls its own."""

from __future__ import annotations

import re
from collections.abc import Container

# A dotted name ending the text, and its first part: `pkg.Name`, `pkg.mod.Name`.
_QUALIFIED = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?:\.\w+)*\.(\w+)$")


def unqualified(stated: str, bound: Container[str]) -> str | None:
    """The project's name for a stated type: `Name` for `pkg.Name` where `pkg` is bound to
    the project, None where it is not, the text as stated when it has no qualifier."""
    match = _QUALIFIED.search(stated)
    if match is None:
        return stated
    return match.group(2) if match.group(1) in bound else None
