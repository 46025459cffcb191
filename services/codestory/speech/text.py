"""Rewrite written text for the ear.

A path is said in full the first time (file name, then its folder), and afterwards by its
short name; a folder already named is not spelled out again. Identifiers are split the way
people say them (`run_story_task` -> run story task, `HTTPServer` -> HTTP Server), versions
and dates are read as numbers (`v2` -> version 2), URLs are never read, and sentence ends
stay sentence ends. Last, every word is said as developers say it (`pronunciation`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from codestory.core.identifiers import split_identifier
from codestory.speech.pronunciation import pronounce

_CODE_SPAN = re.compile(r"`([^`\n]{1,200})`")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s)>\]]+|\bwww\.[^\s)>\]]+")
_VERSION = re.compile(r"\b([vV])?(\d+)\.(\d+)(?:\.(\d+))?\b(?!\.\d)")
_MAJOR_VERSION = re.compile(r"\bv(\d+)\b")  # not V8, the JavaScript engine
# A path outside backticks: folders and a file with an extension, or a folder ending in /.
_BARE_PATH = re.compile(r"(?<![\w/.@:-])(?:[\w.-]+/)+(?:[\w-]+\.[A-Za-z]\w*|(?=[\s,;:.)]|$))")
# A placeholder in angle brackets (`src/bin/<name>.rs`): said as its word, never as "less
# than ... greater than", which neural voices read out.
_PLACEHOLDER = re.compile(r"<([A-Za-z][\w-]*)>")
# A generic type as its authors wrote it (`Map<K, V>`): said "Map of K, V".
_GENERIC = re.compile(r"(?<=\w)<([A-Za-z][\w.]*(?:,\s?[A-Za-z][\w.]*)*)>")
# A comparison in the authors' words (`limit - pos >= minimum`), operators standing apart.
_COMPARISON = re.compile(r"(?<=\s)(>=|<=|==|!=|<|>)(?=\s)")
_COMPARISON_WORDS = {
    ">=": "greater than or equal to",
    "<=": "less than or equal to",
    "==": "equals",
    "!=": "not equal to",
    "<": "less than",
    ">": "greater than",
}
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_PROTOCOL_VERSION = re.compile(r"\b([A-Z]{2,})/(?=\d)")  # HTTP/1.1, TLS/1.3: no "slash"
# `main` in `httpx/_main.py`: a name and a file of the same name; said once, by its folder.
_NAMESAKE = re.compile(r"`(?P<name>\w+)` in `(?P<folder>(?:[\w.-]+/)*)_?(?P=name)\.\w+`")
_BARE_FILE = re.compile(r"\b([\w-]+)\.(py|js|ts|go|rs|java|c|h|cpp|md|rst|toml|json|yaml|yml)\b")
CODE_EXTENSIONS = frozenset(
    {
        "py",
        "pyi",
        "js",
        "mjs",
        "cjs",
        "jsx",
        "ts",
        "tsx",
        "go",
        "rs",
        "java",
        "kt",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "hh",
        "rb",
        "php",
        "cs",
        "swift",
        "scala",
    }
)
_SPECIAL_FILES = {
    "readme": "the README",
    "makefile": "the Makefile",
    "dockerfile": "the Dockerfile",
}


def say_identifier(name: str) -> str:
    """`run_story_task` -> `run story task`; `getURLPath` -> `get URL Path`; `py310` -> `py 310`."""
    return " ".join(split_identifier(name))


def _say_file(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    special = _SPECIAL_FILES.get(stem.lower() if extension else name.lower())
    if special:
        return special
    if extension.lower() in CODE_EXTENSIONS or not extension:
        return say_identifier(stem)
    return f"{say_identifier(stem)} dot {extension.lower()}"


@dataclass
class Speaker:
    """Keeps what has been said across a whole story, so repeats can be short."""

    said_paths: set[str] = field(default_factory=set)
    said_folders: set[str] = field(default_factory=set)

    def folder(self, folder: str) -> str:
        parts = folder.split("/")
        if folder in self.said_folders:
            return f"the {say_identifier(parts[-1])} folder"
        parent = "/".join(parts[:-1])
        self.said_folders.add(folder)
        if parent and parent in self.said_folders:
            return f"{say_identifier(parts[-1])}, inside {say_identifier(parts[-2])}"
        if len(parts) > 3:  # Java-style package trees: the ends carry the meaning
            return f"{say_identifier(parts[-1])}, deep inside {say_identifier(parts[0])}"
        return " slash ".join(say_identifier(p) for p in parts)

    def path(self, path: str) -> str:
        path = path.strip("/")
        folder, _, name = path.rpartition("/")
        if path in self.said_paths:
            return _say_file(name)
        self.said_paths.add(path)
        if not folder:
            return _say_file(name)
        if "." not in name:  # a folder
            return self.folder(path)
        return f"{_say_file(name)} in {self.folder(folder)}"

    def code(self, span: str) -> str:
        if span.startswith(_COMMAND_PREFIXES):
            command = span.replace("./...", "all packages").removeprefix("./")
            return " ".join(say_identifier(w) for w in command.split())
        if "(" in span or " " in span:  # a signature: read the words, not the punctuation
            words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)
            return ", ".join(say_identifier(w) for w in words[:16])
        if re.match(r"^[\w-]+\.[a-z]{2,}/", span):  # a Go or web module name
            tail = [p for p in span.split("/")[-2:] if not re.fullmatch(r"v\d+", p)]
            return " ".join(say_identifier(p) for p in tail[-1:])
        if _VERSION.fullmatch(span) or _MAJOR_VERSION.fullmatch(span):
            return _MAJOR_VERSION.sub(r"version \1", _VERSION.sub(_say_version, span))
        if "/" in span or _BARE_FILE.fullmatch(span):
            return self.path(span)
        if "." in span and not span.startswith("."):  # Class.method
            owner, _, member = span.rpartition(".")
            return f"{say_identifier(owner.rsplit('.', 1)[-1])}'s {say_identifier(member)}"
        return say_identifier(span)

    def shown(self, text: str) -> str:
        """`text` as its caption shows it while the voice says `speak(text)`: code unquoted,
        and a path the voice has said before shortened to its last part, as the voice says
        it. Changes nothing, so call it just before `speak` on the same sentence."""
        seen = set(self.said_paths)

        def path(written: str) -> str:
            key = written.strip("/")
            if key in seen:
                return key.rpartition("/")[2] + ("/" if written.endswith("/") else "")
            seen.add(key)
            return written

        def part(match: re.Match[str]) -> str:
            if match.lastgroup == "url":
                return match.group(0)
            if match.lastgroup == "bare":
                return path(match.group(0))
            span = match.group("code")
            return path(span) if _is_path_span(span) else span

        return _SHOWN_PARTS.sub(part, _NAMESAKE.sub(_namesake, text))

    def say(self, text: str) -> tuple[str, str]:
        """What the voice is given for `text`, and what its caption shows meanwhile."""
        shown = self.shown(text)
        return self.speak(text), shown

    def speak(self, text: str) -> str:
        text = _URL.sub(_say_url, text)
        text = _GENERIC.sub(r" of \1", text)
        text = _PLACEHOLDER.sub(r"\1", text)
        text = _COMPARISON.sub(lambda m: _COMPARISON_WORDS[m.group(1)], text)
        text = _PROTOCOL_VERSION.sub(r"\1 ", text)
        text = _NAMESAKE.sub(_namesake, text)
        text = _CODE_SPAN.sub(lambda m: self.code(m.group(1)), text)
        text = _BARE_PATH.sub(lambda m: self.path(m.group(0)), text)
        text = _DATE.sub(_say_date, text)
        text = _VERSION.sub(_say_version, text)
        text = _MAJOR_VERSION.sub(r"version \1", text)
        text = _BARE_FILE.sub(lambda m: _say_file(m.group(0)), text)
        return pronounce(re.sub(r"\s+", " ", text).strip())


_COMMAND_PREFIXES = ("make ", "npm ", "go ", "cargo ", "mvn ", "gradle ", "./", "python ")
# One pass, so a path a code span shows is never taken for a bare path again.
_SHOWN_PARTS = re.compile(
    f"(?P<url>{_URL.pattern})|`(?P<code>[^`\n]{{1,200}})`|(?P<bare>{_BARE_PATH.pattern})"
)


def _is_path_span(span: str) -> bool:
    """Whether `Speaker.code` reads this code span as a path (and so says it short later)."""
    if span.startswith(_COMMAND_PREFIXES) or "(" in span or " " in span:
        return False
    if re.match(r"^[\w-]+\.[a-z]{2,}/", span):  # a Go or web module name
        return False
    if _VERSION.fullmatch(span) or _MAJOR_VERSION.fullmatch(span):
        return False
    return "/" in span or _BARE_FILE.fullmatch(span) is not None


# Code forges whose addresses name a repository as `host/owner/name`.
_FORGES = {
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "codeberg.org": "Codeberg",
    "bitbucket.org": "Bitbucket",
}


def _say_url(match: re.Match[str]) -> str:
    """A web address as a listener can take it: a forge's repository by its name ("the
    is-network-error repository on GitHub"), any other as "a web address"."""
    written = match.group(0)
    address = re.sub(r"^(?:https?|ftp)://", "", written).rstrip(".,;:")
    after = written[len(written.rstrip(".,;:")) :]  # the sentence's own stop, kept
    host, _, rest = address.partition("/")
    forge = _FORGES.get(host.lower().removeprefix("www."))
    parts = [p for p in rest.split("/") if p]
    if forge and len(parts) >= 2 and re.fullmatch(r"[\w.-]+", parts[1]):
        name = parts[1].removesuffix(".git")
        return f"the {name} repository on {forge}{after}"
    return f"a web address{after}"


def _namesake(match: re.Match[str]) -> str:
    folder = match.group("folder").rstrip("/")
    return f"`{match.group('name')}` in `{folder}/`" if folder else f"`{match.group('name')}`"


def _say_version(match: re.Match[str]) -> str:
    prefix, *numbers = match.groups()
    said = " point ".join(n for n in numbers if n is not None)
    return f"version {said}" if prefix else said


def _say_date(match: re.Match[str]) -> str:
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return match.group(0)
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def speakable(text: str, speaker: Speaker | None = None) -> str:
    """Text as it should be spoken; pass one `Speaker` for a whole story."""
    return (speaker or Speaker()).speak(text)
