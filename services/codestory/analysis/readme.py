"""What a README says the project is: its title and its first real paragraph of prose.

Markdown is parsed with markdown-it-py (CommonMark), so badges, images, HTML blocks, link-only
lines and code are recognised as such; reStructuredText and plain text are read by their
simple block rules. A paragraph counts as prose when it has words of its own after links,
images and URLs are taken out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from codestory.analysis.comments import end_lead_in, first_sentence, is_legal_notice
from codestory.analysis.project_kind import described_kind

_URL = re.compile(r"https?://\S+|www\.\S+")
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s|^\s*:\w+:")
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}\s*$")
# Link texts and targets are scanned at most a few hundred characters: an unclosed `<`
# would otherwise be scanned to the end of the paragraph from every backtick before it.
_RST_ROLE = re.compile(r":\w{1,40}:`([^`<]{1,500}?)(?:\s{0,20}<[^>]{1,500}>)?`")
_RST_LINK = re.compile(r"`([^`<]{1,500}?)\s{0,20}<[^>]{1,500}>`_+")
_RST_SUBSTITUTION = re.compile(r"\|[^|\s][^|]*\|_?")
_RST_REFERENCE = re.compile(r"([A-Za-z0-9])_(?=[\s.,;:!?)]|$)")  # `Parser_ is` -> `Parser is`
MIN_WORDS = 6
TAGLINE_WORDS = 3  # "Ultralightweight JSON parser in ANSI C." under the title says enough
# The paragraph that says what the project is comes early, or it is about something else.
DEFINITION_WITHIN = 10


@dataclass(frozen=True)
class ReadmeSummary:
    title: str | None
    summary: str | None
    sections: tuple[str, ...] = ()  # headings, for "how to run" hints
    defines: bool = False  # the summary says what the project is ("Viper is a ...")


def _prose(text: str, min_words: int = MIN_WORDS) -> str | None:
    cleaned = " ".join(_URL.sub("", text).split())
    words = re.findall(r"[A-Za-z][A-Za-z'-]+", cleaned)
    return cleaned if len(words) >= min_words else None


def _inline_text(token: Token, *, keep_links: bool = True) -> str:
    """Inline text without images, HTML or link targets (link words are kept unless
    `keep_links` is false)."""
    parts: list[str] = []
    skip_depth = 0
    for child in token.children or []:
        if child.type == "image" or child.type == "html_inline":
            continue
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            # A link whose only words are its own URL (or a badge) says nothing.
            skip_depth += 0 if href and keep_links else 1
            continue
        if child.type == "link_close":
            skip_depth = max(skip_depth - 1, 0)
            continue
        if child.type in {"text", "code_inline"} and not skip_depth:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


# A quote that opens with one of these is a notice (GitHub's alerts, "**Note**"), not prose
# about the project.
_CALLOUT = re.compile(
    r"^\W*(?:\[!\w+\]|(?:note|warning|important|caution|tip|attention|announcement|news|"
    r"update|heads up)\b)",
    re.IGNORECASE,
)


def _callout_spans(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token ranges of top-level quotes that are notices: one with a heading of its own
    (an announcement banner) or one that opens with a notice word."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for index, token in enumerate(tokens):
        if token.type == "blockquote_open":
            depth += 1
            start = index if depth == 1 else start
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0:
                inner = tokens[start:index]
                first = next((t for t in inner if t.type == "inline"), None)
                if any(t.type == "heading_open" for t in inner) or (
                    first is not None and _CALLOUT.match(_inline_text(first))
                ):
                    spans.append((start, index))
    return spans


def _defines(paragraph: str, names: list[str]) -> bool:
    """Whether the paragraph opens by saying what the project is: "Viper is a ...", not
    how it behaves ("Commander is strict about options")."""
    # "This is a lightweight option parser library": the README's own subject, when what
    # follows names a kind of project (not "This is a work in progress").
    this = _THIS_IS.match(paragraph)
    if this and described_kind(first_sentence(paragraph[this.start(1) :]) or "") is not None:
        return True
    return any(
        re.match(
            # The name may come with its owner, as its repository is named: `owner/tool`.
            rf"(?:the\s+)?(?:[\w.-]+/)?{re.escape(n)}(?:\s*\([^)]*\))?\s+(?:is|are)\s+"
            r"(?:an?|the)\b",
            paragraph,
            re.I,
        )
        for n in names
        if n
    )


_THIS_IS = re.compile(
    r"this\s+(?:(?:project|library|repository|package|crate|module|tool)\s+)?is\s+(an?\s)",
    re.I,
)
_NOT_A_TAGLINE = re.compile(r"\b(?:logo|badge|banner|screenshot|icon|image|gif)\b", re.I)


def _banner_alt(tokens: list[Token]) -> list[str]:
    """The alt text of an image that is the README's first paragraph, when it is words
    about the project rather than the picture's name."""
    inline = next((t for t in tokens if t.type == "inline"), None)
    if inline is None or any(t.type == "heading_open" for t in tokens[: tokens.index(inline)]):
        return []
    images = [c for c in inline.children or [] if c.type == "image"]
    if len(images) != 1 or _inline_text(inline).strip():
        return []
    alt = " ".join(images[0].content.split())
    prose = _prose(alt, TAGLINE_WORDS)
    return [prose] if prose and not _NOT_A_TAGLINE.search(prose) else []


