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


# A list item's marker in Markdown and reStructuredText changelogs.
_ITEM = re.compile(r"^\s{0,4}(?:[-*+]|\d+[.)])\s+(?P<text>\S.*)$")
# Sphinx roles and Markdown markup that mean nothing said aloud: `:issue:`5448``, ``code``.
_ROLE = re.compile(r":[a-z]+:`[^`]*`|\(#\d+\)|\[#\d+\]\([^)]*\)")


def entries_between(text: str, since: str, until: str, *, limit: int = 6) -> list[str] | None:
    """The changelog's items for the releases after `since`, up to and including `until`
    (both versions as its headings write them): each release's first item, newest release
    first, then each one's second, and so on; None when either heading is missing. Items
    run on over their indented continuation lines."""
    lines = text.splitlines()[:5000]
    headings = [
        (number, match.group(1))
        for number, line in enumerate(lines)
        if (match := _VERSION_LINE.match(line.strip())) is not None
    ]
    found = {version: number for number, version in reversed(headings)}
    start, end = found.get(until.lstrip("v")), found.get(since.lstrip("v"))
    if start is None or end is None or end <= start:
        return None
    heads = {number for number, _ in headings}
    sections: list[list[str]] = []
    for number in range(start, end):
        line = lines[number]
        if number in heads:
            sections.append([])
            continue
        match = _ITEM.match(line)
        if match is not None:
            sections[-1].append(match.group("text").strip())
        elif sections[-1] and line.startswith((" ", "\t")) and line.strip():
            sections[-1][-1] += " " + line.strip()
    # The first items of every release before the second of any: a major release's news
    # is not crowded out by the patch releases after it.
    ordered = [
        s[i] for i in range(max(map(len, sections), default=0)) for s in sections if i < len(s)
    ]
    said = [" ".join(_ROLE.sub("", item).replace("``", "`").split()) for item in ordered]
    return [item.rstrip(".") for item in said if item][:limit]
