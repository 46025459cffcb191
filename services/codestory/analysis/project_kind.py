"""What kind of project this is (library, framework, command-line tool, service or
application), with the evidence that says so.

The project's own one-line description is the strongest evidence: its head noun
("a lightweight WSGI web application framework", "a line-oriented search tool") says
what the authors built, even when a library also ships a small command. Without one,
the ways in decide: none means a library; a program that serves requests is a service;
one run through a web framework's launcher is an application; any other is a tool.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

KINDS = ("library", "framework", "cli", "application", "service")
# Head nouns of a self-description, by the kind they name.
_NOUNS: tuple[tuple[str, str], ...] = (
    ("framework", r"framework"),
    ("library", r"librar(?:y|ies)|toolkit|sdk|bindings?|wrapper|module|package"),
    ("cli", r"command[- ]line(?: \w+)?|cli|tool|utility|program"),
    ("service", r"server|daemon|service|proxy"),
    ("application", r"app(?:lication)?"),
)
_NOUN = re.compile("|".join(rf"\b(?P<{kind}>{words})\b" for kind, words in _NOUNS), re.IGNORECASE)
# The head noun comes before what it is for: "a tool for searching", "a server that ...".
_CLAUSE_END = re.compile(
    r"[.;:(]|\s(?:for|that|which|to|with|in|on|written|built|using|based|from|of)\s",
    re.IGNORECASE,
)


class ProjectKind(BaseModel):
    kind: str
    evidence: str


def described_kind(description: str | None, name: str | None = None) -> str | None:
    """The kind a description's first clause names by its last head noun, if any. The
    project's own name is no head noun ("Apache Commons CLI provides an API ...")."""
    if not description:
        return None
    text = description.strip()
    if name and len(name) > 2:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text, flags=re.IGNORECASE).strip()
    # "X is a ..." : the clause after the verb.
    text = re.sub(r"^.{0,60}?\b(?:is|are)\s+(?:an?|the)\s+", "", text, count=1)
    clause = _CLAUSE_END.split(text, maxsplit=1)[0]
    found = [m for m in _NOUN.finditer(clause) if m.lastgroup]
    if not found:
        return None
    head = found[-1]
    # "a server program", "a proxy program": a generic head takes the kind of the noun
    # that qualifies it.
    if head.group().lower() == "program" and len(found) > 1:
        before = found[-2]
        if not clause[before.end() : head.start()].strip():
            return before.lastgroup
    return head.lastgroup


def project_kind(
    *,
    description: str | None,
    programs: list[str],
    application: str | None,
    serves: str | None,
    name: str | None = None,
) -> ProjectKind:
    """`programs` names the ways in that run by themselves, `application` the evidence of a
    framework-launched application, `serves` the evidence that a program answers requests."""
    said = described_kind(description, name)
    if said in {"library", "framework"}:
        return ProjectKind(kind=said, evidence="its description calls it a " + said)
    if application:
        return ProjectKind(kind="application", evidence=application)
    if said and programs:
        return ProjectKind(kind=said, evidence=f"its description calls it a {said}")
    if programs:
        if serves:
            return ProjectKind(kind="service", evidence=serves)
        return ProjectKind(kind="cli", evidence=f"it is run as {programs[0]}")
    if said:
        return ProjectKind(kind=said, evidence=f"its description calls it a {said}")
    return ProjectKind(kind="library", evidence="nothing in it runs by itself")