_HTML_TITLE = re.compile(r"<h1\b[^>]*>(.{1,200}?)</h1>", re.IGNORECASE | re.DOTALL)


# "LibYAML - A C library for parsing and emitting YAML.": a title that names the project
# (a word or three) and then says what it is, after a dash or a colon.
_TITLE_TAGLINE = re.compile(r"^([\w.+-]+(?:\s[\w.+-]+){0,2})\s+[-\u2013\u2014:]\s+(\S.*)$")


def _title_tagline(title: str | None) -> tuple[list[str], str | None]:
    """What the title says the project is, when it says so after the name (the authors'
    own line, ahead of a first paragraph that may be about building it), and that name."""
    found = _TITLE_TAGLINE.match(title or "")
    tagline = _prose(found.group(2), TAGLINE_WORDS) if found else None
    if found is None or not tagline or tagline.endswith(":"):
        return [], None
    return [tagline], found.group(1)


@functools.lru_cache(maxsize=4)
def markdown_tokens(text: str) -> list[Token]:
    """CommonMark's reading of `text`, made once: the README's summary and its usage
    examples both read it. The tokens are shared, so no caller may change them."""
    return MarkdownIt("commonmark").parse(text)


def summarise_markdown(text: str, name: str | None = None) -> ReadmeSummary:
    """The title (a first-level heading, or a heading before any prose) and what the
    project is, in order of preference: a paragraph that defines it ("Viper is a ..."),
    an early one that opens with its name, the title's own tagline ("LibYAML - A C library
    for ..."), a tagline under the title before the first section ("Ultralightweight JSON
    parser in ANSI C."), the first prose paragraph. Notices in quotes, legal text and paragraphs
    leading into a list are passed over."""
    tokens = markdown_tokens(text)
    in_callout = [False] * len(tokens)
    for start, end in _callout_spans(tokens):  # top-level quotes: they never overlap
        in_callout[start : end + 1] = [True] * (end + 1 - start)
    title: str | None = None
    # (text, long enough to be prose anywhere, before the first section heading): a short
    # line counts only as a tagline under the title.
    candidates: list[tuple[str, bool, bool]] = []
    sections: list[str] = []
    heading: Token | None = None
    seen_prose = False
    quoted = 0  # depth of block quotes around the current token
    for index, token in enumerate(tokens):
        quoted += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if in_callout[index]:
            continue
        if token.type == "heading_open":
            heading = token
            continue
        if token.type == "heading_close":
            heading = None
            continue
        if token.type == "html_block" and title is None and not seen_prose:
            # A centred banner written in HTML (`<h1 align="center">Zod</h1>`) titles it too.
            found = _HTML_TITLE.search(token.content)
            words = " ".join(re.sub(r"<[^>]*>", " ", found.group(1)).split()) if found else ""
            title = words or None
            continue
        if token.type != "inline":
            continue
        content = " ".join(_inline_text(token).split())
        if heading is not None:
            if title is None and content and (heading.tag == "h1" or not seen_prose):
                title = content
            elif content:
                sections.append(content)
            continue
        parent = tokens[index - 1] if index else None
        if parent is None or parent.type != "paragraph_open":
            continue
        prose = _prose(content, TAGLINE_WORDS)
        if prose is None or is_legal_notice(prose):
            continue
        long_enough = _prose(content) is not None
        if not long_enough and not _prose(_inline_text(token, keep_links=False), TAGLINE_WORDS):
            continue  # a row of links ("Docs • Examples • Chat") is no tagline
        seen_prose = seen_prose or long_enough
        if parent.level == 0 or quoted > 0:
            candidates.append((prose, long_enough, not sections))
    # A README that opens with its banner image says what the project is in its alt text
    # ("Fast JSON for C++"): a tagline, after any written under the title.
    banner = _banner_alt(tokens)
    names = [n for n in (name, title) if n]
    paragraphs = [text for text, long_enough, _ in candidates if long_enough]
    summary = next((p for p in paragraphs[:DEFINITION_WITHIN] if _defines(p, names)), None)
    early = [text for text, _, before_sections in candidates if before_sections]
    # A paragraph that starts with the project's name speaks of it ("LZ4 is lossless
    # compression ..."): before the title's tagline, which comes before other paragraphs.
    tagline, head = _title_tagline(title)
    called = [n.lower() for n in (name, head) if n]
    about = [t for t in early if any(t.lower().startswith(f"{n} ") for n in called)]
    for text in [*about, *tagline, *early, *banner, *paragraphs]:
        if summary is None and not text.endswith(":"):
            summary = text
    defines = summary is not None and _defines(summary, names)
    return ReadmeSummary(
        title, _shorten(end_lead_in(summary) if summary else None), tuple(sections[:20]), defines
    )


