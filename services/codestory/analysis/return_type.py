"""The type a function's signature says it returns, by each language's way of saying it.

Only as much as following a call needs: `func NewTerminal(...) *Terminal` makes a
`*Terminal`, `def open() -> Session` a Session, `fn new() -> Self` its own type,
`static Parser create()` a Parser. Wrappers that only carry the value (an error beside it, an
Option, a Promise) are looked through.
"""

from __future__ import annotations

import re

# Types that wrap the value a function makes, or say nothing about it.
_WRAPPERS = frozenset(
    {
        "Result",
        "Option",
        "Optional",
        "Box",
        "Arc",
        "Rc",
        "RefCell",
        "Mutex",
        "Promise",
        "Future",
        "Awaitable",
        "Iterator",
        "List",
        "Vec",
        "Set",
        "Map",
        "Dict",
        "error",
        "void",
        "None",
        "const",
        "static",
        "final",
        "public",
        "private",
        "protected",
        "async",
        "inline",
        "virtual",
        "unsigned",
        "impl",
        "dyn",
        "mut",
        "func",
        "fn",
        "def",
        "pub",
        "self",
        "struct",
        "enum",
        "class",
    }
)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _first_type(text: str) -> str | None:
    for word in _IDENTIFIER.findall(text):
        if word not in _WRAPPERS:
            return str(word)
    return None


def _after_parameters(signature: str) -> str:
    """What follows the parameter list: Go's and C's results come after `(...)`."""
    depth = 0
    for index, char in enumerate(signature):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                rest = signature[index + 1 :]
                # Go methods open with their receiver: `func (c *Command) Execute() error`.
                if re.match(r"\s*\w+\s*\(", rest) and signature.lstrip().startswith("func ("):
                    return _after_parameters(rest)
                return rest
    return ""


def return_type(signature: str | None, name: str, parent: str | None = None) -> str | None:
    """The name of the type `signature` returns, or None where it does not say."""
    if not signature:
        return None
    text = signature.strip().rstrip("{:;").strip()
    if "->" in text:  # Python, Rust
        said = _first_type(text.rsplit("->", 1)[1])
    elif text.startswith("func"):  # Go
        said = _first_type(_after_parameters(text))
    elif re.search(r"\)\s*:\s*\S", text):  # TypeScript's `): Type`
        said = _first_type(text[text.rindex(":") + 1 :])
    else:  # Java, C, C++: the type comes before the name
        before = text.split("(", 1)[0]
        words = _IDENTIFIER.findall(before)
        said = _first_type(" ".join(words[:-1])) if words and words[-1] == name else None
    if said == "Self":
        return parent
    return said
