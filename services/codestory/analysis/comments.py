"""Docstrings and comments turned into the authors' own short description, minus legal text."""

from __future__ import annotations

import re

# Words that mark a comment as a licence or copyright notice rather than a description.
_LEGAL = re.compile(
    r"copyright|licen[cs]e[ds]?\b|spdx-|all rights reserved|permission is hereby granted|"
    r"warranty|\(c\) \d{4}|@license|@author|@copyright",
    re.IGNORECASE,
)
_COMMENT_MARKS = re.compile(r"^\s*(?:///?!?|/\*+!?|\*+/|\*|#+!?|--)\s?", re.MULTILINE)
_DOC_TAG = re.compile(r"^\s*[@:\\](?:param|return|returns|raises|throws|see|since|type|rtype)\b")
_DOC_FENCE = re.compile(r"^\\(?:rst|endrst|brief|details)\b\s*")  # Doxygen-style markers
_ROLE_MARKUP = re.compile(
    r":(?:[\w-]+:)+`~?([^`<]+?)(?:\s*<[^>]*>)?`"  # any Sphinx role: :envvar:`X`, :py:class:`Y`
)
_INLINE_MARKUP = re.compile(r"[`*]+|\{@\w+\s+([^}]*)\}")
_HTML_BREAK = re.compile(r"<(?:ul|ol|pre|table|dl|h\d)\b.*", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,80}>")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_SENTENCE = re.compile(r"(.+?[.!?])(?=\s|$)")
_NOT_PROSE = re.compile(
    r"^[\W\d_]*$|^(?:todo|fixme|xxx|hack|nolint|eslint|noqa|pylint|type:)\b", re.I
)


def is_legal_notice(text: str) -> bool:
    return bool(_LEGAL.search(text))


def strip_comment_marks(raw: str) -> str:
    """`/** A. */`, `// A.`, `/// A.`, `# A.` -> `A.` (line structure kept)."""
    text = raw.strip()
    if text.endswith("*/"):
        text = text[:-2]
    return _COMMENT_MARKS.sub("", text)


def first_sentence(text: str | None, limit: int = 220) -> str | None:
    """The first sentence of prose, at most `limit` characters, cut at a word boundary."""
    if not text:
        return None
    flat = " ".join(text.split())
    if not flat:
        return None
    match = _SENTENCE.match(flat)
    sentence = match.group(1) if match else flat
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


def describe(raw: str | None, *, limit: int = 220) -> str | None:
    """The description a comment or docstring gives, or None for legal text, tags or code."""
    if not raw:
        return None
    text = strip_comment_marks(raw)
    if is_legal_notice(text):
        return None
    paragraph: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not (stripped := _DOC_FENCE.sub("", stripped).strip()):
            continue  # a bare \\rst or \\endrst line
        if _DOC_TAG.match(stripped) or stripped.startswith((">>>", "```", "..")):
            break
        if not stripped:
            if paragraph:
                break
            continue
        if set(stripped) <= set("-=~^*#/"):
            continue  # underline or rule
        paragraph.append(stripped.lstrip("> ").lstrip("#").strip())
    joined = _HTML_BREAK.sub("", " ".join(paragraph))
    joined = _MARKDOWN_LINK.sub(r"\1", _HTML_TAG.sub("", joined))
    prose = _ROLE_MARKUP.sub(r"\1", joined)
    prose = _INLINE_MARKUP.sub(lambda m: m.group(1) or "", prose).strip()
    if len(prose) < 8 or _NOT_PROSE.match(prose) or not re.search(r"[A-Za-z]{3}", prose):
        return None
    return first_sentence(prose, limit)


def python_docstring(literal: str) -> str:
    """The text of a Python string literal node, without prefix or quotes."""
    body = literal.lstrip("rRbBuUfF")
    for quote in ('"""', "'''", '"', "'"):
        if body.startswith(quote) and body.endswith(quote) and len(body) >= 2 * len(quote):
            return body[len(quote) : -len(quote)]
    return body
