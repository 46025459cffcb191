"""The latest release a changelog names. Pure: text in, facts out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from codestory.analysis.paths import file_name, path_parts

CHANGELOG_NAMES = re.compile(r"^(?:changelog|changes|history|news|releases?)(?:\.\w+)?$", re.I)
_VERSION_LINE = re.compile(
    r"^(?:#+\s*|=+\s*|\*\s*)?(?:version\s+|release\s+|v(?=\d))?\[?"
    r"(\d+\.\d+(?:\.\d+)?(?:[-+.]?(?:a|b|rc|alpha|beta|dev|post)\.?\d*)?)\]?"
    r"(?:\s*[-/(:,]*\s*(?:released\s+(?:on\s+)?)?(\d{4}-\d{2}-\d{2}))?",
    re.IGNORECASE,
)
_RELEASED = re.compile(r"released\s+(?:on\s+)?(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


@dataclass(frozen=True)
class Release:
    version: str
    date: str | None  # ISO date when the changelog gives one
    source: str  # the file it came from


_ABANDONED = re.compile(
    r"\bno longer (?:being )?(?:actively )?(?:maintained|updated|kept)"
    r"|\b(?:this|the) (?:document|file|changelog) is (?:now )?(?:obsolete|deprecated)",
    re.I,
)
# A heading that names a step between two releases (`1.4 → 1.5`, `1.4 -> 1.5`): the
# release it tells of is the second.
_STEP = re.compile(r"(?:→|->|⟶|to)\s*v?(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)


def latest_release(path: str, text: str) -> Release | None:
    """The first released version a changelog names (an 'Unreleased' heading is skipped).
    A changelog that says at its top it is no longer kept tells of no current release."""
    if _ABANDONED.search(text[:600]):
        return None
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
        rest = line.strip()[match.end() :].strip()
        step = _STEP.match(rest)
        version = step.group(1) if step else match.group(1)
        if step and date is None:
            dated = re.search(r"\d{4}-\d{2}-\d{2}", rest)
            date = dated.group(0) if dated else None
        return Release(version=version, date=date, source=path)
    return None


def is_changelog(path: str) -> bool:
    return len(path_parts(path)) <= 2 and bool(CHANGELOG_NAMES.match(file_name(path)))
