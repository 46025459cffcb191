"""Python: comments are no statements, so a module's docstring below its license header (or
a function's below a comment) is still its docstring, and the story can quote it."""

from __future__ import annotations

from codestory.analysis.syntax import parse_source

MODULE = '''# Copyright (C) 2016 The Authors
#
# This program is free software: you can redistribute it and/or modify it.

"""
Use this rule to control the indentation.

.. rubric:: Options
"""


def check(conf):
    # the rule's entry point
    """Yield the problems found in one token."""
    return []


def plain():
    return 1
'''


def test_a_docstring_below_comments_is_the_docstring() -> None:
    syntax = parse_source("rules/indentation.py", "Python", MODULE.encode())
    assert syntax is not None
    assert syntax.module_doc == "Use this rule to control the indentation."
    docs = {d.name: d.doc for d in syntax.definitions}
    assert docs["check"] == "Yield the problems found in one token."
    assert docs["plain"] is None


def test_a_module_of_comments_only_has_no_docstring() -> None:
    syntax = parse_source("empty.py", "Python", b"# nothing here\n# at all\n")
    assert syntax is not None and syntax.module_doc is None
