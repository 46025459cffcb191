"""Docstrings and comments turned into the authors' own short description, minus legal text."""

from __future__ import annotations

import re
from itertools import pairwise

# Words that mark a comment as a licence or copyright notice rather than a description.
_LEGAL = re.compile(
    r"copyright|licen[cs]e[ds]?\b|spdx-|all rights reserved|permission is hereby granted|"
    r"warranty|\(c\) \d{4}|@license|@author|@copyright",
    re.IGNORECASE,
)
# `[ \t]*`, not `\s*`: a blank line between paragraphs must survive the marks' removal.
_COMMENT_MARKS = re.compile(r"^[ \t]*(?:///?!?|/\*+!?|\*+/|\*|#+!?|--)[ \t]?", re.MULTILINE)
# A docstring that opens with an example is code, not a description: `url = URL("...")`,
# `assert x == 1`, `$ tool run`, `import x`, `result = f(a)`.
_CODE_LINE = re.compile(
    r"^(?:[\w.\[\]'\"]+\s*(?:=|\+=|-=)(?!=)|assert\s|import\s|from\s+[\w.]+\s+import\s|\$\s"
    r"|return\s|def\s|class\s\w+[:(]|[\w.]+\(.*\)[;:]?\s*$|[{}\[\]();]+$)"
)
_DOC_TAG = re.compile(r"^\s*[@:\\](?:param|return|returns|raises|throws|see|since|type|rtype)\b")
# Doxygen's markers, written `\brief` or `@brief`: the words after them are the comment's.
_DOC_FENCE = re.compile(r"^[\\@](?:rst|endrst|brief|short|details)\b\s*")
# Doxygen's `@file yaml.h` (or `\file`) names the file the comment documents: no words.
_DOC_FILE = re.compile(r"^[\\@]file\b")
# The markup patterns below scan at most a few hundred characters from where each match
# could start: an open `[`, `{@` or `:role:` never closed would otherwise be scanned to the
# end of the text from every one of them, quadratic in a long comment.
_ROLE_MARKUP = re.compile(  # any Sphinx role: :envvar:`X`, :py:class:`Y`
    r":(?:[\w-]{1,40}:){1,4}`~?([^`<]{1,200}?)(?:\s{0,20}<[^>]{0,200}>)?`"
)
_INLINE_MARKUP = re.compile(r"[`*]+|\{@\w{1,40}\s{1,20}([^}]{0,200})\}")
_HTML_BREAK = re.compile(r"<(?:ul|ol|pre|table|dl|h\d)\b.*", re.IGNORECASE | re.DOTALL)
_CODE_TAG = re.compile(r"\{@(?:code|literal)\s{1,20}([^}]{0,200})\}")
# `<body>`, `</p>`, `<br/>`; not a generic's `<T>` in `List<T>`, shown as written.
_ELEMENT = re.compile(r"(?<![\w>])</?([A-Za-z][\w.:-]{0,40})\s{0,5}/?>")
# Markup of the tags HTML (and so Javadoc) knows; `<tab>`, `<T>` or `<file>` in a comment
# are the authors' words and stay.
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|caption|center|cite|code|dd|del|details|div|dl|dt|em|"
    r"font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|q|s|samp|small|span|strike|strong|sub|"
    r"summary|sup|table|tbody|td|th|thead|tr|tt|u|ul|var)\b[^<>]{0,80}>",
    re.IGNORECASE,
)
_MARKDOWN_LINK = re.compile(r"\[([^\]]{1,200})\](?:\([^)]{0,500}\)|\[[^\]]{0,200}\])")
# A description is the first sentence of a paragraph, at most 220 characters: the markup
# passes read at most this much of the paragraph, however long the comment.
MAX_PARAGRAPH = 2000
# A sentence ends at . ! or ? before a space, never inside an abbreviation ("e.g. 10 kB").
_SENTENCE = re.compile(
    r"(.+?(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bcf)(?<!\bapprox)[.!?])(?=\s|$)",
    re.IGNORECASE,
)
# An opening that points at what follows it (a diagram, a list, an example) says nothing
# once what it points at is gone: "broken down like this:", "works as follows.".
_POINTS_AHEAD = re.compile(
    r"\b(?:like (?:this|so)|as follows|(?:the|as) (?:following|below)(?: \w+)?|shown below|"
    r"(?:see|is|are) (?:below|here)|for example|"
    # A clause cut before its list: "An AppWorker is responsible for:".
    r"for|to|of|with|by|from|the|an?|is|are|includes?|including|such as|namely)\W*$",
    re.IGNORECASE,
)
# A comment that sends the reader elsewhere for the description: C's and C++'s sources
# defer to the header ("See documentation in header file."), Javadoc's and Sphinx's
# cross-references ("See {@link Parser}.", "See :func:`load`."). Quoted, it tells the
# listener nothing about the code; "see if" and "see whether" describe a check.
_POINTS_ELSEWHERE = re.compile(
    r"^(?:for (?:more |further |full )?(?:details|documentation|docs|info(?:rmation)?),?\s+)?"
    r"(?:please\s+)?(?:see|refer to|consult)\b(?!\s+(?:if|whether)\b)"
    r"|^(?:documented|documentation (?:is|lives)|docs are|described|explained)\b",
    re.IGNORECASE,
)
_NOT_PROSE = re.compile(
    r"^[\W\d_]*$|^(?:todo|fixme|xxx|hack|nolint|eslint|noqa|pylint|type:)\b"
    # Editors' modelines (Emacs' `-*- Mode: C; tab-width: 4 -*-`, vim's `vim: set ts=4`).
    r"|^[-*\s]*mode:\s*[\w+-]+\s*;|^\W*(?:vim?|ex):\s*(?:set\s)?\w+="
    # Eclipse's marker over an override whose documentation is inherited: no words of its own.
    r"|^\(non-javadoc\)"
    # A pointer to another comment ("See above."): it says nothing where it is told.
    r"|^see (?:above|below)\W*$"
    # A version-control keyword line: `$Id: tree.h,v 1.13 2011/07/09 alice Exp $`.
    r"|^\$[A-Za-z]+(?::[^$]*)?\$",
    re.I,
)


