"""The names a function's parameter lists bind, read from its signature as written.

A parameter hides any outer name it shares in every language read here: inside
`function compile (format)`, `format` is the argument, not the file's function `format`.
Only the names count, never the types (`Config(...)` inside `f(config: Config)` or Java's
`f(Config config)` still makes a Config); where the name stands is the ecosystem's
convention: first in `name: Type` (Python, TypeScript, Rust, Go's `name Type`), last in
`Type name` (Java, C, C++)."""

from __future__ import annotations

import functools
import re

_WORD = re.compile(r"[A-Za-z_$][\w$]*")
# Words that precede a parameter's name without being it.
_MARKERS = frozenset(
    {"mut", "ref", "self", "const", "final", "var", "val", "in", "out", "struct", "enum"}
    | {"private", "public", "protected", "readonly", "override"}  # TypeScript's properties
)
# C's function pointer `int (*callback)(void *)`: the name inside `(*...)`.
_POINTER_NAME = re.compile(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)")


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


def _declared(parameter: str) -> str:
    """A parameter without its default value (`cb=on_done` names an outer thing)."""
    return re.split(r"(?<![=!<>:])=(?![=>])", parameter, maxsplit=1)[0].strip()


def _name_first(parameter: str) -> set[str]:
    """`name: Type`, `*args`, `mut name: T`, `name Type`, or a destructured `{a, b}`."""
    if parameter[:1] in "{[":  # a destructuring pattern: every name inside it
        close = max(parameter.rfind("}"), parameter.rfind("]"))
        return set(_WORD.findall(parameter[: close + 1])) - _MARKERS
    words = [w for w in _WORD.findall(parameter.split(":")[0]) if w not in _MARKERS]
    return set(words[:1])


def _name_last(parameter: str) -> set[str]:
    """`Type name`, `final Map<K, V> name`, `const char *name`, `int (*name)(void *)`."""
    pointer = _POINTER_NAME.search(parameter)
    if pointer:
        return {pointer.group(1)}
    bare, previous = parameter, ""
    while bare != previous:  # generics inside generics: `Map<String, List<Integer>>`
        previous, bare = bare, re.sub(r"<[^<>]*>|\[[^\]]*\]|@\w+(?:\([^)]*\))?", " ", bare)
    words = [w for w in _WORD.findall(bare) if w not in _MARKERS]
    return set(words[-1:]) if len(words) >= 2 else set()


@functools.lru_cache(maxsize=1 << 14)  # many functions share a signature: `(self)`, `(ctx)`
def parameter_names(signature: str | None, *, name_last: bool = False) -> frozenset[str]:
    """The names a signature's parameters bind; `name_last` for `Type name` languages."""
    if not signature:
        return frozenset()
    read = _name_last if name_last else _name_first
    names: set[str] = set()
    for group in _groups(signature):
        for parameter in _split(group):
            declared = _declared(parameter)
            if declared:
                names |= read(declared)
    return frozenset(names)
