"""The kinds of file analysis tells apart. Its own module so that classify and the
ecosystem models, which classify asks for their naming conventions, share it without a
cycle."""

from __future__ import annotations

from enum import StrEnum


class FileKind(StrEnum):
    SOURCE = "source"
    TEST = "test"
    EXAMPLE = "example"
    DOCS = "docs"  # code that lives in documentation: tutorials, snippets, doc build config
    BENCHMARK = "benchmark"
    TOOLING = "tooling"  # build, release and helper scripts
    VENDORED = "vendored"
    GENERATED = "generated"
    MINIFIED = "minified"
    DATA = "data"  # a folder with no code at all: signatures, images, data (see `holdings`)
