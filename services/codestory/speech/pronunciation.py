"""Say developers' words the way developers say them, for any voice.

The last step from written to spoken text (`text.Speaker.speak`). Captions and the
transcript keep the written words; only what a voice is given changes.

- Words developers say as words get a respelling every voice reads alike: hyphens keep
  the syllables one word (espeak-ng and neural voices alike read `red-iss` as one word).
- Acronyms developers spell out are spelled: `API` -> `A-P-I`. A lone `A` would be read
  as the article, so the letters are joined by hyphens, never spaced.
- SQL is spelled (`S-Q-L`), as the ISO standard, MySQL's manual ("My Ess Que Ell") and
  SQLite's author say it; one reading for the language and every product named after it.
- Identifiers are split into words first (`load_rows` -> load rows, `HttpRequest` ->
  Http Request), so each part meets the table.
"""

from __future__ import annotations

import re

from codestory.core.identifiers import split_identifier

# Whole words, matched whatever their case.
SAID_AS: dict[str, str] = {
    "codestory": "code-story",  # its own name: two words, or neural voices say "code-stree"
    "readme": "read-me",
    "json": "jay-sahn",
    "yaml": "yammel",
    "yml": "yammel",
    "toml": "tommel",
    "pytest": "pie-test",
    "redis": "red-iss",
    "valkey": "val-key",
    "celery": "sell-er-ee",
    "kubectl": "cube-control",
    "nginx": "engine-x",
    "sql": "S-Q-L",
    "postgresql": "Postgres-Q-L",
    "mysql": "My-S-Q-L",
    "sqlite": "S-Q-Lite",
    "nosql": "No-S-Q-L",
    "graphql": "Graph-Q-L",
    "grpc": "G-R-P-C",
    "pypi": "pie-P-I",
    "ipv4": "I-P-v4",
    "ipv6": "I-P-v6",
}

# Spelled letter by letter when written in capitals (and plural or possessive with an s).
SPELLED: frozenset[str] = frozenset(
    {
        "AI",
        "API",
        "AWS",
        "CD",
        "CI",
        "CLI",
        "CPU",
        "CSS",
        "CSV",
        "DB",
        "DNS",
        "GCP",
        "GPU",
        "HTML",
        "HTTP",
        "HTTPS",
        "ID",
        "IO",
        "IP",
        "JVM",
        "JWT",
        "LLM",
        "NPM",
        "ORM",
        "OS",
        "PR",
        "RPC",
        "SDK",
        "SSH",
        "SSL",
        "TCP",
        "TLS",
        "UDP",
        "UI",
        "URI",
        "URL",
        "VM",
        "XML",
    }
)
# Also spelled in lower case: none of these is an English word.
SPELLED_LOWER: frozenset[str] = frozenset(
    w.lower()
    for w in SPELLED
    if w not in {"AI", "CD", "CI", "DB", "ID", "IO", "IP", "OS", "PR", "UI", "VM"}
)

_WORD = re.compile(r"(?<!\w)_*[A-Za-z][A-Za-z0-9_]*")
# a lower-case letter before a capital, or a capital run before a capitalised word
_MIXED_CASE = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")


def say_word(word: str) -> str:
    """One word as a voice should be given it; anything unknown comes back as it was."""
    respelled = SAID_AS.get(word.lower())
    if respelled is not None:
        return respelled
    stem, plural = (word[:-1], "'s") if word.endswith("s") and len(word) > 2 else (word, "")
    for candidate, suffix in ((word, ""), (stem, plural)):
        if candidate in SPELLED or candidate in SPELLED_LOWER:
            return "-".join(candidate.upper()) + suffix
    return word


def _say_token(match: re.Match[str]) -> str:
    token = match.group(0)
    said = say_word(token)
    if said != token:  # in the table, or an acronym (`APIs` too): not split first
        return said
    if "_" in token.strip("_") or _MIXED_CASE.search(token):
        return " ".join(say_word(part) for part in split_identifier(token))
    return say_word(token.strip("_"))


def pronounce(text: str) -> str:
    """Text with every word as developers say it: the table, spelled acronyms, split names."""
    return _WORD.sub(_say_token, text)
