"""A parsed file as plain rows: tuples of strings, numbers and booleans.

What a parse worker hands back and what the syntax cache writes, packed by marshal with
each string once per file (a name called fifty times is stored once and read back as one
object). Packed rows are made in half the time pickled rows took, and read back as fast:
a large tree ships over a hundred thousand calls between processes. marshal reads plain
values only (nothing in a row runs), but its format belongs to one Python: rows are
packed and unpacked by processes of the same interpreter only.
"""

from __future__ import annotations

import functools
import marshal
from typing import Any

from codestory.analysis.syntax import Call, Definition, FileSyntax, ImportRef

Row = tuple[Any, ...]


# tuple.__new__ rather than Call(*row): the same tuple, made in C with no Python frame
# per call (a large tree has a hundred thousand).
_call = functools.partial(tuple.__new__, Call)


def _calls(rows: list[Any]) -> list[Call]:
    return list(map(_call, rows))


def from_row(row: Row | list[Any]) -> FileSyntax:
    """The FileSyntax whose row `pack` wrote (FileSyntax's fields in order, calls as
    tuples in Call's order)."""
    (
        language,
        module_doc,
        definitions,
        imports,
        module_calls,
        attributes,
        package,
        default_export,
        type_refs,
        has_main,
        parse_errors,
        module_types,
        commands,
        surface,
        words,
    ) = row
    return FileSyntax(
        language=language,
        module_doc=module_doc,
        definitions=[
            Definition(
                name,
                kind,
                line,
                end_line,
                doc,
                signature,
                parent,
                list(decorators),
                list(bases),
                exported,
                _calls(calls),
                receiver,
                list(map(tuple, types)),
            )
            for (
                name,
                kind,
                line,
                end_line,
                doc,
                signature,
                parent,
                decorators,
                bases,
                exported,
                calls,
                receiver,
                types,
            ) in definitions
        ],
        imports=[
            ImportRef(target, tuple(names), level, local, kind, alias)
            for target, names, level, local, kind, alias in imports
        ],
        module_calls=_calls(module_calls),
        attributes=list(attributes),
        package=package,
        default_export=default_export,
        type_refs=[(scope, name) for scope, name in type_refs],
        has_main=has_main,
        parse_errors=parse_errors,
        words=frozenset(words),
        module_types=[(variable, value) for variable, value in module_types],
        commands=[(name, handler, line, end) for name, handler, line, end in commands],
        surface=surface,
    )


def pack(syntax: FileSyntax) -> bytes:
    """`syntax` as marshal's bytes of its row, each string written once (`unpack` reads
    it back)."""
    seen: dict[str, str] = {}
    one = seen.setdefault  # each string the first equal one: marshal writes the rest as references

    def calls(rows: list[Call]) -> tuple[Any, ...]:
        return tuple(
            (one(name, name), qualifier and one(qualifier, qualifier), literal, line)
            for name, qualifier, literal, line in rows
        )

    def pairs(rows: list[tuple[Any, Any]]) -> tuple[Any, ...]:
        return tuple((a and one(a, a), b and one(b, b)) for a, b in rows)

    definitions = tuple(
        (one(d.name, d.name), one(d.kind, d.kind), d.line, d.end_line, d.doc, d.signature,
         d.parent and one(d.parent, d.parent), tuple(d.decorators), tuple(d.bases), d.exported,
         calls(d.calls), d.receiver, pairs(d.types))
        for d in syntax.definitions
    )  # fmt: skip
    imports = tuple((i.target, i.names, i.level, i.local, i.kind, i.alias) for i in syntax.imports)
    row = (
        syntax.language,
        syntax.module_doc,
        definitions,
        imports,
        calls(syntax.module_calls),
        tuple(syntax.attributes),
        syntax.package,
        syntax.default_export,
        pairs(syntax.type_refs),
        syntax.has_main,
        syntax.parse_errors,
        pairs(syntax.module_types),
        tuple(tuple(c) for c in syntax.commands),
        syntax.surface,
        # One string of words (identifiers: no spaces) in a stable order: one string reads
        # back faster than tens of thousands.
        " ".join(sorted(syntax.words)),
    )
    return marshal.dumps(row)


def unpack(data: bytes) -> FileSyntax:
    """The FileSyntax `pack` was given."""
    row = list(marshal.loads(data))  # noqa: S302 - our own rows, packed by this interpreter
    row[-1] = row[-1].split()
    return from_row(row)
