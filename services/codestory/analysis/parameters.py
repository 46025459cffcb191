"""The names a function's parameter lists bind, read from its signature as written.

A parameter hides any outer name it shares in every language read here: inside
`function compile (format)`, `format` is the argument, not the file's function `format`."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z_$][\w$]*")


def _groups(signature: str) -> list[str]:
    """The text inside each outermost pair of parentheses: the parameter lists (a Go
    method's receiver and results too), nested parentheses kept inside their group."""
    groups: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(signature):
        if char == "(":
            if depth == 0:
                start = index + 1
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                groups.append(signature[start:index])
    return groups


def _split(group: str) -> list[str]:
    """A parameter list split at its own commas (not a generic's or a default's)."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(group):
        if char in "([{<":
            depth += 1
        elif char in ")]}>" and depth:
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(group[start:index])
            start = index + 1
    parts.append(group[start:])
    return parts


def parameter_names(signature: str | None) -> frozenset[str]:
    """Every word a parameter declares, with its stated type (`format`, `Config` in
    `config: Config`): a default value (`cb=on_done`) names an outer thing, so it is left
    out. A word of the type too, because which word is the name differs by language; a
    function is rarely called by a type's name."""
    if not signature:
        return frozenset()
    names: set[str] = set()
    for group in _groups(signature):
        for parameter in _split(group):
            declared = re.split(r"(?<![=!<>:])=(?![=>])", parameter, maxsplit=1)[0]
            names.update(_WORD.findall(declared))
    return frozenset(names)