# The same words in lower case, searched case-sensitively in lowered ASCII text: the same
# answer several times faster than a case-insensitive search (its pattern is all lower
# case, and ASCII lowers one letter to one letter).
_LEGAL_LOWER = re.compile(_LEGAL.pattern)


def is_legal_notice(text: str) -> bool:
    if text.isascii():
        return bool(_LEGAL_LOWER.search(text.lower()))
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
    if sentence.endswith((",", ";")):  # a clause whose rest went to the tags below it
        sentence = sentence[:-1].rstrip() + "."
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


_THREE_LETTERS = re.compile(r"[A-Za-z]{3}")
# The words that open a list a sentence leads into ("... formatting, including:").
_LEAD_IN = re.compile(r"[\s,]*(?:\b(?:featuring|including|such as|like|with|offering))?\s*:$")


def end_lead_in(text: str) -> str:
    """A sentence leading into a list or a drawing ("... tools in Go featuring:"), ended
    before the words that open the list."""
    return _LEAD_IN.sub(".", text) if text.endswith(":") else text


def describe(raw: str | None, *, limit: int = 220) -> str | None:
    """The description a comment or docstring gives, or None for legal text, tags or code."""
    if not raw:
        return None
    text = strip_comment_marks(raw)
    if is_legal_notice(text):
        return None
    paragraph = _first_prose_paragraph(text)
    joined = _join_lines(_ended_by_their_authors(paragraph))[:MAX_PARAGRAPH]
    # Each markup pass runs only where the character its every match holds is present: most
    # comments have none of them, and a search for one character is far cheaper.
    if "<" in joined:
        joined = _HTML_BREAK.sub("", joined)
    joined = end_lead_in(joined)  # "Our exception hierarchy:" over a drawing or a list
    if "{@" in joined:
        # `{@code <body>}` names an element: its words stay when the HTML tags go. Javadoc
        # shows the rest of a code tag literally: `{@code limit - pos >= minimum}` keeps `>=`.
        joined = _CODE_TAG.sub(lambda m: _ELEMENT.sub(r"\1", m.group(1)), joined)
    if "<" in joined:
        joined = _HTML_TAG.sub("", joined)
    if "[" in joined:
        joined = _MARKDOWN_LINK.sub(r"\1", joined)
    prose = _ROLE_MARKUP.sub(r"\1", joined) if "`" in joined else joined
    if "`" in prose or "*" in prose or "{@" in prose:
        prose = _INLINE_MARKUP.sub(lambda m: m.group(1) or "", prose)
    prose = prose.strip()
    if len(prose) < 8 or _NOT_PROSE.match(prose) or not _THREE_LETTERS.search(prose):
        return None
    sentence = first_sentence(prose, limit)
    if sentence is None or _POINTS_AHEAD.search(sentence.rstrip(".!?…")):
        return None
    if _POINTS_ELSEWHERE.match(sentence):
        return None
    return sentence


# Words a comment may add to a name without saying anything about it.
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "class",
        "function",
        "method",
        "constructor",
        "type",
        "interface",
        "struct",
        "enum",
        "trait",
        "object",
        "module",
        "definition",
        "implementation",
        "new",
        "create",
        "creates",
        "returns",
        "return",
    ]
)
_NAME_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def restates_name(doc: str, name: str) -> bool:
    """Whether a comment only repeats its definition's name: `InvalidArgumentError class.`,
    `Creates a new Command.` A listener learns nothing from hearing it."""
    base = name.rsplit(".", 1)[-1]
    parts = {p.lower() for p in _NAME_PARTS.findall(base)} | {base.lower()}
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", doc)]
    return all(w in parts or w in _FILLER for w in words)


