"""What changed between two analyses of one repository, at the level a reader cares about:
the public surface (modules and their public names, key signatures), the ways in, the
dependencies, the version, the tests, and the areas that moved most. Pure: two RepoFacts
in, ChangeFacts out; every item names the file it stands on, in the older or newer tree.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath

from pydantic import BaseModel, Field

from codestory.analysis.classify import FileKind
from codestory.analysis.facts import RepoFacts


class NameChange(BaseModel):
    name: str
    path: str  # where it is defined (the newer tree for additions, the older for removals)


class SignatureChange(BaseModel):
    name: str
    kind: str  # class, function, method...
    path: str
    before: str
    after: str


class NameMove(BaseModel):
    name: str
    before: str  # the file that defined it
    after: str  # the file that defines it now


class RequirementChange(BaseModel):
    name: str
    before: str  # what the older manifest asked of its version ("" for any)
    after: str


class AreaChange(BaseModel):
    area: str  # a top folder, or "." for files at the root
    lines_before: int
    lines_after: int
    files_added: int = 0
    files_removed: int = 0

    @property
    def moved(self) -> int:
        return abs(self.lines_after - self.lines_before) + 50 * (
            self.files_added + self.files_removed
        )


class ChangeFacts(BaseModel):
    name: str
    version_before: str | None = None
    version_after: str | None = None
    modules_added: list[str] = Field(default_factory=list)
    modules_removed: list[str] = Field(default_factory=list)
    names_added: list[NameChange] = Field(default_factory=list)
    names_removed: list[NameChange] = Field(default_factory=list)
    names_moved: list[NameMove] = Field(default_factory=list)  # defined in another file now
    signatures_changed: list[SignatureChange] = Field(default_factory=list)
    ways_in_added: list[str] = Field(default_factory=list)  # "console script `tally`"
    ways_in_removed: list[str] = Field(default_factory=list)
    dependencies_added: list[str] = Field(default_factory=list)  # as the manifests name them
    dependencies_removed: list[str] = Field(default_factory=list)
    requirements_changed: list[RequirementChange] = Field(default_factory=list)
    tests_before: int = 0
    tests_after: int = 0
    areas: list[AreaChange] = Field(default_factory=list)  # most moved first
    lines_before: int = 0
    lines_after: int = 0

    @property
    def nothing(self) -> bool:
        """No change a reader would hear about."""
        return not (
            self.version_before != self.version_after
            or self.modules_added
            or self.modules_removed
            or self.names_added
            or self.names_removed
            or self.names_moved
            or self.signatures_changed
            or self.ways_in_added
            or self.ways_in_removed
            or self.dependencies_added
            or self.dependencies_removed
            or self.requirements_changed
            or self.tests_before != self.tests_after
            or self.areas
        )


def same_signature(before: str, after: str) -> bool:
    """Whether two signatures differ only in layout: spaces, line breaks, a trailing comma
    or the parentheses a formatter adds around a long annotation."""

    def shape(text: str) -> str:
        return re.sub(r"[\s()]", "", re.sub(r",(?=\s*\))", "", text))

    return shape(before) == shape(after)


def _moves(added: list[NameChange], removed: list[NameChange]) -> list[NameMove]:
    """Names one file lost and exactly one other file gained: moved, not gone."""
    gained: dict[str, list[str]] = {}
    for item in added:
        gained.setdefault(item.name, []).append(item.path)
    lost: dict[str, list[str]] = {}
    for item in removed:
        lost.setdefault(item.name, []).append(item.path)
    return [
        NameMove(name=name, before=lost[name][0], after=paths[0])
        for name, paths in gained.items()
        if len(paths) == 1 and len(lost.get(name, [])) == 1 and lost[name][0] != paths[0]
    ]


def _source_modules(facts: RepoFacts) -> dict[str, list[str]]:
    return {
        path: module.definitions
        for path, module in facts.modules.items()
        if module.kind is FileKind.SOURCE
    }


def _ways_in(facts: RepoFacts) -> dict[str, str]:
    """Every way in by how a digest names it: entry points, commands and routes."""
    ways = {f"{e.kind} `{e.name}`": e.path or e.target for e in facts.entry_points}
    ways |= {f"the `{c.detail or c.name}` command": c.file for c in facts.roles.commands}
    ways |= {f"the route `{r.method} {r.path}`": r.file for r in facts.roles.routes}
    return ways


def _requirements(facts: RepoFacts) -> dict[str, str]:
    """What the manifests ask of each run-time dependency's version, the first one's word."""
    found: dict[str, str] = {}
    for manifest in facts.manifests:
        for name, wanted in manifest.requirements.items():
            found.setdefault(name, wanted)
    return found


def _area(path: str) -> str:
    parts = PurePosixPath(path).parts
    return parts[0] if len(parts) > 1 else "."


def _areas(old: RepoFacts, new: RepoFacts) -> list[AreaChange]:
    before, after = _source_modules(old), _source_modules(new)
    lines: dict[str, Counter[str]] = {"before": Counter(), "after": Counter()}
    for side, facts in (("before", old), ("after", new)):
        for path, module in facts.modules.items():
            if module.kind is FileKind.SOURCE:
                lines[side][_area(path)] += module.lines
    added = Counter(_area(p) for p in set(after) - set(before))
    removed = Counter(_area(p) for p in set(before) - set(after))
    changes = [
        AreaChange(
            area=area,
            lines_before=lines["before"][area],
            lines_after=lines["after"][area],
            files_added=added[area],
            files_removed=removed[area],
        )
        for area in sorted(set(lines["before"]) | set(lines["after"]))
    ]
    moved = [c for c in changes if c.moved]
    return sorted(moved, key=lambda c: (-c.moved, c.area))


def compare(old: RepoFacts, new: RepoFacts) -> ChangeFacts:
    before, after = _source_modules(old), _source_modules(new)
    names_added, names_removed = [], []
    for path in sorted(set(before) & set(after)):
        old_names, new_names = set(before[path]), set(after[path])
        names_added += [NameChange(name=n, path=path) for n in sorted(new_names - old_names)]
        names_removed += [NameChange(name=n, path=path) for n in sorted(old_names - new_names)]
    for path in sorted(set(after) - set(before)):
        names_added += [NameChange(name=n, path=path) for n in after[path]]
    for path in sorted(set(before) - set(after)):
        names_removed += [NameChange(name=n, path=path) for n in before[path]]
    moves = _moves(names_added, names_removed)
    moved = {m.name for m in moves}
    names_added = [n for n in names_added if n.name not in moved]
    names_removed = [n for n in names_removed if n.name not in moved]
    old_symbols = {(s.path, s.name): s for s in old.key_symbols}
    signatures = [
        SignatureChange(
            name=s.name, kind=s.kind, path=s.path, before=str(was.signature), after=s.signature
        )
        for s in new.key_symbols
        if (was := old_symbols.get((s.path, s.name))) is not None
        and s.signature
        and was.signature
        and not same_signature(was.signature, s.signature)
    ]
    ways_before, ways_after = _ways_in(old), _ways_in(new)
    needs_before, needs_after = set(old.dependencies), set(new.dependencies)
    asked_before, asked_after = _requirements(old), _requirements(new)
    bumped = [
        RequirementChange(name=n, before=asked_before[n], after=asked_after[n])
        for n in sorted(needs_before & needs_after)
        if n in asked_before and n in asked_after and asked_before[n] != asked_after[n]
    ]
    return ChangeFacts(
        name=new.name,
        version_before=old.version,
        version_after=new.version,
        modules_added=sorted(set(after) - set(before)),
        modules_removed=sorted(set(before) - set(after)),
        names_added=names_added,
        names_removed=names_removed,
        names_moved=moves,
        signatures_changed=signatures,
        ways_in_added=sorted(set(ways_after) - set(ways_before)),
        ways_in_removed=sorted(set(ways_before) - set(ways_after)),
        dependencies_added=sorted(needs_after - needs_before),
        dependencies_removed=sorted(needs_before - needs_after),
        requirements_changed=bumped,
        tests_before=old.tests.files + old.tests.inline_test_files,
        tests_after=new.tests.files + new.tests.inline_test_files,
        areas=_areas(old, new),
        lines_before=old.code_lines,
        lines_after=new.code_lines,
    )
