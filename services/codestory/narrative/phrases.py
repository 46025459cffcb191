"""Small helpers that turn lists and numbers into natural English."""

from __future__ import annotations

from collections.abc import Sequence


def join_words(items: Sequence[str], conjunction: str = "and", separator: str = ", ") -> str:
    """`a, b and c`; pass separator="; " when the items have commas of their own."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    # A semicolon list keeps its last separator, or the final item would blur into the one before.
    last = separator.rstrip() if separator != ", " and len(items) > 2 else ""
    return f"{separator.join(items[:-1])}{last} {conjunction} {items[-1]}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {word}"


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def quoted_summary(summary: str) -> str:
    return summary.rstrip(".!?… ")


def about(count: int) -> str:
    """A number as a person would round it aloud: 7,956 -> `about 8,000`."""
    if count < 100:
        return f"{count}"
    if count < 1_000:
        return f"about {round(count, -1):,}"
    if count < 10_000:
        return f"about {round(count, -2):,}"
    if count < 1_000_000:
        return f"about {round(count, -3):,}"
    return f"about {round(count / 1_000_000, 1):g} million"


def code(name: str) -> str:
    """Mark a path or identifier, so the speech layer can say it the way people do."""
    return f"`{name}`"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text