def _first_prose_paragraph(text: str) -> list[str]:
    """The lines of the first paragraph that is prose; a paragraph of code is passed over,
    and tags, doctests, fences and directives end the search."""
    paragraph: list[str] = []
    is_code = False
    for line in text.splitlines():
        stripped = line.strip()
        # Fences and tags open with a backslash, `@` or `:`: only such lines are matched.
        if stripped[:1] in ("\\", "@") and _DOC_FILE.match(stripped):
            continue
        if stripped[:1] in ("\\", "@") and not (stripped := _DOC_FENCE.sub("", stripped).strip()):
            continue  # a bare \\rst or \\endrst line
        if (stripped[:1] in _TAG_OPENERS and _DOC_TAG.match(stripped)) or stripped.startswith(
            (">>>", "```", "..")
        ):
            break
        if not stripped:
            if paragraph and not is_code:
                break
            paragraph, is_code = [], False
            continue
        if set(stripped) <= _RULE_CHARACTERS:
            if (
                len(paragraph) == 1
                and len(paragraph[0].split()) <= 3
                and paragraph[0][-1:].isalnum()
            ):
                paragraph = []  # an underlined heading (`Introduction` over `*****`): no prose
            continue  # underline or rule, or a box's corner (`/****\`)
        if not paragraph and _CODE_LINE.match(stripped):
            is_code = True
        paragraph.append(stripped.lstrip("> ").lstrip("#").strip())
    return [] if is_code else paragraph


# A line that opens a sentence with a word no wrapped line starts with in prose (wrapped
# prose goes on in lower case, or with a name): "A literal can be ...", "The caller ...".
_SENTENCE_OPENER = re.compile(
    r"^(?:A|An|The|This|That|These|Those|It|Its|If|When|Note|We|You|Use|Also|Only|See)\s+[a-z]"
)
# A line that stops mid-clause: its sentence goes on into the next line.
_MID_CLAUSE = re.compile(
    r"(?:[,;:(\-\u2013\u2014]|\b(?:a|an|the|of|to|and|or|in|on|for|with|from|by|at|as|is|are|be|that)"
    r")$",
    re.IGNORECASE,
)


def _join_lines(paragraph: list[str]) -> str:
    """A paragraph's lines as one text. A C-style comment often opens with a summary line
    that has no full stop ("converts a UTF-16 literal to UTF-8") over the sentences that
    explain it ("A literal can be ..."): the summary ends its own sentence there."""
    joined = ""
    for line in paragraph:
        if (
            joined
            and joined[-1:].isalnum()
            and _SENTENCE_OPENER.match(line)
            and not _MID_CLAUSE.search(joined)
        ):
            joined += "."
        joined = f"{joined} {line}" if joined else line
    return joined


# A line's last character that ends or joins a sentence: the line goes on in the next one.
_LINE_GOES_ON = frozenset(".!?:;,-([{/\\`'\"")
_OPENING_WORD = re.compile(r"[A-Z][a-z]+\b")


def _ended_by_their_authors(lines: list[str]) -> list[str]:
    """The lines, each that its authors ended as a statement given its full stop: a line
    stopped short of the width the paragraph fills, where the next line's first word would
    still have fitted, and that word capitalised, was ended on purpose, not wrapped
    ("Parses an owner constraint" over "Returns an error if the string is invalid")."""
    if len(lines) < 2:
        return lines
    head = lines[:MAX_ENDED_LINES]
    width = max(len(line) for line in head)
    ended = list(lines)
    for index, (line, following) in enumerate(pairwise(head)):
        opening = _OPENING_WORD.match(following)
        if (
            opening
            and _TRAILING_MARKUP.sub("", line)[-1:] not in _LINE_GOES_ON
            and len(line.split()) >= 2
            and len(line) + 1 + len(opening.group()) + WRAP_SLACK <= width
        ):
            ended[index] = line + "."
    return ended


# A paragraph's first lines are enough to find its first sentence.
MAX_ENDED_LINES = 40
# Characters a line wrapped by hand may stop short of the widest line with the next word
# still meant for it (authors wrap early; markup such as `{@link X}` widens some lines).
WRAP_SLACK = 12
_TRAILING_MARKUP = re.compile(r"(?:</?[A-Za-z][^<>]{0,80}>|[*_`\s])+$")  # `object.</p>`
_TAG_OPENERS = frozenset("@:\\")
_RULE_CHARACTERS = frozenset("-=~^*#/\\")


def python_docstring(literal: str) -> str:
    """The text of a Python string literal node, without prefix or quotes."""
    body = literal.lstrip("rRbBuUfF")
    for quote in ('"""', "'''", '"', "'"):
        if body.startswith(quote) and body.endswith(quote) and len(body) >= 2 * len(quote):
            return body[len(quote) : -len(quote)]
    return body


def code_outside_comments(text: str, *, ignoring: str = "") -> bool:
    r"""Whether `text` holds anything but comments (`// x`, `/* x */`, `# x`) and the
    characters `ignoring`. One pass, each comment skipped with one search: a regular
    expression's lazy `/\*.*?\*/` scans to the end of the text from every `/*` that is never
    closed, quadratic in a long signature."""
    position, end = 0, len(text)
    while position < end:
        char = text[position]
        if char == "#" or text.startswith("//", position):
            newline = text.find("\n", position)
            position = end if newline < 0 else newline
            continue
        if text.startswith("/*", position):
            close = text.find("*/", position + 2)
            if close >= 0:
                position = close + 2
                continue
        if char not in ignoring:
            return True
        position += 1
    return False
