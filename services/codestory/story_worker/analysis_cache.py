"""The analysis of a commit, kept so a repeat story skips the fetch and the analysis.

Keyed by the resolved commit, the analyser version, the limits it ran under and the name
the repository's URL gives it, so a new analyser never reads an old one's facts and a fork
is never told under the name of the repository it came from.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError

from codestory.analysis import RepoFacts
from codestory.analysis.facts import ANALYSER_VERSION
from codestory.artifacts.backends import CACHE_PREFIX, ArtifactNotFoundError, ArtifactStore
from codestory.artifacts.cache import count_lookup, digest

log = logging.getLogger("codestory.cache")


def analysis_key(
    commit: str, max_files: int, max_bytes: int, history_depth: int = 1, name: str = ""
) -> str:
    """`name` is the repository's name as its URL gives it, which the analysis falls back
    on for the project's name: one commit told from two URLs (a fork, a mirror) must not
    be told under the name of whichever came first."""
    shape = digest(max_files, max_bytes, history_depth, *([name] if name else []))[:12]
    return f"{CACHE_PREFIX}analysis/v{ANALYSER_VERSION}/{commit}-{shape}.json"


def read_stored_facts(store: ArtifactStore, key: str) -> RepoFacts | None:
    try:
        return RepoFacts.model_validate_json(store.get(key))
    except ArtifactNotFoundError:
        return None
    except ValidationError:
        log.warning("unreadable stored analysis; analysing again", extra={"key": key})
        return None


def load_analysis(store: ArtifactStore, key: str) -> RepoFacts | None:
    facts = read_stored_facts(store, key)
    count_lookup("analysis", facts is not None)
    return facts


def save_analysis(store: ArtifactStore, key: str, facts: RepoFacts) -> None:
    store.put(key, facts.model_dump_json().encode())