def summarise_rst(text: str) -> ReadmeSummary:
    title: str | None = None
    summary: str | None = None
    sections: list[str] = []
    lines = text.splitlines()
    paragraph: list[str] = []
    in_directive = False

    def flush() -> None:
        nonlocal summary
        if paragraph and summary is None:
            joined = " ".join(paragraph)
            joined = _RST_LINK.sub(r"\1", _RST_ROLE.sub(r"\1", joined))
            joined = _RST_SUBSTITUTION.sub("", joined).replace("``", "").replace("**", "")
            joined = _RST_REFERENCE.sub(r"\1", joined)
            summary = _prose(joined)
        paragraph.clear()

    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if _RST_UNDERLINE.match(following) and line.strip() and not _RST_UNDERLINE.match(line):
            flush()
            if title is None:
                title = line.strip()
            else:
                sections.append(line.strip())
            continue
        if _RST_UNDERLINE.match(line):
            continue
        if _RST_DIRECTIVE.match(line):
            flush()
            in_directive = True
            continue
        if in_directive:
            if line.strip() and not line[:1].isspace():
                in_directive = False
            else:
                continue
        if not line.strip():
            flush()
            continue
        if line[:1].isspace():  # block quotes and literal blocks
            flush()
            continue
        paragraph.append(line.strip())
    flush()
    return ReadmeSummary(title, _shorten(summary), tuple(sections[:20]))


def summarise_text(text: str) -> ReadmeSummary:
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    title = blocks[0].strip().splitlines()[0] if blocks else None
    summary = next((p for b in blocks[1:] if (p := _prose(b))), None)
    return ReadmeSummary(title, _shorten(summary))


def _shorten(summary: str | None) -> str | None:
    """Up to two sentences, so the opening is a thought rather than a wall of text."""
    if not summary:
        return None
    first = first_sentence(summary, limit=300) or summary
    rest = summary[len(first) :].strip()
    second = first_sentence(rest, limit=200) if rest else None
    # A second sentence that leads into a list ("Its features are:") says nothing alone.
    if second and len(first) < 140 and not second.endswith(("…", ":")):
        return f"{first} {second}"
    return first


# A README's own word, near its top, that the project is no longer looked after.
_NOTICE = re.compile(
    r"\b(?:is|are|has been) (?:now )?(?:unmaintained|deprecated|archived|abandoned|"
    r"no longer (?:actively )?(?:maintained|developed|supported))\b",
    re.IGNORECASE,
)
_PROJECT_WORDS = r"(?:project|repository|repo|library|package|crate|module|tool|gem)"
NOTICE_WITHIN = 800  # characters from the top: a notice further down is history
_MARKUP_LINK = re.compile(r"!?\[([^\]]{0,200})\]\([^)]{0,400}\)")
_LABEL = re.compile(r"^(?:note|warning|important|caution|notice|status)\s*:\s*", re.IGNORECASE)


