"""Parse one source file with tree-sitter into definitions, imports and calls.

Pure: bytes in, `FileSyntax` out. Definitions are found by walking only the nodes that can
hold them (modules, classes, namespaces, impl blocks), never function bodies; calls and
imports come from tree-sitter queries, which run in C. Both keep the work linear in the file.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

import tree_sitter
import tree_sitter_language_pack

from codestory.analysis.comments import (
    code_outside_comments,
    describe,
    python_docstring,
    restates_name,
)
from codestory.analysis.queries import run_query

Node = Any  # tree_sitter.Node: the bindings' stubs are partial, and nodes are read-only here

# Our language names to tree-sitter grammar names (TypeScript's .tsx needs its own grammar).
GRAMMARS: dict[str, str] = {
    "Python": "python",
    "JavaScript": "javascript",
    "TypeScript": "typescript",
    "Go": "go",
    "Rust": "rust",
    "Java": "java",
    "C": "c",
    "C++": "cpp",
}
MAX_SIGNATURE = 160
MAX_LITERAL = 120


class Call(NamedTuple):
    """A call as written. A tuple: a large tree has a hundred thousand of them, and
    tuples are built, pickled between processes and read back several times faster."""

    name: str
    # `os.path` in `os.path.join(...)`; None for a bare call; PASSED or ADDRESS for a
    # function handed on as a value (`Thread(target=work)`, `lua_pcall(L, &pmain)`).
    qualifier: str | None
    literal: str | None  # the first argument when it is a short string literal
    line: int

    @property
    def passed(self) -> bool:
        """Not called here, but handed to code that calls it (a callback, a handler)."""
        return self.qualifier in HANDED_ON


PASSED = "="  # qualifiers no call can have: a name given as an argument
ADDRESS = "&"  # C's `&name`: a function's address, surely a function
HANDED_ON = frozenset({PASSED, ADDRESS})


@dataclass
class Definition:
    name: str
    kind: str  # class, function, method, interface, struct, enum, trait, type
    line: int
    end_line: int
    doc: str | None = None
    signature: str | None = None
    parent: str | None = None
    decorators: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    exported: bool = True
    calls: list[Call] = field(default_factory=list)
    receiver: str | None = None  # Go: the receiver's variable, `c` in `func (c *Command)`
    # Names whose type the code states: (variable, type) or (variable, "()constructor")
    # for parameters, locals and (on a class) fields, so `parser.parse()` can be followed.
    types: list[tuple[str, str]] = field(default_factory=list)

    @property
    def qualified_name(self) -> str:
        return f"{self.parent}.{self.name}" if self.parent else self.name

    @property
    def lines(self) -> int:
        return self.end_line - self.line + 1


@dataclass(frozen=True)
class ImportRef:
    target: str  # as written: `pkg.mod`, `./x`, `github.com/a/b`, `crate::a`, `a.b.C`, `x.h`
    names: tuple[str, ...] = ()
    level: int = 0  # Python's leading dots
    local: bool = True  # C/C++: a quoted include rather than <angle brackets>
    kind: str = "import"  # or "mod" for Rust's `mod x;`
    alias: str | None = None  # JavaScript: `const helpers = require('./helpers')`


@dataclass
class FileSyntax:
    language: str
    module_doc: str | None = None
    definitions: list[Definition] = field(default_factory=list)
    imports: list[ImportRef] = field(default_factory=list)
    module_calls: list[Call] = field(default_factory=list)
    module_types: list[tuple[str, str]] = field(default_factory=list)  # as Definition.types
    attributes: list[str] = field(default_factory=list)  # Rust attributes, for #[test]
    package: str | None = None  # Go package or Java package name
    # JavaScript: the name `module.exports = name` or `export default name` hands out.
    default_export: str | None = None
    # Go: the types a file names ((package or None, type)), e.g. `*Command`, `cobra.Command`.
    type_refs: list[tuple[str | None, str]] = field(default_factory=list)
    # Go: the commands a command table declares, (name, handler, line, end line): the
    # handler as written (`run`, `o.Run`), or None for a function literal spanning the lines.
    commands: list[tuple[str, str | None, int, int]] = field(default_factory=list)
    has_main: bool = False
    parse_errors: bool = False
    # Every identifier-like word of three or more characters in the file, comments
    # included: who names a type or function, for what the resolver cannot follow.
    words: frozenset[str] = frozenset()
    # The digest of what resolving other files' imports and calls can read of this file
    # (`surface.surface_of`), set where parsed files are kept: a retell reuses each file's
    # resolved calls while no file's surface changed. Not part of the syntax itself.
    surface: str | None = field(default=None, compare=False, repr=False)

    def owned_calls(self) -> list[tuple[Definition | None, Call]]:
        """Every call in the file with the function that makes it (None at module level)."""
        owned: list[tuple[Definition | None, Call]] = [(None, c) for c in self.module_calls]
        return owned + [(d, c) for d in self.definitions for c in d.calls]


@dataclass(frozen=True)
class LanguageSpec:
    definitions: dict[str, str]  # node type -> kind
    containers: frozenset[str]  # node types whose children may hold definitions
    calls: str  # query capturing @call, @callee and optionally @qual, @args
    imports: str  # query; captures interpreted by `_imports_<language>`
    comment_types: frozenset[str] = frozenset({"comment"})
    # What a name holds, where the code says: @var with its declared @type or the @ctor
    # call that made it; and functions handed on as values: @passed (a bare name) and
    # @address (C's `&name`).
    bindings: str = ""


_JS_DEFS = {
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "class_declaration": "class",
    "method_definition": "method",
    "variable_declarator": "function",
    "assignment_expression": "function",  # CommonJS: `app.listen = function listen() {}`
    # Reached only as an immediately invoked function: `(async function main() {...})()`.
    "function_expression": "function",
    "class": "class",  # CommonJS: `module.exports = class Application {}`
}
_JS_CONTAINERS = frozenset(
    {
        "program",
        "export_statement",
        "class_body",
        "lexical_declaration",
        "variable_declaration",
        "expression_statement",
    }
)
# `this.#flush()`: a class's private method is called like any other (its name keeps the `#`).
_JS_CALLS = """
(call_expression function: [(identifier) @callee
  (member_expression object: (_) @qual property: [(property_identifier)
  (private_property_identifier)] @callee)]
  arguments: (arguments) @args) @call
(new_expression constructor: (identifier) @callee arguments: (arguments) @args) @call
"""
_JS_IMPORTS = """
(import_statement source: (string) @source) @import
(export_statement source: (string) @source) @import
(call_expression function: [(identifier) (import)] @fn arguments: (arguments . (string) @source))
"""
_C_DEFS = {
    "function_definition": "function",
    "declaration": "function",
    "struct_specifier": "struct",
    "type_definition": "type",
    "enum_specifier": "enum",
}
_C_CONTAINERS = frozenset(
    {
        "translation_unit",
        "preproc_ifdef",
        "preproc_if",
        "preproc_else",
        "preproc_elif",
        "linkage_specification",
        "declaration_list",
    }
)
_C_CALLS = """
(call_expression function: [(identifier) @callee
  (field_expression argument: (_) @qual field: (field_identifier) @callee)]
  arguments: (argument_list) @args) @call
