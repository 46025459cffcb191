"""An independent check of a change digest against the two trees it compares: each claim a
digest makes in its own words is looked up in the files themselves (a file new or gone, a
name defined here and not there, a class's bases, a dependency, a version), with the truth
checker's own readers. It never reads the analyser's facts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.truth.checker import Finding, Tree, defines, sentences

TICKED = re.compile(r"`([^`]+)`")


@dataclass
class DigestChecker:
    old: Tree
    new: Tree

    def check(self, chapters: list[tuple[str, str]]) -> tuple[list[Finding], int]:
        """The false claims of a digest's chapters (title, text), and how many were checked."""
        findings: list[Finding] = []
        checked = 0
        for title, text in chapters:
            for sentence in sentences(text):
                problems = self._sentence(title, sentence)
                if problems is None:
                    continue
                checked += 1
                findings += [Finding(sentence, p) for p in problems]
        return findings, checked

    def _defines(self, tree: Tree, path: str, name: str) -> bool:
        text = tree.files.get(path)
        return text is not None and defines(text, path, name)

    def _in_changelog(self, quoted: str) -> bool:
        """Whether a changelog at the top of the newer tree holds the quoted words, its
        markup (``code``, roles) and line breaks aside."""

        def plain(text: str) -> str:
            return " ".join(re.sub(r":[a-z]+:`[^`]*`|[`*]", "", text).split())

        wanted = plain(quoted)
        return any(
            wanted in plain(text)
            for path, text in self.new.files.items()
            if "/" not in path and re.match(r"(?i)(changelog|changes|history|news)", path)
        )

    def _manifest_asks(self, tree: Tree, name: str, wanted: str) -> bool:
        """Whether a manifest line names the dependency with that version range."""
        manifests = ("pyproject.toml", "package.json", "Cargo.toml", "go.mod", "setup.cfg")
        pattern = re.escape(name) + r"[^\n]{0,40}?" + re.escape(wanted.replace(" ", ""))
        return any(
            re.search(pattern, text.replace(" ", ""), re.IGNORECASE)
            for path, text in tree.files.items()
            if path.endswith(manifests)
        )

    def _declares(self, tree: Tree, path: str, name: str, base: str) -> bool:
        """Whether `path` declares the type `name` on `base` (`class Flask(App)`, `class A
        extends B`, `struct S : B`): the declaration's own line names both."""
        declaration = rf"\b(?:class|struct|interface|type)\s+{re.escape(name)}\b[^\n]{{0,160}}"
        return re.search(declaration + re.escape(base), tree.files.get(path, "")) is not None

    def _sentence(self, title: str, sentence: str) -> list[str] | None:
        ticked = TICKED.findall(sentence)
        if sentence.startswith("New source files:"):
            return [
                f"{p} is not new" for p in ticked if not self.new.exists(p) or self.old.exists(p)
            ]
        if sentence.startswith("Source files removed:"):
            return [
                f"{p} was not removed"
                for p in ticked
                if not self.old.exists(p) or self.new.exists(p)
            ]
        if sentence.startswith("In `") and ":" in sentence and title != "What behaves differently":
            path, names = ticked[0], ticked[1:]
            if title == "What is new":
                return [
                    f"{n} is not newly defined in {path}"
                    for n in names
                    if not self._defines(self.new, path, n) or self._defines(self.old, path, n)
                ]
            return [
                f"{n} is still defined in {path}, or never was"
                for n in names
                if not self._defines(self.old, path, n) or self._defines(self.new, path, n)
            ]
        if " now defined in `" in sentence:
            *names, after, before = ticked
            return [
                f"{n} did not move from {before} to {after}"
                for n in names
                if not self._defines(self.new, after, n)
                or not self._defines(self.old, before, n)
                or self._defines(self.new, before, n)
            ]
        if " now builds on `" in sentence:
            name, path, base, *was = ticked
            checks = [(self.new, base, "does not build on")]
            checks += [(self.old, was[0], "did not build on")] if was else []
            return [
                f"{name} in {path} {problem} {wanted}"
                for tree, wanted, problem in checks
                if not self._declares(tree, path, name, wanted)
            ]
        if sentence.startswith(("It now depends on", "It no longer depends on")):
            before = (self.old.dependencies() or (set(), set()))[0]
            after = (self.new.dependencies() or (set(), set()))[0]
            added = sentence.startswith("It now")
            return [
                f"{d} is not a {'new' if added else 'dropped'} dependency"
                for d in ticked
                if (added and (d not in after or d in before))
                or (not added and (d not in before or d in after))
            ]
        if title == "What the changelog says" and sentence.startswith("\u201c"):
            quoted = sentence.strip("\u201c\u201d.").rstrip(".")
            return [] if self._in_changelog(quoted) else [f"the changelog does not say {quoted!r}"]
        if re.fullmatch(r"`[^`]+` moves from `[^`]+` to `[^`]+`\.", sentence):
            name, before, after = ticked
            return [
                f"no manifest of the {side} tree asks {wanted} of {name}"
                for side, tree, wanted in (("newer", self.new, after), ("older", self.old, before))
                if wanted != "any version" and not self._manifest_asks(tree, name, wanted)
            ]
        found = re.match(r"This digest of .+ covers version (\S+) to version (\S+)\.$", sentence)
        if found:
            old, new = found.group(1), found.group(2)
            return [
                f"version {v} is not in the {side} tree"
                for v, side, tree in ((old, "older", self.old), (new, "newer", self.new))
                if not any(v in text for text in tree.files.values())
            ]
        return None
