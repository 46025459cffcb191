"""Changelog and Git history: the latest release, how old the project is, how active.

Pure: text in (a changelog, the output of `git log`), facts out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

CHANGELOG_NAMES = re.compile(r"^(?:changelog|changes|history|news|releases?)(?:\.\w+)?$", re.I)
_VERSION_LINE = re.compile(
    r"^(?:#+\s*|=+\s*|\*\s*)?(?:version\s+|release\s+|v(?=\d))?\[?"
    r"(\d+\.\d+(?:\.\d+)?(?:[-+.]?(?:a|b|rc|alpha|beta|dev|post)\.?\d*)?)\]?"
    r"(?:\s*[-/(:,]*\s*(?:released\s+(?:on\s+)?)?(\d{4}-\d{2}-\d{2}))?",
    re.IGNORECASE,
)
_RELEASED = re.compile(r"released\s+(?:on\s+)?(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
# git log --format=@%ct --name-only: a commit line, then the files it touched
COMMIT_MARK = "@"


@dataclass(frozen=True)
class Release:
    version: str
    date: str | None  # ISO date when the changelog gives one
    source: str  # the file it came from


def latest_release(path: str, text: str) -> Release | None:
    """The first released version a changelog names (an 'Unreleased' heading is skipped)."""
    lines = text.splitlines()[:400]
    for number, line in enumerate(lines):
        match = _VERSION_LINE.match(line.strip())
        if not match:
            continue
        window = " ".join(lines[number : number + 4])
        if re.search(r"unreleased", window[:200], re.IGNORECASE):
            continue
        date = match.group(2)
        if date is None:
            released = _RELEASED.search(window)
            date = released.group(1) if released else None
        return Release(version=match.group(1), date=date, source=path)
    return None


def is_changelog(path: str) -> bool:
    pure = PurePosixPath(path)
    return len(pure.parts) <= 2 and bool(CHANGELOG_NAMES.match(pure.name))


@dataclass
class History:
    commits: int = 0
    first_commit: datetime | None = None
    last_commit: datetime | None = None
    commits_last_90_days: int = 0
    most_changed: list[tuple[str, int]] = field(default_factory=list)
    complete: bool = False  # False when the depth limit cut the log short

    @property
    def span_days(self) -> int:
        if self.first_commit is None or self.last_commit is None:
            return 0
        return (self.last_commit - self.first_commit).days


def parse_git_log(text: str, *, depth: int, now: datetime | None = None) -> History | None:
    """Read `git log --format=@%ct --name-only` output; None when there is none."""
    now = now or datetime.now(UTC)
    stamps: list[datetime] = []
    changed: Counter[str] = Counter()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(COMMIT_MARK) and line[1:].isdigit():
            stamps.append(datetime.fromtimestamp(int(line[1:]), UTC))
        elif stamps:
            changed[line] += 1
    if not stamps:
        return None
    recent = sum(1 for s in stamps if (now - s).days <= 90)
    return History(
        commits=len(stamps),
        first_commit=min(stamps),
        last_commit=max(stamps),
        commits_last_90_days=recent,
        most_changed=changed.most_common(10),
        complete=len(stamps) < depth,
    )
