"""The README's first usage example: the calls a new user is shown first, in the order shown.

Code blocks are found by the README's own markup (Markdown fences read by markdown-it-py,
reStructuredText `code-block` directives and `::` literal blocks) and parsed with the same
tree-sitter grammars as the project, so a call in an example is a call, not a word followed by
a bracket. A block marked as a shell session, output or data says nothing about the API.
"""

from __future__ import annotations

import re

from codestory.analysis.readme import markdown_tokens
from codestory.analysis.syntax import QUALIFIER_CHARS, Call, parse_source

# Fence words as READMEs write them, and the language and file suffix the parser needs.
_FENCE_LANGUAGES = {
    "python": ("Python", ".py"),
    "py": ("Python", ".py"),
    "python3": ("Python", ".py"),
    "pycon": ("Python", ".py"),
    "javascript": ("JavaScript", ".js"),
    "js": ("JavaScript", ".js"),
    "jsx": ("JavaScript", ".js"),
    "node": ("JavaScript", ".js"),
    "mjs": ("JavaScript", ".js"),
    "typescript": ("TypeScript", ".ts"),
    "ts": ("TypeScript", ".ts"),
    "go": ("Go", ".go"),
    "golang": ("Go", ".go"),
    "rust": ("Rust", ".rs"),
    "rs": ("Rust", ".rs"),
    "java": ("Java", ".java"),
    "c": ("C", ".c"),
    "cpp": ("C++", ".cpp"),
    "c++": ("C++", ".cpp"),
    "cxx": ("C++", ".cpp"),
    "cc": ("C++", ".cpp"),
}
_SUFFIX = {language: suffix for language, suffix in _FENCE_LANGUAGES.values()}
EXAMPLE_BLOCKS = 3  # the first few examples are the usage; later ones are corner cases
MAX_BLOCK_BYTES = 20_000  # an example longer than this is a listing, not an example
EXAMPLE_CHAIN_CHARS = 1_000  # the longest receiver of a chained call an example keeps
_RST_CODE = re.compile(r"^\.\.\s+(?:code-block|code|sourcecode)::\s*(\S*)\s*$")
_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")


# What an unmarked block shows when it is an example of use: a call. An indented block
# without one is a command line, a grammar or output, not the project's code in use.
_SHOWS_A_CALL = re.compile(r"\w\s*\(")


def _markdown_blocks(text: str) -> list[tuple[str, str]]:
    """Fenced blocks with their language, and indented ones (Markdown's older way to write
    code, carrying no language) that show a call, in the order the README writes them."""
    tokens = markdown_tokens(text)
    return [
        # rustdoc's attributes follow the language after commas: ```rust,no_run
        (re.split(r"[\s,]", t.info.strip(), maxsplit=1)[0].lower(), t.content)
        if t.type == "fence"
        else ("", _dedent(t.content.strip("\n")))
        for t in tokens
        if t.type == "fence" or (t.type == "code_block" and _SHOWS_A_CALL.search(t.content))
    ]


def _rst_blocks(text: str) -> list[tuple[str, str]]:
    """`.. code-block:: python` blocks and literal blocks after a paragraph ending in `::`."""
    blocks: list[tuple[str, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _RST_CODE.match(line.strip())
        literal = line.rstrip().endswith("::") and not directive and not line.startswith("..")
        index += 1
        if not directive and not literal:
            continue
        # Options of the directive (`:linenos:`) and blank lines come before the body.
        while index < len(lines) and (
            not lines[index].strip() or lines[index].strip().startswith(":")
        ):
            index += 1
        body: list[str] = []
        while index < len(lines) and (not lines[index].strip() or lines[index][:1] in " \t"):
            body.append(lines[index])
            index += 1
        code = "\n".join(body).strip("\n")
        if code:
            blocks.append(((directive.group(1).lower() if directive else ""), _dedent(code)))
    return blocks


def _dedent(code: str) -> str:
    lines = code.splitlines()
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)


def _session_code(code: str) -> str:
    """An interactive Python session's input lines, without prompts or printed output."""
    if not any(_PROMPT.match(x) for x in code.splitlines()):
        return code
    return "\n".join(_PROMPT.sub("", x) for x in code.splitlines() if _PROMPT.match(x))


def example_blocks(readme_path: str, text: str, main_language: str | None) -> list[tuple[str, str]]:
    """(language, code) of the README's first code examples in a language the project is
    written in; an unmarked block is taken to be in the project's main language."""
    raw = (
        _rst_blocks(text)
        if readme_path.lower().endswith((".rst", ".txt"))
        else _markdown_blocks(text)
    )
    found: list[tuple[str, str]] = []
    for info, code in raw:
        language = _FENCE_LANGUAGES.get(info, (None, ""))[0] if info else main_language
        if language is None or len(code) > MAX_BLOCK_BYTES:
            continue
        found.append((language, _session_code(code)))
        if len(found) == EXAMPLE_BLOCKS:
            break
    return found


def read_examples(blocks: list[tuple[str, str]]) -> tuple[list[Call], dict[str, str]]:
    """The calls of the examples in reading order, and what their names hold
    (`app = falcon.App()`: `app` -> `falcon.App`), so `app.add_route` names App's method."""
    calls: list[Call] = []
    held: dict[str, str] = {}
    for number, (language, code) in enumerate(blocks):
        suffix = _SUFFIX.get(language)
        if suffix is None:
            continue
        token = QUALIFIER_CHARS.set(EXAMPLE_CHAIN_CHARS)  # a chain over lines, read whole
        try:
            syntax = parse_source(f"README.example{number}{suffix}", language, code.encode())
        finally:
            QUALIFIER_CHARS.reset(token)
        if syntax is None:
            continue
        block = list(syntax.module_calls)
        bindings = list(syntax.module_types)
        for definition in syntax.definitions:
            block += definition.calls
            bindings += definition.types
        if language == "Rust":
            block += _rust_for_loops(code)
        calls += sorted((c for c in block if not c.passed), key=lambda c: c.line)
        for variable, value in bindings:
            # `()falcon.App` made by a call, `App` declared: the type as written.
            held.setdefault(variable, value.removeprefix("()"))
    return calls, held


# `for entry in WalkDir::new(root) {`: the value a loop runs over, when it is a call.
# The calls a loop makes unseen carry LOOPED where a call's literal argument would be.
LOOPED = "\x00for"
_RUST_FOR = re.compile(r"^\s*for\s+[\w(), &]+?\s+in\s+(.+?\))\s*\{\s*$", re.MULTILINE)


def _rust_for_loops(code: str) -> list[Call]:
    """Rust: `for x in value` calls `IntoIterator::into_iter` on the value and then
    `Iterator::next` on what it returns, so that is where an example's loop goes."""
    found: list[Call] = []
    for match in _RUST_FOR.finditer(code):
        value, line = match.group(1), code.count("\n", 0, match.start(1)) + 1
        looped = value
        if not value.endswith(".into_iter()"):
            found.append(Call("into_iter", value, LOOPED, line))
            looped = f"{value}.into_iter()"
        found.append(Call("next", looped, LOOPED, line))
    return found
