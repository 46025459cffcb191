"""A spoken change digest: what changed between two commits of one repository, in chapters a
listener can follow: the change in one minute, what is new, what behaves differently, what
was removed or may break callers, what it now builds on, and where to look first.

Every sentence is made from ChangeFacts and carries the files it stands on; a digest of two
commits with nothing to tell says so in one sentence.
"""

from __future__ import annotations

from codestory.analysis.changes import ChangeFacts, NameChange, SignatureChange
from codestory.analysis.commit_messages import TYPES, CommitGroups
from codestory.core.domain import escape_controls
from codestory.narrative.script import Evidence, Script, ScriptChapter
from codestory.narrative.sentences import split_sentences

MAX_NAMED = 8  # names read out in one sentence; the rest are counted

Told = tuple[str, list[Evidence]]


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _listed(items: list[str]) -> str:
    shown = items[:MAX_NAMED]
    rest = len(items) - len(shown)
    if rest:
        shown = [*shown, f"{rest} more"]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _range(change: ChangeFacts, since: str, until: str) -> str:
    if (
        change.version_before
        and change.version_after
        and (change.version_before != change.version_after)
    ):
        return f"version {change.version_before} to version {change.version_after}"
    return f"{since} to {until}"


def _names_by_file(names: list[NameChange]) -> list[Told]:
    by_path: dict[str, list[str]] = {}
    for item in names:
        by_path.setdefault(item.path, []).append(f"`{item.name}`")
    return [
        (
            f"In `{path}`: {_listed(found)}.",
            [Evidence(path=path, fact=f"public: {', '.join(found[:MAX_NAMED])}")],
        )
        for path, found in list(by_path.items())[:MAX_NAMED]
    ]


MAX_SUBJECT = 120  # characters of a commit subject read out


def _said(subject: str) -> str:
    """A commit subject as a quote: its own text, one line, bounded."""
    text = " ".join(escape_controls(subject).split())
    text = text if len(text) <= MAX_SUBJECT else text[: MAX_SUBJECT - 3].rstrip() + "..."
    return "\u201c" + text.rstrip(".") + "\u201d"


def _history(commits: CommitGroups | None, since: str, until: str) -> list[Told]:
    if commits is None or not commits.commits:
        return []
    log = [Evidence(path=".", fact=f"git log {since}..{until}: {commits.commits} commits")]
    if commits.conventional:
        kinds = [f"{count} {TYPES[kind]}" for kind, count in commits.by_type.items()]
        return [(f"It spans {_plural(commits.commits, 'commit')}: {_listed(kinds)}.", log)]
    if commits.commits == 1 and commits.latest:
        return [(f"It is one commit, which says {_said(commits.latest)}.", log)]
    told: list[Told] = [(f"It spans {_plural(commits.commits, 'commit')}.", log)]
    if commits.latest:
        told.append((f"The latest says {_said(commits.latest)}.", log))
    return told


def _summary(change: ChangeFacts, since: str, until: str) -> list[Told]:
    whole = [Evidence(path=".", fact=f"compared {since} with {until}")]
    parts = []
    if change.modules_added or change.modules_removed:
        parts.append(
            f"{_plural(len(change.modules_added), 'source file')} added and "
            f"{len(change.modules_removed)} removed"
        )
    if change.names_added or change.names_removed:
        parts.append(
            f"{_plural(len(change.names_added), 'public name')} new and "
            f"{len(change.names_removed)} gone"
        )
    if change.names_moved:
        parts.append(f"{_plural(len(change.names_moved), 'public name')} moved to another file")
    if change.dependencies_added or change.dependencies_removed or change.requirements_changed:
        count = (
            len(change.dependencies_added)
            + len(change.dependencies_removed)
            + len(change.requirements_changed)
        )
        parts.append(_plural(count, "dependency change"))
    if change.ways_in_added or change.ways_in_removed:
        parts.append(
            _plural(len(change.ways_in_added) + len(change.ways_in_removed), "change")
            + " to its ways in"
        )
    told: list[Told] = [
        (f"This digest of {change.name} covers {_range(change, since, until)}.", whole)
    ]
    if parts:
        told.append((f"In short: {'; '.join(parts)}.", whole))
    delta = change.lines_after - change.lines_before
    if delta:
        grew = "grew" if delta > 0 else "shrank"
        told.append(
            (
                f"The code {grew} by {abs(delta):,} lines, to {change.lines_after:,}.",
                [Evidence(path=".", fact=f"{change.lines_before} -> {change.lines_after} lines")],
            )
        )
    return told


def _ways_and_files(label: str, items: list[str], *, fact: str | None = None) -> list[Told]:
    """One sentence listing ways in (`fact` None: they are named as said) or files (each
    ticked, each its own evidence)."""
    if not items:
        return []
    if fact is None:
        return [
            (
                f"{label} {_listed(items)}.",
                [Evidence(path=".", fact="ways in: " + ", ".join(items))],
            )
        ]
    evidence = [Evidence(path=item, fact=fact) for item in items[:MAX_NAMED]]
    return [(f"{label} {_listed([f'`{item}`' for item in items])}.", evidence)]


