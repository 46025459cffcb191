"""A parsed file survives the trip through rows, as workers and the syntax cache use them."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from codestory.analysis.parallel import _parse_chunk, _read_back
from codestory.analysis.surface import surface_of
from codestory.analysis.syntax import parse_source
from codestory.analysis.syntax_rows import pack, unpack

SOURCES = {
    "pkg/a.py": (
        "Python",
        b'"""Doc."""\nimport os\nfrom .x import y as z\n\n@decorated\nclass A(Base):\n'
        b'    """A thing."""\n    def go(self, n):\n        return os.path.join(z("lit"), n)\n'
        b"\nif __name__ == '__main__':\n    A().go(1)\n",
    ),
    "cmd/main.go": (
        "Go",
        b'package main\n\nimport (\n\t"fmt"\n\t"example.com/x/lib"\n)\n\n'
        b"type Server struct{ c *lib.Client }\n\nfunc (s *Server) Run() { fmt.Println(s) }\n"
        b"\nfunc main() { (&Server{}).Run() }\n"
        b'\nvar serve = &cobra.Command{Use: "serve", RunE: func() error { return nil }}\n',
    ),
}


@pytest.mark.parametrize("path", sorted(SOURCES))
def test_a_parse_worker_hands_back_the_parsed_file(path: str, tmp_path: Path) -> None:
    language, source = SOURCES[path]
    file = tmp_path / path.replace("/", "_")
    file.write_bytes(source)
    parsed = parse_source(path, language, source)
    assert parsed is not None and parsed.definitions and parsed.imports
    assert parsed.commands or language != "Go"  # a command table's rows too
    handed = _parse_chunk([(path, language, file, None, None)])
    assert all(isinstance(row, bytes) for _, row, _ in handed)  # one copy across processes
    sent = pickle.loads(pickle.dumps(handed))  # noqa: S301 - bytes made just above
    assert _read_back(sent) == [(path, parsed, False)]


@pytest.mark.parametrize("path", sorted(SOURCES))
def test_a_packed_row_gives_back_the_parsed_file_and_its_surface(path: str) -> None:
    language, source = SOURCES[path]
    parsed = parse_source(path, language, source)
    assert parsed is not None
    parsed.surface = surface_of(parsed)
    read = unpack(pack(parsed))
    assert read == parsed
    assert read.surface == parsed.surface  # not compared by ==: it is no part of the syntax
    assert surface_of(read) == parsed.surface  # the same values, read back