def maintenance_notice(text: str, name: str | None = None) -> str | None:
    """The sentence near a README's top that says the project (by name, or as "this
    project") is no longer maintained: `xsv is now unmaintained`. None when there is none."""
    subjects = [rf"(?:this|the) {_PROJECT_WORDS}"]
    if name:
        # The name may carry its owner ("Acme's tally") and a noun ("tally project").
        subjects.append(rf"(?:[\w.-]+['\u2019]s\s+)?`?{re.escape(name)}`?(?:\s+{_PROJECT_WORDS})?")
    # A notice often dates itself first: "As of 2020-10-10, ..." or "Since 2021, ...".
    dated = r"(?:(?:as of|since|starting|from) [^,]{1,40},\s*)?"
    subject = re.compile(rf"^{dated}(?:{'|'.join(subjects)})\s", re.IGNORECASE)
    for line in text[:NOTICE_WITHIN].splitlines():
        plain = _MARKUP_LINK.sub(r"\1", line)
        plain = " ".join(re.sub(r"^[#>*\s-]+|\*\*|__|<[^>]{0,200}>", " ", plain).split())
        plain = _LABEL.sub("", plain.replace(" :", ":"))
        if len(plain) > 240:
            continue
        for said in re.split(r"(?<=[.!?])\s+", plain):
            if _NOTICE.search(said) and subject.match(said):
                return said
    return None


def summarise_readme(path: str, text: str, name: str | None = None) -> ReadmeSummary:
    """`name`, the project's, helps find the paragraph that says what it is."""
    lowered = path.lower()
    if lowered.endswith((".rst", ".rest")):
        found = summarise_rst(text)
    elif lowered.endswith((".txt",)) or "." not in lowered.rsplit("/", 1)[-1]:
        found = summarise_text(text)
    else:
        return summarise_markdown(text, name)
    names = [n for n in (name, found.title) if n]
    defines = bool(found.summary) and _defines(found.summary or "", names)
    return ReadmeSummary(found.title, found.summary, found.sections, defines)


# "For installation instructions ... see doc/readme.html": a README that hands over to
# another document in the tree.
_POINTER = re.compile(r"\bsee\s+(?:the\s+file\s+)?[`'\"]?([\w./-]+\.(?:html?|md|rst|txt))\b", re.I)


def pointed_document(text: str) -> str | None:
    """The document a short README sends its reader to, if it names one by path."""
    found = _POINTER.search(text)
    return found.group(1).lstrip("./") if found else None


class _HtmlText(HTMLParser):
    """Paragraphs of an HTML page as plain text: a new one at each block element."""

    BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "li", "br", "table", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.paragraphs.append([])

    def handle_data(self, data: str) -> None:
        self.paragraphs[-1].append(data)


def html_paragraphs(text: str) -> list[str]:
    """The text paragraphs of an HTML document (Python's own html.parser reads it)."""
    reader = _HtmlText()
    reader.feed(text)
    reader.close()
    return [joined for words in reader.paragraphs if (joined := " ".join("".join(words).split()))]


def with_pointed_document(
    found: ReadmeSummary, path: str, text: str, name: str | None
) -> ReadmeSummary:
    """A README that does not say what the project is, completed by the document it points
    to when that document has a paragraph defining the project."""
    if found.defines:
        return found
    paragraphs = (
        html_paragraphs(text)
        if path.lower().endswith((".html", ".htm"))
        else [" ".join(block.split()) for block in re.split(r"\n\s*\n", text)]
    )
    names = [n for n in (name, found.title) if n]
    for paragraph in paragraphs[: DEFINITION_WITHIN * 3]:
        if _prose(paragraph) and _defines(paragraph, names):
            return replace(found, summary=_shorten(paragraph), defines=True)
    return found


# A paragraph that sends the reader on ("see The Book", "can be found here") or tells of the
# project's own state of work ("We are currently working on..."): no words about the code.
_ELSEWHERE_OR_STATUS = re.compile(
    r"\b(?:see|refer to|can be found|is available|are available|read more|"
    r"check out|click|currently working|work in progress)\b",
    re.IGNORECASE,
)
_CONTENT_WORD = re.compile(r"[a-z]{3,}")


def further_words(description: str | None, summary: str | None, name: str) -> str | None:
    """The README's own paragraph about the project where it says more than the one-line
    description the story opens with (a linter's "yamllint does not only check for syntax
    validity, but for weirdnesses like..."): None when it does not speak of the project (by
    its name, or as "this package"), only repeats the description, points elsewhere or tells
    of the project's state of work."""
    if not summary or not description or _ELSEWHERE_OR_STATUS.search(summary):
        return None
    about = rf"\b(?:this|the) {_PROJECT_WORDS}\b|(?<![\w-]){re.escape(name)}(?![\w-])"
    if not re.search(about, summary, re.IGNORECASE):
        return None  # a paragraph on one feature or step (a locale path), not the project
    said = set(_CONTENT_WORD.findall(description.lower()))
    words = _CONTENT_WORD.findall(summary.lower())
    if len(words) < 8:
        return None
    new = [w for w in words if w not in said]
    return summary if len(new) >= 0.6 * len(words) else None