def _new(change: ChangeFacts) -> list[Told]:
    told = _ways_and_files("New ways in:", change.ways_in_added)
    told += _ways_and_files("New source files:", change.modules_added, fact="added")
    if change.names_added:
        told.append((f"It offers {_plural(len(change.names_added), 'new public name')}.", []))
        told += _names_by_file(change.names_added)
    return told


MAX_SIGNATURE = 70  # characters of a signature read out; longer ones are only named


def _bases(signature: str) -> str | None:
    """What a class signature says it builds on: `Flask(App)` -> `App`."""
    head, _, rest = signature.partition("(")
    return rest.rsplit(")", 1)[0].strip() if rest and head.strip() else None


def _signature(item: SignatureChange) -> Told | None:
    where = f"`{item.name}` in `{item.path}`"
    evidence = [Evidence(path=item.path, fact=f"{item.before} -> {item.after}")]
    if item.kind == "class":
        after, before = _bases(item.after), _bases(item.before)
        if after and before:
            return (f"{where} now builds on `{after}`; it built on `{before}`.", evidence)
        if after:
            return (f"{where} now builds on `{after}`.", evidence)
    if max(len(item.after), len(item.before)) > MAX_SIGNATURE or "\u2026" in item.after:
        return None  # named with the file's other long ones
    return (f"{where} now reads `{item.after}`; it was `{item.before}`.", evidence)


def _signatures(changes: list[SignatureChange]) -> list[Told]:
    """Each signature read out, but the long ones of one file named together."""
    told: list[Told] = []
    long: dict[str, list[SignatureChange]] = {}
    for item in changes:
        sentence = _signature(item)
        if sentence is None:
            long.setdefault(item.path, []).append(item)
        else:
            told.append(sentence)
    for path, items in long.items():
        names = _listed([f"`{i.name}`" for i in items])
        verb = "has a new signature" if len(items) == 1 else "have new signatures"
        evidence = [Evidence(path=path, fact=f"{i.before} -> {i.after}") for i in items]
        told.append((f"{names} in `{path}` {verb}.", evidence))
    return told


def _moves(change: ChangeFacts) -> list[Told]:
    """Names that moved, one sentence per pair of files."""
    by_files: dict[tuple[str, str], list[str]] = {}
    for move in change.names_moved:
        by_files.setdefault((move.before, move.after), []).append(f"`{move.name}`")
    told: list[Told] = []
    for (before, after), names in list(by_files.items())[:MAX_NAMED]:
        evidence = [
            Evidence(path=before, fact="defined before: " + ", ".join(names)),
            Evidence(path=after, fact="defines now: " + ", ".join(names)),
        ]
        verb = "is" if len(names) == 1 else "are"
        told.append(
            (f"{_listed(names)} {verb} now defined in `{after}`, not `{before}`.", evidence)
        )
    return told


def _different(change: ChangeFacts) -> list[Told]:
    told: list[Told] = []
    told += _signatures(change.signatures_changed[:MAX_NAMED])
    told += _moves(change)
    if change.tests_before != change.tests_after:
        told.append(
            (
                f"The tests went from {_plural(change.tests_before, 'file')} to "
                f"{change.tests_after}.",
                [
                    Evidence(
                        path=".", fact=f"test files {change.tests_before} -> {change.tests_after}"
                    )
                ],
            )
        )
    for area in change.areas[:3]:
        where = "the files at the top" if area.area == "." else f"`{area.area}`"
        told.append(
            (
                f"In {where}, the code went from {area.lines_before:,} to "
                f"{area.lines_after:,} lines.",
                [Evidence(path=area.area, fact=f"{area.lines_before} -> {area.lines_after} lines")],
            )
        )
    return told


def _removed(change: ChangeFacts) -> list[Told]:
    told = _ways_and_files("Ways in that are gone:", change.ways_in_removed)
    told += _ways_and_files("Source files removed:", change.modules_removed, fact="removed")
    if change.names_removed:
        told.append(
            (
                f"{_plural(len(change.names_removed), 'public name')} "
                f"{'is' if len(change.names_removed) == 1 else 'are'} no longer defined; "
                f"code that imports {'it' if len(change.names_removed) == 1 else 'them'} "
                "from there may break.",
                [],
            )
        )
        told += _names_by_file(change.names_removed)
    called = [s for s in change.signatures_changed if s.kind != "class"]
    if called:
        told.append(
            (
                f"Callers of {_listed([f'`{s.name}`' for s in called])} "
                "should check their calls against the new signatures.",
                [Evidence(path=s.path, fact="signature changed") for s in called[:MAX_NAMED]],
            )
        )
    return told


