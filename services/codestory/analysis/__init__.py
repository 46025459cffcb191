"""Reading a repository into facts. Pure: files in, data out; no Celery, Redis or HTTP."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codestory.analysis.facts import RepoFacts, analyse
    from codestory.analysis.walk import AnalysisError, AnalysisStoppedError

# Each name is imported from its module when first asked for, so importing one module of
# the package (a parse worker imports `codestory.analysis.parallel`) does not import the
# whole analysis (ecosystems, manifests, pydantic models): that took a parse worker a third
# of a second to start, while the parse it joins lasts about a second.
_HOMES = {
    "RepoFacts": "codestory.analysis.facts",
    "analyse": "codestory.analysis.facts",
    "AnalysisError": "codestory.analysis.walk",
    "AnalysisStoppedError": "codestory.analysis.walk",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = ["AnalysisError", "AnalysisStoppedError", "RepoFacts", "analyse"]
