"""Tree-sitter queries run with their work bounded by the file they read.

A query cursor run from a node with very many children takes time quadratic in their
number: the flat error nodes a parser leaves of `func (` written thousands of times kept a
600 KB Go file in the queries for minutes. Run from each child in turn, the same matches
come in the same order in linear time. Only the root and error nodes are split so: no
pattern starts at either, so none of a pattern's matches is lost by the split.

A file's deadline is asked between the nodes a split query runs from. The cursor's own
progress callback is not used: with this version of the bindings it crashes the process
once a query has matches.
"""

from __future__ import annotations

import time
from typing import Any

import tree_sitter

Node = Any  # tree_sitter.Node
Match = tuple[int, dict[str, list[Node]]]

MAX_CHILDREN = 512  # a root or error node with more children is queried child by child
SPLIT_TYPES = frozenset({"ERROR"})  # besides the root: node types no pattern starts at


class QueryTimeoutError(RuntimeError):
    """A query ran past the file's deadline."""


def run_query(query: Any, root: Node, deadline: float | None = None) -> list[Match]:
    """`query`'s matches under `root`, in source order; QueryTimeoutError past `deadline`
    (a `time.monotonic()` value), asked between the nodes it runs from."""
    roots = query_roots(root)
    if len(roots) == 1:
        return tree_sitter.QueryCursor(query).matches(root)
    found: list[Match] = []
    for index, node in enumerate(roots):
        if deadline is not None and index % 64 == 0 and time.monotonic() > deadline:
            raise QueryTimeoutError("the file's queries took longer than its time budget")
        found += tree_sitter.QueryCursor(query).matches(node)
    return found


def query_roots(root: Node) -> list[Node]:
    """The nodes to run a query from, in source order: `root` itself, unless it (or an
    error node under it, found the same way) has more than MAX_CHILDREN children."""
    if root.child_count <= MAX_CHILDREN:
        return [root]
    nodes: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node is root or (node.type in SPLIT_TYPES and node.child_count > MAX_CHILDREN):
            stack.extend(reversed(node.children))
        else:
            nodes.append(node)
    return nodes
