"""Commit subjects grouped by what they say: Conventional Commits' types where a project
uses them (`feat:`, `fix(parser):`, `refactor!:`), so a digest can say how many commits add
features, fix bugs or break callers. Pure."""

from __future__ import annotations

import re
from collections import Counter

from pydantic import BaseModel, Field

_CONVENTIONAL = re.compile(r"^(?P<type>[a-z]+)(?:\([^)]{1,40}\))?(?P<bang>!)?: +(?P<text>\S.*)$")
# The types of the Conventional Commits specification and the Angular convention it grew
# from, said as a listener would hear them.
TYPES = {
    "feat": "add features",
    "fix": "fix bugs",
    "perf": "make it faster",
    "refactor": "restructure code",
    "docs": "change documentation",
    "test": "change tests",
    "build": "change the build",
    "ci": "change continuous integration",
    "chore": "are chores",
    "style": "change formatting",
    "revert": "revert earlier commits",
}
# A project follows the convention when most of its subjects do.
CONVENTIONAL_SHARE = 0.5


class CommitGroups(BaseModel):
    commits: int
    conventional: bool
    by_type: dict[str, int] = Field(default_factory=dict)  # most first
    features: list[str] = Field(default_factory=list)  # `feat` subjects, newest first
    breaking: list[str] = Field(default_factory=list)  # `type!:` or BREAKING CHANGE
    latest: str | None = None


def group_commits(subjects: list[str], *, keep: int = 5) -> CommitGroups:
    """Group subjects (newest first). Merges are left out of the counts: they say which
    branch came in, not what changed."""
    own = [s.strip() for s in subjects if s.strip() and not s.startswith(("Merge ", "Merge:"))]
    types: Counter[str] = Counter()
    features, breaking = [], []
    for subject in own:
        match = _CONVENTIONAL.match(subject)
        if match is None or match.group("type") not in TYPES:
            continue
        types[match.group("type")] += 1
        if match.group("type") == "feat":
            features.append(match.group("text"))
        if match.group("bang") or "BREAKING CHANGE" in subject:
            breaking.append(match.group("text"))
    conventional = bool(own) and sum(types.values()) >= CONVENTIONAL_SHARE * len(own)
    return CommitGroups(
        commits=len(own),
        conventional=conventional,
        by_type=dict(types.most_common()) if conventional else {},
        features=features[:keep] if conventional else [],
        breaking=breaking[:keep] if conventional else [],
        latest=own[0] if own else None,
    )
