"""Split narration into sentences: one caption cue, one fact check per sentence.

A sentence ends at `.`, `!` or `?` followed by a space and a capital, a digit, a code span or
an opening quote.
Never inside a code span (`app.py`), a version (3.0.3) or an abbreviation (e.g.).
"""

from __future__ import annotations

import re

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "Mr.", "Dr.", "No.")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+(?=[A-Z0-9`\"'(\u201c\u2018])")


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    inside_code = False
    for index, char in enumerate(text):
        if char == "`":
            inside_code = not inside_code
            continue
        if inside_code or char not in ".!?":
            continue
        if text[index + 1 : index + 2] not in {" ", "\n"}:
            continue
        if char == "." and text[: index + 1].endswith(_ABBREVIATIONS):
            continue
        if not _NEXT_STARTS_SENTENCE.match(text, index + 1):
            continue
        sentences.append(text[start : index + 1].strip())
        start = index + 1
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [s for s in sentences if s]
