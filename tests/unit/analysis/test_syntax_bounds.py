"""The work after a parse stays linear in the file: crafted files are checked by the caps
and the steps the work takes, never by how long it took."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
import tree_sitter

from codestory.analysis import comments, queries, readme, syntax
from codestory.analysis.comments import code_outside_comments, describe
from codestory.analysis.syntax import (
    FIELD,
    Definition,
    _assign_bindings,
    _parser,
    _query,
    parse_source,
)

# The regular expressions describe() runs over a paragraph's text.
MARKUP = ("_ROLE_MARKUP", "_INLINE_MARKUP", "_CODE_TAG", "_HTML_TAG", "_MARKDOWN_LINK")


class Recording:
    """A compiled pattern that notes the length of every text it is handed."""

    def __init__(self, pattern: re.Pattern[str], lengths: list[int]) -> None:
        self.pattern, self.lengths = pattern, lengths

    def sub(self, replacement: Any, text: str) -> str:
        self.lengths.append(len(text))
        return self.pattern.sub(replacement, text)


def test_markup_patterns_scan_a_bounded_stretch_from_each_start() -> None:
    # An unbounded scan after a negated class (`[^\]]+`) runs to the end of the text from
    # every unclosed opener: quadratic. Each must say how far it may go.
    patterns = {name: getattr(comments, name).pattern for name in MARKUP}
    patterns |= {name: getattr(readme, name).pattern for name in ("_RST_ROLE", "_RST_LINK")}
    for name, pattern in patterns.items():
        assert not re.search(r"\[\^[^\]]*\][+*]", pattern), name
        assert not re.search(r"\\[ws][+*]", pattern), name


@pytest.mark.parametrize("opener", ["[a ", ":a:`", "{@a ", "{@code ", "[a](b ", "`a "])
def test_a_long_comment_of_unclosed_markup_hands_the_patterns_a_capped_text(
    monkeypatch: pytest.MonkeyPatch, opener: str
) -> None:
    lengths: list[int] = []
    for name in MARKUP:
        monkeypatch.setattr(comments, name, Recording(getattr(comments, name), lengths))
    comment = "/**\n * Reads the thing. " + opener * 24_000 + "\n */"  # about 72 KB
    source = f"{comment}\nfunction read(a, b) {{ return a; }}\n".encode()
    syntax = parse_source("crafted.js", "JavaScript", source, 30.0)
    assert syntax is not None and syntax.definitions[0].doc == "Reads the thing."
    assert max(lengths, default=0) <= comments.MAX_PARAGRAPH  # none where no opener is


def test_a_signature_full_of_unclosed_comments_is_read_in_one_pass() -> None:
    tail = '/* c */, b = "' + "/* " * 25_000 + '") '
    source = f"function f(a {tail}{{ return a; }}\n".encode()
    syntax = parse_source("crafted.js", "JavaScript", source, 30.0)
    assert syntax is not None
    assert syntax.definitions[0].signature == "function f(a…"


def test_code_outside_comments_agrees_with_the_regular_expression_it_replaced() -> None:
    pattern = re.compile(r"//[^\n]*|/\*.*?\*/|#[^\n]*", re.S)
    pieces = ["/", "*", "#", "\n", " ", "{", ":", "=", "a", "\t", "//", "/*", "*/"]
    chooser = random.Random(7)
    for _ in range(20_000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 12)))
        expected = bool(pattern.sub("", text).strip(" \t\r\n{:="))
        assert code_outside_comments(text, ignoring=" \t\r\n{:=") is expected, repr(text)


def test_describe_reads_only_the_start_of_a_long_paragraph() -> None:
    assert describe("/** Parses input. " + "word " * 50_000 + "*/") == "Parses input."


QueryCursor = tree_sitter.QueryCursor


class RecordingCursor:
    """A query cursor that notes how many children each node it runs from has."""

    children: list[int] = []

    def __init__(self, query: Any) -> None:
        self.cursor = QueryCursor(query)

    def matches(self, node: Any) -> Any:
        RecordingCursor.children.append(node.child_count)
        return self.cursor.matches(node)


@pytest.mark.parametrize(
    ("path", "language", "source"),
    [
        ("crafted.go", "Go", b"package main\n" + b"func (" * 5_000 + b"\n"),
        (
            "crafted.js",
            "JavaScript",
            b"function f() { class A { " + b"function (" * 5_000 + b" } }\n",
        ),
    ],
)
def test_queries_never_run_from_a_node_with_thousands_of_children(
    monkeypatch: pytest.MonkeyPatch, path: str, language: str, source: bytes
) -> None:
    # A cursor's time grows with the square of the children of the node it starts from.
    monkeypatch.setattr(queries.tree_sitter, "QueryCursor", RecordingCursor)
    RecordingCursor.children = []
    assert parse_source(path, language, source, 30.0) is not None
    assert RecordingCursor.children
    assert max(RecordingCursor.children) <= queries.MAX_CHILDREN


def test_a_split_query_finds_the_matches_of_a_whole_one_in_the_same_order() -> None:
    source = (
        b'package main\nimport "fmt"\nfunc (s *S) Run(a int) { fmt.Println(a); go(x) }\n'
        + b"func (" * 1_500
        + b"\nfunc main() { s := New(); s.Run(1) }\n"
    )
    root = _parser("go").parse(source).root_node
    query = _query("go")[0]
    assert root.child_count > queries.MAX_CHILDREN
    whole = tree_sitter.QueryCursor(query).matches(root)
    split = queries.run_query(query, root)
    assert len(queries.query_roots(root)) > 1
    assert [(p, {k: [n.id for n in v] for k, v in m.items()}) for p, m in split] == [
        (p, {k: [n.id for n in v] for k, v in m.items()}) for p, m in whole
    ]


class Span:
    def __init__(self, start: int, end: int) -> None:
        self.start_byte, self.end_byte = start, end


def test_bindings_go_to_their_innermost_holder_in_one_sweep() -> None:
    # Thousands of module-level bindings after thousands of functions: each used to search
    # back through every function before it.
    functions = [
        (Definition(f"f{i}", "function", i, i), Span(10 * i, 10 * i + 5)) for i in range(3_000)
    ]
    klass = (Definition("C", "class", 0, 0), Span(40_000, 50_000))
    method = (Definition("m", "method", 0, 0), Span(41_000, 42_000))
    bindings = [(10 * i + 2, "a", "int") for i in range(3_000)]
    bindings += [(30_000 + i, f"v{i % 50}", "str") for i in range(3_000)]
    bindings += [(41_500, f"{FIELD}parser", "()Parser"), (41_600, "local", "Parser")]
    module = _assign_bindings(bindings, [*functions, klass, method])
    assert all(d.types == [("a", "int")] for d, _ in functions)
    assert module == [(f"v{i}", "str") for i in range(50)]  # the first of each name wins
    assert klass[0].types == [("parser", "()Parser")]
    assert method[0].types == [("local", "Parser")]


def test_declarators_sharing_a_statement_read_its_comments_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `export const a = () => 1, b = ...`: each declarator is documented by the statement's
    # comments; reading them again for each was quadratic.
    read: list[int] = []
    leading_doc = syntax._leading_doc

    def counted(*args: Any) -> str | None:
        read.append(1)
        return leading_doc(*args)

    monkeypatch.setattr(syntax, "_leading_doc", counted)
    count = 2_000
    declarators = ", ".join(f"f{i} = () => {i}" for i in range(count))
    source = ("// Small helpers.\n" * count + f"export const {declarators};\n").encode()
    parsed = parse_source("crafted.js", "JavaScript", source, 30.0)
    assert parsed is not None and len(parsed.definitions) == count
    assert len(read) == 1


def test_earlier_siblings_come_from_the_walk_in_tree_sitter_order() -> None:
    source = b"// a\n/** b */\nfunction f() {}\n// c\nclass A {\n  // d\n  m() {}\n}\n"
    root = _parser("javascript").parse(source).root_node
    children = root.named_children
    siblings = {c.id: (children, i, root.type) for i, c in enumerate(children)}
    for child in children:
        chain, node = [], child.prev_named_sibling
        while node is not None:
            chain.append(node.id)
            node = node.prev_named_sibling
        assert [n.id for n in syntax._preceding(child, siblings)] == chain
        assert [n.id for n in syntax._preceding(child)] == chain
        assert syntax._parent_type(child, siblings) == root.type


def test_a_file_of_guarded_mains_checks_only_the_first_few(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each check walks down from the root: thousands of them were quadratic.
    checked: list[int] = []
    under = syntax._under_self_test_macro

    def counted(root: Any, line: int) -> bool:
        checked.append(line)
        return under(root, line)

    monkeypatch.setattr(syntax, "_under_self_test_macro", counted)
    source = b"".join(
        b"#ifdef SDS_TEST_MAIN\nint main(void) { return %d; }\n#endif\n" % i for i in range(500)
    )
    parsed = parse_source("crafted.c", "C", source, 30.0)
    assert parsed is not None and not parsed.has_main
    assert 0 < len(checked) <= syntax.MAX_MAINS


def test_a_readme_paragraph_of_unclosed_links_is_still_summarised() -> None:
    summary = readme.summarise_rst("Title\n=====\n\n" + "`a <" * 30_000 + "\n")
    assert summary.title == "Title"


def test_patterns_run_from_each_line_start_stay_within_the_line() -> None:
    # `^\s*` under MULTILINE runs over every blank line below each line start: quadratic.
    from codestory.analysis import facts, manifests
    from codestory.analysis.ecosystems import c_cpp, jvm

    for module in (facts, manifests, c_cpp, jvm, readme, comments, syntax):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and value.flags & re.MULTILINE:
                assert not value.pattern.startswith(r"^\s*"), f"{module.__name__}.{name}"


def test_gradle_dependencies_are_found_as_before_under_blank_lines() -> None:
    from codestory.analysis.manifests import _GRADLE_DEP

    before = re.compile(_GRADLE_DEP.pattern.replace(r"^[^\S\n]*", r"^\s*", 1), re.MULTILINE)
    pieces = ["\n", " ", "\t", "\r", "\f", "implementation", "(", "'a:b'", '"c:d:1"', "x"]
    chooser = random.Random(5)
    for _ in range(5_000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 12)))
        assert _GRADLE_DEP.findall(text) == before.findall(text), repr(text)
    found = _GRADLE_DEP.findall("\n" * 100_000 + "dependencies {\n  implementation 'a:b:1'\n}\n")
    assert found == [("implementation", "a", "b")]


def test_a_justfile_recipe_header_is_read_within_its_line() -> None:
    from codestory.analysis.task_runners import _just_recipes

    justfile = 'build target="x":\n\techo\n@test *args: build\n\tcargo test\nx := 1\n'
    assert _just_recipes(justfile) == {"build", "test"}
    # Lines of words and no colon: each line start used to run over all the lines below.
    assert _just_recipes("word\n" * 100_000) == set()