"""

_PYTHON_BINDINGS = """
(assignment left: (identifier) @var right: (call function: [(identifier) (attribute)] @ctor))
(assignment left: (attribute object: (identifier) @self attribute: (identifier) @field)
  right: (call function: [(identifier) (attribute)] @ctor) (#eq? @self "self"))
(with_item value: (as_pattern (call function: [(identifier) (attribute)] @ctor)
  alias: (as_pattern_target (identifier) @var)))
(typed_parameter (identifier) @var type: (type [(identifier) @type
  (attribute attribute: (identifier) @type)]))
(typed_default_parameter name: (identifier) @var type: (type [(identifier) @type
  (attribute attribute: (identifier) @type)]))
(argument_list (identifier) @passed)
(argument_list (keyword_argument value: (identifier) @passed))
"""
_GO_BINDINGS = """
(short_var_declaration left: (expression_list . (identifier) @var)
  right: (expression_list . (call_expression function: [(identifier)
  (selector_expression)] @ctor)))
(short_var_declaration left: (expression_list . (identifier) @var)
  right: (expression_list . [(composite_literal type: [(type_identifier) @type
  (qualified_type) @type]) (unary_expression operand:
  (composite_literal type: [(type_identifier) @type
  (qualified_type) @type]))]))
(var_spec name: (identifier) @var type: [(type_identifier) @type
  (pointer_type (type_identifier) @type) (qualified_type) @type])
(parameter_declaration name: (identifier) @var type: [(type_identifier) @type
  (pointer_type (type_identifier) @type) (qualified_type) @type
  (pointer_type (qualified_type) @type)])
(field_declaration name: (field_identifier) @var type: [(type_identifier) @type
  (pointer_type (type_identifier) @type) (qualified_type) @type
  (pointer_type (qualified_type) @type)])
(argument_list (identifier) @passed)
(keyed_element (literal_element (identifier)) (literal_element (identifier) @passed))
"""
_JAVA_BINDINGS = """
(local_variable_declaration type: [(type_identifier) @type (generic_type (type_identifier) @type)]
  declarator: (variable_declarator name: (identifier) @var))
(local_variable_declaration declarator: (variable_declarator name: (identifier) @var
  value: (object_creation_expression type: [(type_identifier) @type
  (generic_type (type_identifier) @type)])))
(field_declaration type: [(type_identifier) @type (generic_type (type_identifier) @type)]
  declarator: (variable_declarator name: (identifier) @var))
(formal_parameter type: [(type_identifier) @type (generic_type (type_identifier) @type)]
  name: (identifier) @var)
"""
_JAVASCRIPT_BINDINGS = """
(variable_declarator name: (identifier) @var
  value: (new_expression constructor: (identifier) @type))
(variable_declarator name: (identifier) @var value: (call_expression function: (identifier) @ctor))
(arguments (identifier) @passed)
"""
_TYPESCRIPT_BINDINGS = """
(variable_declarator name: (identifier) @var
  value: (new_expression constructor: (identifier) @type))
(variable_declarator name: (identifier) @var type: (type_annotation (type_identifier) @type))
(variable_declarator name: (identifier) @var value: (call_expression function: (identifier) @ctor))
(required_parameter pattern: (identifier) @param
  type: (type_annotation (type_identifier) @type))
(public_field_definition name: (property_identifier) @var
  type: (type_annotation (type_identifier) @type))
(arguments (identifier) @passed)
"""
_RUST_BINDINGS = """
(let_declaration pattern: (identifier) @var value: (call_expression function:
  (scoped_identifier path: (identifier) @type)))
(let_declaration pattern: (identifier) @var
  value: (struct_expression name: (type_identifier) @type))
(let_declaration pattern: (identifier) @var type: [(type_identifier) @type
  (reference_type type: (type_identifier) @type)])
(parameter pattern: (identifier) @var type: [(type_identifier) @type
  (reference_type type: (type_identifier) @type)])
(field_declaration name: (field_identifier) @field type: (generic_type type: (type_identifier)
  @wrap type_arguments: (type_arguments . (type_identifier) @type .)) (#eq? @wrap "Option"))
(field_declaration name: (field_identifier) @field type: (type_identifier) @type)
(match_expression value: (_) @inside body: (match_block (match_arm pattern: (match_pattern
  (tuple_struct_pattern type: (identifier) @some . (identifier) @var .)))) (#eq? @some "Some"))
(let_condition pattern: (tuple_struct_pattern type: (identifier) @some . (identifier) @var .)
  value: (_) @inside (#eq? @some "Some"))
(match_arm pattern: (match_pattern (tuple_struct_pattern type: (scoped_identifier
  path: (_) @enum name: (identifier) @variant) . (identifier) @var .)))
(enum_variant name: (identifier) @field body: (ordered_field_declaration_list
  type: (type_identifier) @type))
(arguments (identifier) @passed)
"""
_C_BINDINGS = """
(parameter_declaration
  type: [(type_identifier) @type (struct_specifier name: (type_identifier) @type)]
  declarator: [(identifier) @var (pointer_declarator declarator: (identifier) @var)])
(declaration
  type: [(type_identifier) @type (struct_specifier name: (type_identifier) @type)]
  declarator: [(identifier) @var (pointer_declarator declarator: (identifier) @var)
  (init_declarator
    declarator: [(identifier) @var (pointer_declarator declarator: (identifier) @var)])])
(argument_list (identifier) @passed)
(argument_list (pointer_expression argument: (identifier) @address))
(initializer_list (identifier) @passed)
"""
_CPP_BINDINGS = """
(declaration type: (type_identifier) @type declarator: [(identifier) @var
  (init_declarator declarator: (identifier) @var)
  (init_declarator declarator: (pointer_declarator declarator: (identifier) @var))
  (pointer_declarator declarator: (identifier) @var)])
(parameter_declaration type: (type_identifier) @type declarator: [(identifier) @var
  (pointer_declarator declarator: (identifier) @var) (reference_declarator (identifier) @var)])
(field_declaration type: (type_identifier) @type declarator: [(field_identifier) @var
  (pointer_declarator declarator: (field_identifier) @var)])
(argument_list (identifier) @passed)
(argument_list (pointer_expression argument: (identifier) @address))
(initializer_list (identifier) @passed)
"""

SPECS: dict[str, LanguageSpec] = {
    "python": LanguageSpec(
        definitions={"function_definition": "function", "class_definition": "class"},
        containers=frozenset({"module", "decorated_definition", "block"}),
        calls="""
(call function: [(identifier) @callee
  (attribute object: (_) @qual attribute: (identifier) @callee)]
  arguments: (argument_list) @args) @call
""",
        imports="(import_statement) @import (import_from_statement) @import",
        bindings=_PYTHON_BINDINGS,
    ),
    "javascript": LanguageSpec(
        definitions=_JS_DEFS,
        containers=_JS_CONTAINERS,
        calls=_JS_CALLS,
        imports=_JS_IMPORTS,
        bindings=_JAVASCRIPT_BINDINGS,
    ),
    "typescript": LanguageSpec(
        definitions={
            **_JS_DEFS,
            "abstract_class_declaration": "class",
            "interface_declaration": "interface",
            "type_alias_declaration": "type",
            "enum_declaration": "enum",
        },
        containers=_JS_CONTAINERS | {"ambient_declaration", "internal_module", "statement_block"},
        calls=_JS_CALLS,
        imports=_JS_IMPORTS,
        bindings=_TYPESCRIPT_BINDINGS,
    ),
    "go": LanguageSpec(
        definitions={
            "function_declaration": "function",
            "method_declaration": "method",
            "type_spec": "type",
        },
        containers=frozenset({"source_file", "type_declaration"}),
        calls="""
(call_expression function: [(identifier) @callee
  (selector_expression operand: (_) @qual field: (field_identifier) @callee)]
  arguments: (argument_list) @args) @call
""",
        imports="(import_spec path: (_) @source)",
        bindings=_GO_BINDINGS,
    ),
    "rust": LanguageSpec(
        definitions={
            "function_item": "function",
            "function_signature_item": "function",
            "struct_item": "struct",
            "enum_item": "enum",
            "trait_item": "trait",
            "type_item": "type",
        },
        containers=frozenset({"source_file", "impl_item", "mod_item", "declaration_list"}),
        calls="""
(call_expression function: [(identifier) @callee
  (scoped_identifier path: (_) @qual name: (identifier) @callee)
  (field_expression value: (_) @qual field: (field_identifier) @callee)]
  arguments: (arguments) @args) @call
""",
        imports="(use_declaration argument: (_) @use) (mod_item name: (identifier) @mod) @moditem",
        comment_types=frozenset({"line_comment", "block_comment"}),
        bindings=_RUST_BINDINGS,
    ),
    "java": LanguageSpec(
        definitions={
            "class_declaration": "class",
            "interface_declaration": "interface",
            "enum_declaration": "enum",
            "record_declaration": "class",
            "annotation_type_declaration": "annotation",
            "method_declaration": "method",
            "constructor_declaration": "method",
        },
        containers=frozenset(
            {"program", "class_body", "interface_body", "enum_body", "enum_body_declarations"}
        ),
        calls="""
(method_invocation object: (_)? @qual name: (identifier) @callee
  arguments: (argument_list) @args) @call
(object_creation_expression type: (type_identifier) @callee arguments: (argument_list) @args) @call
""",
        imports="(import_declaration) @import",
        comment_types=frozenset({"line_comment", "block_comment"}),
        bindings=_JAVA_BINDINGS,
    ),
    "c": LanguageSpec(
        definitions=_C_DEFS,
        containers=_C_CONTAINERS,
        calls=_C_CALLS,
        imports="(preproc_include path: (_) @path)",
        bindings=_C_BINDINGS,
    ),
    "cpp": LanguageSpec(
        definitions={
            **_C_DEFS,
            "field_declaration": "method",
            "class_specifier": "class",
            "alias_declaration": "type",
        },
        containers=_C_CONTAINERS
        | {"namespace_definition", "template_declaration", "field_declaration_list"},
        calls=_C_CALLS
        + """
(call_expression function: (qualified_identifier scope: (_) @qual name: (identifier) @callee)
  arguments: (argument_list) @args) @call
""",
        imports="(preproc_include path: (_) @path)",
        bindings=_CPP_BINDINGS,
    ),
}


def grammar_for(language: str, path: str) -> str | None:
    if language == "TypeScript" and path.endswith(".tsx"):
        return "tsx"
    if path.endswith(".h"):
        return "cpp"  # headers are shared by C and C++; C++'s grammar reads both
    return GRAMMARS.get(language)


@cache
def _parser(grammar: str) -> Any:
    return tree_sitter_language_pack.get_parser(grammar)  # type: ignore[arg-type]


@cache
def _query(grammar: str) -> tuple[Any, int, int]:
    """Calls, imports and bindings as one query, so the tree is walked once for all, and
    where each group's patterns end (calls first, then imports, then bindings)."""
    spec = SPECS["typescript" if grammar == "tsx" else grammar]
    language = tree_sitter_language_pack.get_language(grammar)  # type: ignore[arg-type]
    every = tree_sitter.Query(language, f"{spec.calls}\n{spec.imports}\n{spec.bindings}")
    # Each group's end by where its patterns start in the text: compiling the groups on
    # their own only to count their patterns took half as long again as the whole query.
    calls_end = len(spec.calls.encode())
    imports_end = calls_end + 1 + len(spec.imports.encode())
    starts = [every.start_byte_for_pattern(index) for index in range(every.pattern_count)]
    return every, sum(s < calls_end for s in starts), sum(s < imports_end for s in starts)


_GO_TYPES = """
(qualified_type package: (package_identifier) @pkg name: (type_identifier) @name)
(type_identifier) @bare
"""


@cache
def _go_type_query() -> Any:
    language = tree_sitter_language_pack.get_language("go")
    return tree_sitter.Query(language, _GO_TYPES)


def _go_type_refs(root: Node, deadline: float | None) -> list[tuple[str | None, str]]:
    """Each type the file names once: Go types are used far more often than called."""
    # Matches, not captures: a match keeps a package with its own name, while the lists
    # `captures` returns come in an order that changes from process to process.
    matches = [match for _, match in run_query(_go_type_query(), root, deadline)]
    qualified = {n.id for match in matches for n in match.get("name", [])}
    found: set[tuple[str | None, str]] = set()
    for match in matches:
        for package, name in zip(match.get("pkg", []), match.get("name", []), strict=False):
            found.add((_text(package), _text(name)))
        for node in match.get("bare", []):
            if node.id not in qualified:
                found.add((None, _text(node)))
    return sorted(found, key=lambda ref: (ref[0] or "", ref[1]))


# cobra's `&cobra.Command{Use: "serve [flags]", RunE: serve}` and urfave/cli's
# `&cli.Command{Name: "serve", Action: serve}`: a command and the function that runs it. The
# type is a framework's, imported: a package's own bare `Command{}` is the framework itself.
# In a table of them (`Commands: []*cli.Command{{Name: "add", ...}}`) each element is one.
_GO_COMMANDS = """
(composite_literal type: (qualified_type name: (type_identifier) @type)
  body: (literal_value) @body (#eq? @type "Command"))
(composite_literal type: (type_identifier) @own body: (literal_value) @body
  (#match? @own "^(Cmd|Command)$"))
(composite_literal type: (slice_type element: [(qualified_type name: (type_identifier) @type)
  (pointer_type (qualified_type name: (type_identifier) @type))])
  body: (literal_value (literal_element (literal_value) @body)) (#eq? @type "Command"))
"""


@cache
def _go_command_query() -> Any:
    language = tree_sitter_language_pack.get_language("go")
    return tree_sitter.Query(language, _GO_COMMANDS)


def _go_commands(root: Node, deadline: float | None) -> list[tuple[str, str | None, int, int]]:
    """The commands Go's command-line frameworks declare as `Command` struct literals: the
    name is the first word of `Use` (cobra's usage line) or the `Name` (urfave/cli); the
    handler is the function in `Run`, `RunE` or `Action`, or a function literal there. A
    `Hidden: true` command is kept out of the tool's help, and out of its commands here."""
    found: list[tuple[str, str | None, int, int]] = []
    for _, match in run_query(_go_command_query(), root, deadline):
        for body in match.get("body", []):
            command = _go_command(body, own="own" in match)
            if command is not None:
                found.append(command)
    return sorted(set(found), key=lambda c: (c[2], c[0]))


def _go_command(body: Node, *, own: bool = False) -> tuple[str, str | None, int, int] | None:
    """One command of a table. A tool's own `Cmd{Name: "allow", Action: wrap(allow)}` counts
    only with a named handler wrapped in the conversions or decorators that adapt it to the
    tool's own action type (`Action: withConfig(allow)`): a framework's own package writes
    `Command{Name: "help", Action: show}` for its help command, no tool's command."""
    fields: dict[str, Node] = {}
    for element in body.named_children:
        key, value = element.child_by_field_name("key"), element.child_by_field_name("value")
        if element.type != "keyed_element" or key is None or value is None:
            continue
        value = value.named_children[0] if value.type == "literal_element" else value
        fields[_text(key)] = value
    if "Hidden" in fields and _text(fields["Hidden"]) == "true":
        return None  # kept out of the help and the completions: not one of the tool's commands
    name = next((fields[k] for k in ("Use", "Name") if k in fields), None)
    handler = next((fields[k] for k in ("RunE", "Run", "Action") if k in fields), None)
    if name is None or handler is None or not name.type.endswith("string_literal"):
        return None
    words = _text(name).strip('`"').split()
    if not words or not re.fullmatch(r"[\w:.-]{1,40}", words[0]):
        return None
    start, end = handler.start_point[0] + 1, handler.end_point[0] + 1
    wrapped = False
    while own and handler.type == "call_expression":  # `withTimeout(withConfig(allow))`
        arguments = handler.child_by_field_name("arguments")
        inner = arguments.named_children if arguments is not None else []
        if len(inner) != 1:
            return None
        handler, wrapped = inner[0], True
    if own and not wrapped:
        return None
    if handler.type == "func_literal":
        return None if own else (words[0], None, start, end)
    if handler.type in {"identifier", "selector_expression"}:
        return words[0], _text(handler), start, end
    return None  # a call that makes the handler: not a function to follow by name


def _go_receiver(node: Node) -> tuple[str | None, str | None]:
    """(type, variable) of a Go method's receiver: `func (c *Command)` -> (Command, c)."""
    if node.type != "method_declaration":
        return None, None
    receiver = node.child_by_field_name("receiver")
    declaration = receiver.named_children[0] if receiver and receiver.named_children else None
    if declaration is None:
        return None, None
    kind = declaration.child_by_field_name("type")
    while kind is not None and kind.type in {"pointer_type", "generic_type"}:
        kind = kind.named_children[0] if kind.named_children else None
    variable = declaration.child_by_field_name("name")
    return (_text(kind) or None if kind is not None else None), (_text(variable) or None)


def _default_export(root: Node) -> str | None:
    """`exports = module.exports = createApplication`, `module.exports = class App {}` or
    `export default app`: the name."""
    for child in root.named_children:
        if child.type == "export_statement" and _text(child).startswith("export default"):
            value = child.child_by_field_name("value") or child.child_by_field_name("declaration")
            if value is not None and value.type == "identifier":
                return _text(value)
            named = value.child_by_field_name("name") if value is not None else None
            return _text(named) or None
        if child.type != "expression_statement" or not child.named_children:
            continue
        expression, assigns_exports = child.named_children[0], False
        while expression is not None and expression.type == "assignment_expression":
            left = _text(expression.child_by_field_name("left"))
            assigns_exports = assigns_exports or left == "module.exports"
            expression = expression.child_by_field_name("right")
        if assigns_exports and expression is not None and expression.type == "identifier":
            return _text(expression)
        if assigns_exports and expression is not None and expression.type == "class":
            return _text(expression.child_by_field_name("name")) or None
    return None


def _commonjs_named_exports(root: Node) -> set[str]:
    """The functions a CommonJS module hands out by name: `exports.x = x` or
    `module.exports.compile = compile`, each naming a function declared apart."""
    named: set[str] = set()
    for child in root.named_children:
        if child.type != "expression_statement" or not child.named_children:
            continue
        expression, assigns_exports = child.named_children[0], False
        while expression is not None and expression.type == "assignment_expression":
            left = _text(expression.child_by_field_name("left"))
            assigns_exports = assigns_exports or left.startswith(("module.exports.", "exports."))
            expression = expression.child_by_field_name("right")
        if assigns_exports and expression is not None and expression.type == "identifier":
            named.add(_text(expression))
    return named


# The file being read. Its text is sliced from here rather than asked of the node: a tree
# parsed through a read callback (needed for the parse deadline) would rebuild each
# node's text through that callback, which made text three quarters of all analysis time.
_SOURCE: ContextVar[bytes] = ContextVar("source", default=b"")
# How long a call's receiver is kept as written; longer ones are "…". An example's chain
# (`Spec.builder("m")\n  .add(x)\n  .build()`) is read whole: the caller says how far.
QUALIFIER_CHARS: ContextVar[int] = ContextVar("qualifier_chars", default=60)


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    return _SOURCE.get()[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


# JavaScript's private members keep their `#` (`#flush`): it is part of the name.
_NAME = re.compile(r"#?[\w$]+|~?[\w$]+(?:::~?[\w$]+)*|operator\S{1,3}")


def _one_line(text: str, limit: int = MAX_SIGNATURE) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _string_value(node: Node) -> str | None:
    """The value of a short string literal argument, or None."""
    if node.type not in {
        "string",
        "string_literal",
        "interpreted_string_literal",
        "raw_string_literal",
    }:
        return None
    raw = _text(node)
    if len(raw) > MAX_LITERAL:
        return None
    return raw.strip("\"'`").removeprefix('r#"').removesuffix('"#') or None


# ---- definitions ------------------------------------------------------------------------


def _declarator_name(node: Node) -> tuple[str | None, bool]:
    """Walk a C/C++ declarator chain to its name; the flag says a function was declared."""
    is_function = False
    current = node
    for _ in range(8):
        if current is None:
            return None, is_function
        if current.type == "function_declarator":
            is_function = True
            named = _parenthesised_name(current)
            if named is not None:
                return named, True
            # `API type name(...)`: a macro before the return type leaves the parser one word
            # short, so the real name sits in an error node just before the parameters.
            stray = next((c for c in current.children if c.type == "ERROR"), None)
            if stray is not None and stray.named_child_count:
                last = stray.named_child(stray.named_child_count - 1)
                if last is not None and last.type == "identifier":
                    return _text(last), True
        if current.type in {
            "identifier",
            "field_identifier",
            "type_identifier",
            "destructor_name",
            "operator_name",
        }:
            return _text(current), is_function
        if current.type == "qualified_identifier":
            named = current.child_by_field_name("name")
            if not is_function and _swallowed_return_type(current):
                current = named  # `API ns::T *name()`: the return type, then the name
                continue
            return _text(named) or None, is_function
        current = current.child_by_field_name("declarator")
    return None, is_function


def _swallowed_return_type(node: Node) -> bool:
    """`SPDLOG_INLINE spdlog::logger *default_logger_raw()`: a macro before a qualified
    return type leaves the parser reading the macro as the type and `spdlog::logger
    *default_logger_raw()` as one qualified name, the function declared inside it."""
    current: Node | None = node
    for _ in range(8):
        if current is None:
            return False
        if current.type == "function_declarator":
            return True
        named = current.child_by_field_name("name")
        current = named if named is not None else current.child_by_field_name("declarator")
    return False


def _parenthesised_name(node: Node) -> str | None:
    """`API size_t (lua_gettop) (lua_State *L)`: a name in parentheses, kept from macro
    expansion, which the parser reads as a call of the return type with one parameter."""
    inner = node.child_by_field_name("declarator")
    if inner is None or inner.type != "function_declarator":
        return None
    parameters = inner.child_by_field_name("parameters")
    if parameters is None or parameters.named_child_count != 1:
        return None
    only = parameters.named_child(0)
    if only is None or only.type != "parameter_declaration" or only.named_child_count != 1:
        return None
    kind = only.child_by_field_name("type")
    return _text(kind) if kind is not None and kind.type == "type_identifier" else None


def _cpp_scope(node: Node | None) -> str | None:
    """The class an out-of-line C++ definition belongs to: `TableBuilder` in
    `Status TableBuilder::status() const`."""
    current = node
    for _ in range(8):
        if current is None:
            return None
        if current.type == "qualified_identifier":
            if _swallowed_return_type(current):
                return None  # the scope is the return type's namespace, not an owner
            scope = current.child_by_field_name("scope")
            text = _text(scope).rsplit("::", 1)[-1] if scope is not None else ""
            return re.sub(r"<.*$", "", text) or None
        current = current.child_by_field_name("declarator")
    return None


def _name_of(node: Node, grammar: str) -> tuple[str | None, str | None]:
    """(name, kind override) of a definition node, or (None, None) when it is not one."""
    kind_override: str | None = None
    if grammar in {"c", "cpp"} and node.type in {
        "function_definition",
        "declaration",
        "field_declaration",
    }:
        name, is_function = _declarator_name(node.child_by_field_name("declarator"))
        return (name, None) if is_function and name else (None, None)
    if (
        grammar in {"c", "cpp"}
        and node.type
        in {
            "struct_specifier",
            "class_specifier",
            "enum_specifier",
        }
        and node.child_by_field_name("body") is None
    ):
        return None, None
    if node.type == "type_definition":
        name, _ = _declarator_name(node.child_by_field_name("declarator"))
        return name, None
    if node.type == "assignment_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if (
            left is None
            or right is None
            or left.type != "member_expression"
            or right.type not in {"arrow_function", "function_expression", "function"}
        ):
            return None, None
        return _text(left.child_by_field_name("property")) or None, None
    if node.type == "variable_declarator":
        value = node.child_by_field_name("value")
        if value is None or value.type not in {
            "arrow_function",
            "function_expression",
            "function",
            "class",
        }:
            return None, None
        kind_override = "class" if value.type == "class" else None
    if node.type == "type_spec":
        kind = node.child_by_field_name("type")
        if kind is not None and kind.type == "struct_type":
            kind_override = "struct"
        elif kind is not None and kind.type == "interface_type":
            kind_override = "interface"
    name_node = node.child_by_field_name("name")
    if name_node is None:
        return None, None
    return _text(name_node), kind_override


# node id -> its parent's named children, where it is among them, and its parent's type
Siblings = dict[int, tuple[list[Node], int, str]]


def _preceding(anchor: Node, siblings: Siblings | None = None) -> Iterator[Node]:
    """The named siblings before `anchor`, nearest first. From the list its parent's children
    were read into where one is known: tree-sitter finds a previous sibling by walking from
    the parent's first child, so asking for each in turn is quadratic in a long run."""
    place = siblings.get(anchor.id) if siblings is not None else None
    if place is not None:
        children, index, _ = place
        for before in range(index - 1, -1, -1):
            yield children[before]
        return
    node = anchor.prev_named_sibling
    while node is not None:
        yield node
        node = node.prev_named_sibling


def _leading_doc(
    anchor: Node, comment_types: frozenset[str], siblings: Siblings | None = None
) -> str | None:
    """The comment block that ends on the line above `anchor` (attributes may sit between)."""
    lines: list[str] = []
    expected_row = anchor.start_point[0]
    for node in _preceding(anchor, siblings):
        if node.type == "attribute_item" or node.type == "decorator":
            expected_row = node.start_point[0]
            continue
        if node.type not in comment_types:
            break
        text = _text(node).rstrip("\r\n")  # a `///` line comment keeps its newline
        if _BUNDLER_ANNOTATION.match(text):
            expected_row = node.start_point[0]
            continue
        # A `/** doc */` block may stand one blank line above what it documents (older
        # JavaScript, e.g. Express, writes them so); any other comment must touch it.
        gap = 2 if not lines and text.startswith("/**") else 1
        if node.end_point[0] < expected_row - gap:
            break
        if text.startswith(("/**<", "///<", "//!<", "/*!<")):
            break  # a trailing comment documents the item before
        lines.append(text)  # bottom up; turned round below (inserting at 0 is quadratic)
        expected_row = node.start_point[0]
    lines.reverse()
    # Where the block holds a documentation comment (`/** */`, `///`, `/*!`), that is the
    # doc: plain comments above it are section banners (`// Format methods`, `//-----`).
    marked = next((i for i, line in enumerate(lines) if line.startswith(_DOC_MARKERS)), 0)
    return describe("\n".join(lines[marked:])) if lines else None


_DOC_MARKERS = ("/**", "///", "/*!", "//!")
# A bundler's annotation (`/*#__PURE__*/`, `/* @__NO_SIDE_EFFECTS__ */`) marks the code below
# for the minifier, like an attribute: the doc comment above it still documents that code.
_BUNDLER_ANNOTATION = re.compile(r"^/\*\s*[#@]__[A-Z][A-Z_]*__\s*\*/$")


def _python_docstring_of(block: Node | None) -> str | None:
    """A block's docstring: grammars differ on whether it sits in an expression statement."""
    # named_child(0), not named_children[0]: a long body's list of statements is never built.
    # Comments are no statements: a license header above the docstring leaves it the first.
    first = block.named_child(0) if block is not None and block.named_child_count else None
    index = 0
    while first is not None and first.type == "comment" and block is not None:
        index += 1
        first = block.named_child(index) if index < block.named_child_count else None
    if first is not None and first.type == "expression_statement" and first.named_child_count:
        first = first.named_child(0)
    if first is not None and first.type == "string":
        return describe(python_docstring(_text(first)))
    return None


def _python_doc(node: Node) -> str | None:
    return _python_docstring_of(node.child_by_field_name("body"))


_COMMENT_NODES = frozenset({"comment", "line_comment", "block_comment"})


def _first_comment(node: Node, end: int) -> int | None:
    """Where the first comment inside `node` before byte `end` starts, if any."""
    # Every grammar's comments open with `/` or `#`: where neither is written, there is no
    # comment to look for among the nodes (most signatures).
    source = _SOURCE.get()
    if source.find(b"/", node.start_byte, end) < 0 and source.find(b"#", node.start_byte, end) < 0:
        return None
    found: int | None = None
    stack = [node]
    while stack:
        current = stack.pop()
        if current.start_byte >= end or (found is not None and current.start_byte >= found):
            continue
        if current.type in _COMMENT_NODES:
            found = current.start_byte
            continue
        stack.extend(current.children)
    return found


def _signature(node: Node, grammar: str, name: str) -> str:
    body = node.child_by_field_name("body")
    end = body.start_byte if body is not None else node.end_byte
    if grammar != "python":  # declarations end where a body opens
        brace = _SOURCE.get().find(b"{", node.start_byte, end)
        end = brace if brace >= 0 else end
    # A signature is quoted as written: one with a comment inside stops where it starts.
    comment = _first_comment(node, end)
    if comment is not None and comment > node.start_byte:
        tail = _SOURCE.get()[comment:end].decode("utf-8", "replace")
        cut = code_outside_comments(tail, ignoring=" \t\r\n{:=")
        end = comment
    else:
        cut = False
    raw = _SOURCE.get()[node.start_byte : max(end, node.start_byte)].decode("utf-8", "replace")
    text = raw.rstrip().rstrip("{:=").rstrip()
    if grammar == "python":
        text = text.removeprefix("async ").removeprefix("def ").removeprefix("class ")
    text = _one_line(text or name)
    return text + "…" if cut and not text.endswith("…") else text


def _decorations(node: Node, anchor: Node, siblings: Siblings) -> list[str]:
    found: list[str] = []
    if anchor.type == "decorated_definition":
        found += [
            _one_line(_text(d).lstrip("@"), 100)
            for d in anchor.named_children
            if d.type == "decorator"
        ]
    for child in node.named_children:
        if child.type == "modifiers":  # Java annotations
            found += [
                _one_line(_text(a).lstrip("@"), 100)
                for a in child.named_children
                if a.type in {"annotation", "marker_annotation"}
            ]
        elif child.type == "decorator":  # TypeScript
            found.append(_one_line(_text(child).lstrip("@"), 100))
    for sibling in _preceding(anchor, siblings):
        if sibling.type not in {"attribute_item", "line_comment"}:
            break
        if sibling.type == "attribute_item":  # Rust
            found.append(_one_line(_text(sibling).lstrip("#[").rstrip("]"), 100))
    return found


def _bases(node: Node) -> list[str]:
    for name in ("superclasses", "superclass", "interfaces"):
        child = node.child_by_field_name(name)
        if child is not None:
            return [
                _text(b)
                for b in child.named_children
                if b.type not in {"keyword_argument", "comment"}
            ][:6] or [_text(child).removeprefix("extends ").strip()]
    heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
    if heritage is not None:
        return [_text(c) for c in heritage.named_children][:6]
    return []


def _parent_type(node: Node, siblings: Siblings) -> str | None:
    """The type of `node`'s parent: known from the walk, else asked of tree-sitter, which
    finds a parent by walking down from the root (slow under a node of many children)."""
    place = siblings.get(node.id)
    if place is not None:
        return place[2]
    parent = node.parent
    return parent.type if parent is not None else None


def _is_exported(
    node: Node, anchor: Node, grammar: str, name: str, path: str, siblings: Siblings
) -> bool:
    if grammar == "python":
        return not name.startswith("_")
    if grammar == "go":
        return name[:1].isupper()
    if grammar == "rust":
        return any(c.type == "visibility_modifier" for c in node.named_children)
    if grammar == "java":
        modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
        return modifiers is not None and "public" in _text(modifiers).split()
    if grammar in _JS_GRAMMARS:
        if node.type in {"assignment_expression", "class"}:
            return True  # assigned onto an exported object, or exported whole, CommonJS style
        return anchor.type == "export_statement" or (
            _parent_type(anchor, siblings) in {"export_statement", _EXPORTED_OBJECT}
        )
    # C and C++: a declaration in a header, or a definition that is not static.
    if path.endswith((".h", ".hpp", ".hh", ".hxx")):
        return True
    return not any(
        c.type == "storage_class_specifier" and _text(c) == "static" for c in node.named_children
    )


def _export_public_members(pairs: list[tuple[Definition, Node]]) -> None:
    """JavaScript and TypeScript export a class, never its members one by one: an exported
    class's methods are its public API unless TypeScript marks them `private` or
    `protected` or their name makes them private (`#flush`)."""
    exported = {d.name for d, _ in pairs if d.exported and d.parent is None and d.kind == "class"}
    for definition, node in pairs:
        if (
            definition.kind == "method"
            and definition.parent in exported
            and definition.name != "constructor"
            and not definition.name.startswith("#")
            and not any(
                c.type == "accessibility_modifier" and _text(c) in {"private", "protected"}
                for c in node.children
            )
        ):
            definition.exported = True


# Rust nodes that can hold items and their attributes (`#[test]` inside `mod tests {}`).
_RUST_ITEM_HOLDERS = frozenset({"source_file", "mod_item", "declaration_list", "impl_item"})

# Nodes whose leading comment documents what they wrap.
_WRAPPERS = frozenset(
    {
        "decorated_definition",
        "export_statement",
        "lexical_declaration",
        "variable_declaration",
        "template_declaration",
        "expression_statement",
    }
)


def _commonjs_class(node: Node) -> Node | None:
    """The named class a CommonJS module exports as a whole: `module.exports = class X {}`."""
    if node.type != "assignment_expression":
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or right.type != "class":
        return None
    if (
        _text(left) not in {"module.exports", "exports"}
        or right.child_by_field_name("name") is None
    ):
        return None
    return right


# The container of the methods an object exported whole holds (see `_commonjs_object`).
_EXPORTED_OBJECT = "module.exports object"


def _commonjs_object(node: Node) -> Node | None:
    """The object a CommonJS module exports as a whole, its methods written in place:
    `module.exports = { get header() {...}, is(type) {...} }`."""
    if node.type != "assignment_expression":
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or right.type != "object":
        return None
    return right if _text(left) in {"module.exports", "exports"} else None


def _walk_definitions(
    root: Node, grammar: str, spec: LanguageSpec, path: str
) -> list[tuple[Definition, Node]]:
    found: list[tuple[Definition, Node]] = []
    # The doc above each anchor, read once: the declarators of one statement share their
    # anchor, and reading its comments for each of them was quadratic.
    docs: dict[int, str | None] = {}
    siblings: Siblings = {}  # each child of a container walked: where it is among them
    # (node, enclosing class name, the node whose leading comments document it)
    stack: list[tuple[Node, str | None, Node]] = [(root, None, root)]
    while stack:
        node, parent, anchor = stack.pop()
        kind = spec.definitions.get(node.type)
        if kind is not None and node is not root:
            name, override = _name_of(node, grammar)
            # A macro the grammar cannot see through yields "type name" or "T<x> name": not a name.
            if name and _NAME.fullmatch(name):
                kind = override or kind
                owner = parent
                if node.type == "assignment_expression":
                    target = _text(node.child_by_field_name("left").child_by_field_name("object"))
                    owner = None if target in {"exports", "module.exports"} else target[:40]
                receiver_type, receiver = _go_receiver(node)
                owner = receiver_type or owner
                if grammar == "cpp" and node.type == "function_definition":
                    owner = _cpp_scope(node.child_by_field_name("declarator")) or owner
                if owner and kind == "function":
                    kind = "method"
                parent_name = owner
                if grammar == "python":
                    doc = _python_doc(node)
                elif anchor.id in docs:
                    doc = docs[anchor.id]
                else:
                    doc = docs[anchor.id] = _leading_doc(anchor, spec.comment_types, siblings)
                definition = Definition(
                    name=name,
                    kind=kind,
                    line=node.start_point[0] + 1,
                    end_line=node.end_point[0] + 1,
                    doc=None if doc is None or restates_name(doc, name) else doc,
                    signature=_signature(node, grammar, name),
                    parent=parent_name,
                    decorators=_decorations(node, anchor, siblings),
                    bases=_bases(node),
                    exported=_is_exported(node, anchor, grammar, name, path, siblings),
                    receiver=receiver,
                )
                found.append((definition, node))
                if kind in {"class", "struct", "interface", "trait", "enum", "annotation"}:
                    body = node.child_by_field_name("body")
                    if body is not None:
                        members = body.named_children
                        siblings.update(
                            (c.id, (members, i, body.type)) for i, c in enumerate(members)
                        )
                        stack += [(c, name, c) for c in reversed(members)]
                continue
        exported_class = _commonjs_class(node)
        if exported_class is not None:
            stack.append((exported_class, parent, anchor))
            continue
        exported_object = _commonjs_object(node)
        if exported_object is not None:  # its methods are the module's: `get header() {}`
            members = exported_object.named_children
            siblings.update((c.id, (members, i, _EXPORTED_OBJECT)) for i, c in enumerate(members))
            stack += [(c, parent, c) for c in reversed(members) if c.type == "method_definition"]
            continue
        if node is root or node.type in spec.containers:
            owner = parent
            if node.type == "impl_item":
                # `impl<'a, W: Write> Printer<'a, W>`: the methods are `Printer`'s.
                named = _text(node.child_by_field_name("type")).split("<", 1)[0].strip()
                owner = named or parent
            children = node.named_children
            siblings.update((c.id, (children, i, node.type)) for i, c in enumerate(children))
            # `type X struct {...}` is one spec in a declaration: its comment sits above the
            # declaration. In a `type ( ... )` group each spec has its own.
            lone_spec = node.type == "type_declaration" and len(children) == 1
            scripted = grammar in _JS_GRAMMARS and node.type == "expression_statement"
            invoked = _invoked_function(node) if scripted else None
            if invoked is not None:
                stack.append((invoked, owner, node))
            for child in reversed(children):
                wrapped = node.type in _WRAPPERS or lone_spec
                stack.append((child, owner, anchor if wrapped else child))
    found.sort(key=lambda pair: pair[0].line)
    return found


_JS_GRAMMARS = frozenset({"javascript", "typescript", "tsx"})


def _invoked_function(statement: Node) -> Node | None:
    """A named function a script calls where it defines it, `await (async function main()
    {...})()`: a JavaScript program's main under its own name."""
    call = statement.named_children[0] if statement.named_children else None
    if call is not None and call.type == "await_expression" and call.named_children:
        call = call.named_children[0]
    callee = call.child_by_field_name("function") if call is not None else None
    # `(function main() {...})().catch(report)`: the call under the chained ones.
    while callee is not None and callee.type == "member_expression":
        inner = callee.child_by_field_name("object")
        callee = inner.child_by_field_name("function") if inner is not None else None
    if callee is None or callee.type != "parenthesized_expression" or not callee.named_children:
        return None
    function = callee.named_children[0]
    named = function.type == "function_expression" and function.child_by_field_name("name")
    return function if named else None


# ---- imports ----------------------------------------------------------------------------

# One query match: its nodes by capture name. Readers take matches, which come in source
# order; the lists `captures` returns come in an order that changes between processes.
Matches = list[dict[str, list[Node]]]


def _captured(matches: Matches, name: str) -> list[Node]:
    return [node for match in matches for node in match.get(name, ())]


def _imports_python(matches: Matches) -> list[ImportRef]:
    refs: list[ImportRef] = []
    for node in _captured(matches, "import"):
        if node.type == "import_statement":
            for child in node.named_children:
                target = (
                    child.child_by_field_name("name") if child.type == "aliased_import" else child
                )
                refs.append(ImportRef(target=_text(target)))
            continue
        module = node.child_by_field_name("module_name")
        names = tuple(
            _text(n.child_by_field_name("name") if n.type == "aliased_import" else n)
            for n in node.children_by_field_name("name")
        )
        if module is not None and module.type == "relative_import":
            prefix = next((c for c in module.named_children if c.type == "import_prefix"), None)
            dotted = next((c for c in module.named_children if c.type == "dotted_name"), None)
            refs.append(
                ImportRef(target=_text(dotted), names=names, level=len(_text(prefix).strip()))
            )
        else:
            refs.append(ImportRef(target=_text(module), names=names))
    return refs


def _imports_js(matches: Matches) -> list[ImportRef]:
    refs: list[ImportRef] = []
    for match in matches:
        sources = match.get("source", [])
        functions = match.get("fn", [])
        if functions and _text(functions[0]) not in {"require", "import"}:
            continue
        for source in sources:
            value = _text(source).strip("\"'`")
            names: tuple[str, ...] = ()
            statements = match.get("import", [])
            if statements:
                clause = next(
                    (c for c in statements[0].named_children if c.type == "import_clause"), None
                )
                if clause is not None:
                    names = tuple(
                        _text(n.child_by_field_name("name") or n)
                        for n in _descendants(clause, "import_specifier")
                    )
            alias = None
            if functions and not names:
                names, alias = _require_binding(source)
            refs.append(ImportRef(target=value, names=names, alias=alias))
    return refs


def _require_binding(source: Node) -> tuple[tuple[str, ...], str | None]:
    """The names `const {a, b} = require(x)` takes, or the alias `const m = require(x)` gives."""
    call = source.parent.parent if source.parent is not None else None
    declarator = call.parent if call is not None else None
    if declarator is None or declarator.type != "variable_declarator":
        return (), None
    target = declarator.child_by_field_name("name")
    if target is None:
        return (), None
    if target.type == "identifier":
        return (), _text(target)
    if target.type == "object_pattern":
        names = [
            _text(child.child_by_field_name("key") if child.type == "pair_pattern" else child)
            for child in target.named_children
            if child.type in {"shorthand_property_identifier_pattern", "pair_pattern"}
        ]
        return tuple(names), None
    return (), None


def _declares_file_module(attribute: Node) -> bool:
    """Whether a Rust attribute sits on `mod name;`: `#[cfg(test)] mod tests;` only says
    the tests live in their own file, so they are not this file's own."""
    item = attribute.next_named_sibling
    while item is not None and item.type in {"attribute_item", "line_comment", "block_comment"}:
        item = item.next_named_sibling
    return item is not None and item.type == "mod_item" and item.child_by_field_name("body") is None


def _descendants(
    node: Node,
    node_type: str,
    *,
    through: frozenset[str] | None = None,
    limit: int = 1 << 20,
) -> list[Node]:
    """Nodes of one type under `node`, descending only `through` these types when given,
    visiting at most `limit` nodes."""
    found: list[Node] = []
    stack = [node]
    visited = 0
    while stack and visited < limit:
        current = stack.pop()
        visited += 1
        if current.type == node_type:
            found.append(current)
            if through is not None:
                continue
        if through is None or current.type in through:
            stack.extend(current.named_children)
    return found


def _imports_go(matches: Matches) -> list[ImportRef]:
    return [ImportRef(target=_text(n).strip('"`')) for n in _captured(matches, "source")]


def _rust_use_paths(node: Node, prefix: str) -> list[str]:
    if node.type in {"scoped_identifier", "identifier", "crate", "self", "super"}:
        return [f"{prefix}{_text(node)}"]
    if node.type == "use_as_clause":
        return _rust_use_paths(node.child_by_field_name("path"), prefix)
    if node.type == "scoped_use_list":
        path = node.child_by_field_name("path")
        base = f"{prefix}{_text(path)}::" if path is not None else prefix
        inner = node.child_by_field_name("list")
        return _rust_use_paths(inner, base) if inner is not None else []
    if node.type == "use_list":
        paths: list[str] = []
        for child in node.named_children:
            paths += _rust_use_paths(child, prefix)
        return paths
    if node.type == "use_wildcard":
        return [f"{prefix}{_text(node).removesuffix('::*').removesuffix('*')}".rstrip(":")]
    return []


def _imports_rust(matches: Matches) -> list[ImportRef]:
    refs: list[ImportRef] = []
    for match in matches:
        for use in match.get("use", []):
            refs += [ImportRef(target=p) for p in _rust_use_paths(use, "")]
        for item in match.get("moditem", []):
            if item.child_by_field_name("body") is None:
                refs.append(ImportRef(target=_text(item.child_by_field_name("name")), kind="mod"))
    return refs


def _imports_java(matches: Matches) -> list[ImportRef]:
    refs: list[ImportRef] = []
    for node in _captured(matches, "import"):
        text = _text(node).removeprefix("import").strip().rstrip(";").strip()
        text = text.removeprefix("static ").strip()
        refs.append(ImportRef(target=text))
    return refs


def _imports_c(matches: Matches) -> list[ImportRef]:
    refs: list[ImportRef] = []
    for node in _captured(matches, "path"):
        raw = _text(node)
        refs.append(ImportRef(target=raw.strip('"<>'), local=raw.startswith('"')))
    return refs


_IMPORT_READERS = {
    "python": _imports_python,
    "javascript": _imports_js,
    "typescript": _imports_js,
    "tsx": _imports_js,
    "go": _imports_go,
    "rust": _imports_rust,
    "java": _imports_java,
    "c": _imports_c,
    "cpp": _imports_c,
}


# ---- calls ------------------------------------------------------------------------------


Binding = tuple[int, str, str]  # where, the variable, its type or "()constructor"


def _calls(
    query: Any, call_patterns: int, import_patterns: int, root: Node, deadline: float | None
) -> tuple[list[tuple[int, Call]], Matches, list[Binding]]:
    """The calls in the file (with where each starts), the matches of its imports, and
    what its names hold."""
    found: list[tuple[int, Call]] = []
    imports: Matches = []
    bindings: list[Binding] = []
    source = _SOURCE.get()
    limit = QUALIFIER_CHARS.get()
    for pattern, match in run_query(query, root, deadline):
        if pattern >= import_patterns:
            _binding(match, found, bindings)
            continue
        if pattern >= call_patterns:
            imports.append(match)
            continue
        callee = match.get("callee")
        call = match.get("call")
        if not callee or not call:
            continue
        qualifier = None
        qualifier_nodes = match.get("qual")
        if qualifier_nodes:
            node = qualifier_nodes[0]
            # Past 4 bytes a character it is past the limit: not worth decoding to say so.
            if node.end_byte - node.start_byte > 4 * limit:
                qualifier = "…"
            else:
                qualifier = _text(node)
                if len(qualifier) > limit or ("\n" in qualifier and limit <= 60):
                    qualifier = "…"
        literal = None
        arguments = match.get("args")
        # named_child(0), not named_children[0]: a long argument list is never built.
        if arguments and arguments[0].named_child_count:
            literal = _string_value(arguments[0].named_child(0))
        node = callee[0]
        name = source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
        node = call[0]
        found.append((node.start_byte, _call((name, qualifier, literal, node.start_point[0] + 1))))
    return found, imports, bindings


# tuple.__new__ rather than Call(...): the same tuple, made in C with no Python frame per
# call (a large tree has a hundred thousand).
_call = functools.partial(tuple.__new__, Call)


def _binding(
    match: dict[str, list[Node]], calls: list[tuple[int, Call]], out: list[Binding]
) -> None:
    passed = match.get("passed")
    if passed is not None and len(match) == 1:  # most bindings: one name handed on
        node = passed[0]
        calls.append((node.start_byte, _call((_text(node), PASSED, None, node.start_point[0] + 1))))
        return
    for capture, marker in (("passed", PASSED), ("address", ADDRESS)):
        for node in match.get(capture, ()):
            calls.append(
                (node.start_byte, _call((_text(node), marker, None, node.start_point[0] + 1)))
            )
    variable = match.get("var") or match.get("field") or match.get("param")
    if not variable:
        return
    if match.get("type"):
        value = _text(match["type"][0])
    elif match.get("ctor"):
        value = f"(){_text(match['ctor'][0])}"
    elif match.get("inside"):  # Rust's `Some(cmd)` out of `args.command`: what it holds
        value = f"{INSIDE}{_text(match['inside'][0])}"
    elif match.get("variant"):  # Rust's `Command::Run(args)`: what that variant holds
        value = f"{VARIANT}{_text(match['enum'][0])}::{_text(match['variant'][0])}"
    else:
        return
    # `self.parser = Parser()` in a method: a field of the class, not a local.
    name = f"{FIELD}{_text(variable[0])}" if match.get("field") else _text(variable[0])
    if match.get("param"):
        name = f"{PARAMETER}{name}"
    out.append((variable[0].start_byte, name, value))


def _assign_bindings(
    bindings: list[Binding], definitions: list[tuple[Definition, Node]]
) -> list[tuple[str, str]]:
    """Give each binding to the innermost definition that holds it: a function's parameters
    and locals, a class's fields; return the module's own. The first binding of a name wins."""
    module: list[tuple[str, str]] = []
    spans = sorted(((node.start_byte, node.end_byte, d) for d, node in definitions), key=_first)
    # Each binding's holder, found in one sweep in source order: the definitions begun by
    # its position, less those it is past, are a stack whose top is the innermost that
    # holds it (one stack of all, one of classes for fields). Searching back from each
    # binding instead took every definition before a module-level one: quadratic.
    holders: list[Definition | None] = [None] * len(bindings)
    opened: list[tuple[int, int, Definition]] = []
    classes: list[tuple[int, int, Definition]] = []
    following = 0
    for index in sorted(range(len(bindings)), key=lambda i: bindings[i][0]):
        position, variable, _ = bindings[index]
        while following < len(spans) and spans[following][0] <= position:
            opened.append(spans[following])
            if spans[following][2].kind in _CLASS_KINDS:
                classes.append(spans[following])
            following += 1
        stack = classes if variable.startswith(FIELD) else opened
        while stack and stack[-1][1] <= position:
            stack.pop()
        holder = stack[-1][2] if stack else None
        # A parameter straight in a class is one of a function written as a field's value
        # (`produce = (base: Base) => ...`): that function's, never a field of the class.
        if variable.startswith(PARAMETER) and holder is not None and holder.kind in _CLASS_KINDS:
            holder = _UNHELD
        holders[index] = holder
    named: dict[int, set[str]] = {}  # by holder: the names bound so far; the first one wins
    for (_, variable, value), holder in zip(bindings, holders, strict=True):
        if holder is _UNHELD:
            continue
        variable = variable.removeprefix(FIELD).removeprefix(PARAMETER)
        held = module if holder is None else holder.types
        names = named.setdefault(id(held), {v for v, _ in held})
        if variable not in names:
            names.add(variable)
            held.append((variable, value))
        elif value.startswith(VARIANT):
            # One name in each arm (`A(cmd) => cmd.run(), B(cmd) => cmd.run()`): all of them.
            at = next(i for i, (v, _) in enumerate(held) if v == variable)
            if held[at][1].startswith(VARIANT):
                held[at] = (variable, f"{held[at][1]}|{value.removeprefix(VARIANT)}")
    return module


FIELD = "self."  # a binding that belongs to the enclosing class
PARAMETER = "(param)"  # a binding a function's parameter makes
# The holder of a binding kept by none: a parameter of a function that is no definition.
_UNHELD = Definition(name="", kind="", line=0, end_line=0)
INSIDE = "(.)"  # a binding to what an expression's Option holds
VARIANT = "(::)"  # a binding to what an enum's variant holds
# Fields belong to these; a Rust enum's variants are its fields (`Run(RunArgs)`).
_CLASS_KINDS = frozenset({"class", "struct", "enum"})


def _first(item: tuple[int, int, Definition]) -> int:
    return item[0]


def _assign_calls(
    calls: list[tuple[int, Call]], definitions: list[tuple[Definition, Node]]
) -> list[Call]:
    """Give each call (in source order) to the innermost function that contains it; return
    the module's own.

    A function calling the same name the same way twice says nothing new: only the first is
    kept, which cuts a third of the calls a large tree ships between processes."""
    functions = sorted(
        ((node.start_byte, node.end_byte, d) for d, node in definitions if d.kind in _CALLABLE),
        key=lambda item: item[0],
    )
    module_level: list[Call] = []
    seen: set[tuple[int, str, str | None, str | None]] = set()
    # The calls come in source order: the functions begun by each call's position, less
    # those it is past, are a stack whose top holds it (the latest begun that holds it).
    # Searching back from each call instead took every function before a module-level call.
    opened: list[int] = []
    following = 0
    for position, call in calls:
        while following < len(functions) and functions[following][0] <= position:
            opened.append(following)
            following += 1
        while opened and functions[opened[-1]][1] <= position:
            opened.pop()
        index = opened[-1] if opened else -1
        owner = functions[index][2] if opened else None
        key = (index, call.name, call.qualifier, call.literal)
        if key in seen:
            continue
        seen.add(key)
        if owner is None:
            module_level.append(call)
        else:
            owner.calls.append(call)
    return module_level


_CALLABLE = frozenset({"function", "method"})


# ---- the file ---------------------------------------------------------------------------


def _module_doc(root: Node, grammar: str, spec: LanguageSpec, path: str = "") -> str | None:
    children = root.named_children
    if grammar == "python":
        return _python_docstring_of(root)
    if grammar == "go":
        package = next((c for c in children if c.type == "package_clause"), None)
        return _leading_doc(package, spec.comment_types) if package is not None else None
    # Elsewhere: the first comment block at the top of the file that is not a legal notice.
    blocks: list[list[str]] = []
    last_row = -2
    next_row = 1 << 30
    for child in children:
        if child.type not in spec.comment_types:
            next_row = child.start_point[0]
            break
        text = _text(child)
        if not blocks or child.start_point[0] > last_row + 1 or text.lstrip().startswith("/*"):
            blocks.append([])
        blocks[-1].append(text)
        last_row = child.end_point[0]
    # Java writes a package's doc above the `package` line of its `package-info.java`.
    package_info = grammar == "java" and path.rpartition("/")[2] == "package-info.java"
    if blocks and last_row + 1 >= next_row and not package_info:
        blocks.pop()  # the block right above the first definition documents that definition
    for block in blocks:
        described = describe("\n".join(block))
        if described:
            return described
    return None


def _has_main(grammar: str, syntax: FileSyntax, root: Node) -> bool:
    names = {d.name for d in syntax.definitions if d.parent is None}
    if grammar == "python":
        return any(
            child.type == "if_statement"
            and "__name__" in _text(child.child_by_field_name("condition"))
            for child in root.named_children
        )
    if grammar == "go":
        return syntax.package == "main" and "main" in names
    if grammar == "java":
        return any(d.name == "main" and "static" in (d.signature or "") for d in syntax.definitions)
    if grammar == "rust":
        return any(d.name == "main" and d.kind == "function" for d in syntax.definitions)
    if grammar in {"c", "cpp"}:
        lines = [d.line for d in syntax.definitions if d.name == "main" and d.kind == "function"]
        # A main whose body the parser could not close (preprocessor branches around its
        # braces) leaves its declarator at the top level: still the program's main.
        lines += [
            n.start_point[0] + 1
            for n in _descendants(root, "function_declarator", through=_LOOSE_HOLDERS, limit=20000)
            if _text(n.child_by_field_name("declarator")) == "main"
        ]
        # Each check walks down from the root: a file of thousands of guarded mains would
        # cost their number times the file. A real program has one or a few.
        return any(not _under_self_test_macro(root, line) for line in lines[:MAX_MAINS])
    return False


MAX_MAINS = 16  # the `main`s of one C or C++ file checked for a self-test guard
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}", re.ASCII)
_LOOSE_HOLDERS = _C_CONTAINERS | {"ERROR"}
_PREPROC_CONDITIONALS = frozenset({"preproc_ifdef", "preproc_if", "preproc_elif"})
# A C convention: a main compiled only when a macro naming a test, demo or example is
# defined (`#ifdef SDS_TEST_MAIN`) is the file's self-test, not the program's way in.
_SELF_TEST_MACRO = re.compile(r"TEST|DEMO|EXAMPLE|BENCH|SELFCHECK", re.IGNORECASE)


def _under_self_test_macro(root: Node, line: int) -> bool:
    """Whether the definition on `line` sits inside a conditional on a self-test macro."""
    row = line - 1
    stack = [root]
    while stack:
        node = stack.pop()
        for child in node.named_children:
            if child.start_point[0] <= row <= child.end_point[0]:
                if child.type in _PREPROC_CONDITIONALS and child.start_point[0] < row:
                    condition = child.child_by_field_name("name") or child.child_by_field_name(
                        "condition"
                    )
                    otherwise = child.child_by_field_name("alternative")
                    in_branch = otherwise is None or row < otherwise.start_point[0]
                    negated = child.type == "preproc_ifdef" and _text(child).startswith("#ifndef")
                    if (
                        in_branch
                        and not negated
                        and condition is not None
                        and _SELF_TEST_MACRO.search(_text(condition))
                    ):
                        return True
                stack.append(child)
    return False


class ParseTimeoutError(RuntimeError):
    """The parser ran past its time budget for one file (some inputs make it very slow)."""


READ_CHUNK = 64 * 1024


def _parse_within(parser: Any, source: bytes, seconds: float, deadline: float) -> Any:
    # tree-sitter asks the progress callback as it goes, but only when it reads the source
    # through a callback; returning True cancels the parse.
    try:
        return parser.parse(
            lambda offset, _point: source[offset : offset + READ_CHUNK],
            progress_callback=lambda *_: time.monotonic() > deadline,
        )
    except ValueError:
        # A cancelled parser keeps its state and would resume the abandoned file on its
        # next call, whatever source it is handed: start it afresh.
        parser.reset()
        raise ParseTimeoutError(f"parsing took longer than {seconds:g} s") from None


def parse_source(
    path: str, language: str, source: bytes, seconds: float | None = None
) -> FileSyntax | None:
    """Parse `source`; None when the language has no grammar here. With `seconds`, a
    parse that runs longer raises ParseTimeoutError."""
    grammar = grammar_for(language, path)
    if grammar is None:
        return None
    token = _SOURCE.set(source)
    try:
        return _read_tree(path, language, grammar, source, seconds)
    finally:
        _SOURCE.reset(token)


def _read_tree(
    path: str, language: str, grammar: str, source: bytes, seconds: float | None
) -> FileSyntax:
    spec = SPECS["typescript" if grammar == "tsx" else grammar]
    # One budget for the file: its parse, then its queries.
    deadline = None
    if seconds is None:
        tree = _parser(grammar).parse(source)
    else:
        deadline = time.monotonic() + seconds
        tree = _parse_within(_parser(grammar), source, seconds, deadline)
    root = tree.root_node
    syntax = FileSyntax(language=language, parse_errors=bool(root.has_error))
    pairs = _walk_definitions(root, grammar, spec, path)
    syntax.definitions = [d for d, _ in pairs]
    query, call_patterns, import_patterns = _query(grammar)
    calls, import_matches, bindings = _calls(query, call_patterns, import_patterns, root, deadline)
    calls.sort(key=lambda item: item[0])  # handed-on names join the calls in source order
    syntax.module_calls = _assign_calls(calls, pairs)
    syntax.module_types = _assign_bindings(bindings, pairs)
    syntax.imports = _IMPORT_READERS[grammar](import_matches)
    syntax.module_doc = _module_doc(root, grammar, spec, path)
    if grammar == "go":
        clause = next((c for c in root.named_children if c.type == "package_clause"), None)
        syntax.package = (
            _text(clause.named_children[0]) if clause and clause.named_children else None
        )
        syntax.type_refs = _go_type_refs(root, deadline)
        syntax.commands = _go_commands(root, deadline)
        # Build constraints sit in comments above the package clause.
        syntax.attributes = [
            text.removeprefix("//").strip()
            for c in root.named_children
            if c.type == "comment"
            and (clause is None or c.start_point[0] < clause.start_point[0])
            and (text := _text(c)).startswith(("//go:build", "// +build"))
        ]
    elif grammar in _JS_GRAMMARS:
        syntax.default_export = _default_export(root)
        # What a module whose value is one function attaches to it is that function's
        # companions, the package's surface too (`module.exports = logger` with
        # `module.exports.compile = compile`); a helper module's `exports.x` stays its own.
        named = _commonjs_named_exports(root) if syntax.default_export else set()
        for definition in syntax.definitions:
            if definition.parent is None and (
                definition.name == syntax.default_export or definition.name in named
            ):
                definition.exported = True
        _export_public_members(pairs)
    elif grammar == "java":
        declaration = next(
            (c for c in root.named_children if c.type == "package_declaration"), None
        )
        if declaration is not None and declaration.named_children:
            syntax.package = _text(declaration.named_children[0])
    elif grammar == "rust":
        syntax.attributes = [
            _text(n).lstrip("#[").rstrip("]")
            for n in _descendants(root, "attribute_item", through=_RUST_ITEM_HOLDERS, limit=5000)
            if not _declares_file_module(n)
        ]
    syntax.has_main = _has_main(grammar, syntax, root)
    # Latin-1 maps each byte to one character, so the ASCII-only pattern finds the same
    # words as in the bytes, as strings at once.
    syntax.words = frozenset(_WORD.findall(source.decode("latin-1")))
    return syntax
