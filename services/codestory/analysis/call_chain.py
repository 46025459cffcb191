"""Chained calls as a README writes them: `Foo.builder().with(x).build()`,
`client.get(url).json()`. Each call's receiver is what the call before it returns."""

from __future__ import annotations

import re

# `Foo.builder`, `Foo::new`, `client.get`: the last name of a callee and what it is called on.
# A chain written over several lines keeps its line breaks before each dot.
_CALLEE = re.compile(r"(?:(?P<qualifier>.+?)\s*(?:\.|::)\s*)?(?P<name>[A-Za-z_$][\w$]*)", re.S)


def inner_call(qualifier: str | None) -> tuple[str | None, str] | None:
    """The call a chained receiver is the result of, as (its qualifier, its name):
    `Foo.builder().with(x)` -> (`Foo.builder()`, `with`); None where the receiver is no call."""
    if not qualifier or not qualifier.endswith(")"):
        return None
    depth = 0
    for index in range(len(qualifier) - 1, -1, -1):
        char = qualifier[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                callee = _CALLEE.fullmatch(qualifier[:index].rstrip())
                if callee is None:
                    return None
                return callee.group("qualifier"), callee.group("name")
    return None