def _builds_on(change: ChangeFacts) -> list[Told]:
    told: list[Told] = []
    for names, verb in (
        (change.dependencies_added, "It now depends on"),
        (change.dependencies_removed, "It no longer depends on"),
    ):
        if names:
            told.append(
                (
                    f"{verb} {_listed([f'`{n}`' for n in names])}.",
                    [Evidence(path=".", fact=f"dependencies: {', '.join(names)}")],
                )
            )
    for item in change.requirements_changed[:MAX_NAMED]:
        now, was = item.after or "any version", item.before or "any version"
        told.append(
            (
                f"`{item.name}` moves from `{was}` to `{now}`.",
                [Evidence(path=".", fact=f"{item.name}: {item.before} -> {item.after}")],
            )
        )
    more = len(change.requirements_changed) - MAX_NAMED
    if more > 0:
        told.append((f"{_plural(more, 'other dependency', 'other dependencies')} move too.", []))
    return told


def _look_first(change: ChangeFacts) -> list[Told]:
    told: list[Told] = []
    if change.modules_added:
        first = change.modules_added[0]
        told.append((f"Start with `{first}`, which is new.", [Evidence(path=first, fact="added")]))
    if change.areas:
        area = change.areas[0]
        where = "the files at the top of the tree" if area.area == "." else f"`{area.area}`"
        told.append(
            (
                f"{'Then read' if told else 'Start with'} {where}, where the code moved most.",
                [Evidence(path=area.area, fact=f"{area.lines_before} -> {area.lines_after} lines")],
            )
        )
    return told


def _changelog(entries: list[str] | None, since: str, until: str) -> list[Told]:
    if not entries:
        return []
    evidence = [Evidence(path=".", fact=f"changelog {since}..{until}: " + " | ".join(entries))]
    told: list[Told] = [
        (f"The changelog's entries from {since} to {until} begin with these.", evidence)
    ]
    # Each entry's first sentence, quoted: one caption cue per entry.
    told += [(f"{_said(split_sentences(entry)[0])}.", evidence) for entry in entries if entry]
    return told


def _environment(environment: tuple[list[str], list[str]] | None) -> list[Told]:
    if environment is None:
        return []
    added, removed = environment
    told: list[Told] = []
    for names, verb in ((added, "now read"), (removed, "no longer read")):
        if names:
            ticked = _listed([f"`{n}`" for n in names])
            noun = "variable" if len(names) == 1 else "variables"
            evidence = [Evidence(path=".", fact=f"environment {verb}: {', '.join(names)}")]
            told.append((f"The changed files {verb} the environment {noun} {ticked}.", evidence))
    return told


def _features(commits: CommitGroups | None) -> list[Told]:
    if commits is None or not commits.features:
        return []
    said = "; ".join(_said(s) for s in commits.features)
    log = [Evidence(path=".", fact="feat commits: " + " | ".join(commits.features))]
    return [(f"The commits that add features say: {said}.", log)]


def _breaking(commits: CommitGroups | None) -> list[Told]:
    if commits is None or not commits.breaking:
        return []
    said = "; ".join(_said(s) for s in commits.breaking)
    log = [Evidence(path=".", fact="breaking commits: " + " | ".join(commits.breaking))]
    return [(f"Commits marked as breaking say: {said}.", log)]


def _chapter(title: str, told: list[Told]) -> ScriptChapter:
    return ScriptChapter(
        title=title,
        paragraphs=[" ".join(sentence for sentence, _ in told)],
        evidence=[evidence for _, evidence in told],
    )


def write_digest(
    change: ChangeFacts,
    *,
    since: str,
    until: str,
    repository: str,
    commits: CommitGroups | None = None,
    changelog: list[str] | None = None,
    environment: tuple[list[str], list[str]] | None = None,
) -> Script:
    """The digest of `change` between the refs `since` and `until`, as a script; `commits`,
    when the history between them was read, adds what the commits say; `changelog`, the
    changelog's entries for the releases between them, what the authors wrote of them;
    `environment`, the variables the changed files read newly and no longer."""
    title = f"{change.name}: what changed from {since} to {until}"
    if change.nothing and not (commits and commits.commits) and not changelog:
        sentence = (
            f"Between {since} and {until}, nothing a reader would notice changed in "
            f"{change.name}: the same source files, public names, ways in and dependencies."
        )
        chapter = _chapter(
            "Nothing changed", [(sentence, [Evidence(path=".", fact="no change found")])]
        )
        return Script(title=title, repository=repository, chapters=[chapter])
    sections = [
        (
            "The change in one minute",
            _summary(change, since, until) + _history(commits, since, until),
        ),
        ("What the changelog says", _changelog(changelog, since, until)),
        ("What is new", _new(change) + _features(commits)),
        ("What behaves differently", _different(change) + _environment(environment)),
        ("What was removed or may break callers", _removed(change) + _breaking(commits)),
        ("What it now builds on", _builds_on(change)),
        ("Where to look first", _look_first(change)),
    ]
    chapters = [_chapter(name, told) for name, told in sections if told]
    return Script(title=title, repository=repository, chapters=chapters)
