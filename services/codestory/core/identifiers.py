"""Identifiers as words: how `load_rows`, `getURLPath` and `py310` read aloud or compare."""

from __future__ import annotations

import re

# a lower-case letter before a capital, or a capital run before a capitalised word
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_SEPARATORS = re.compile(r"[_\-\s]+")


def split_identifier(name: str) -> list[str]:
    """`load_rows` -> [load, rows]; `getURLPath` -> [get, URL, Path]; `py310` -> [py, 310]."""
    parts: list[str] = []
    for word in _SEPARATORS.split(name.strip("_")):
        parts += _LETTER_DIGIT.sub(" ", _CAMEL.sub(" ", word)).split()
    return parts
