"""Go writes another package's type with that package's name (`io.Writer`,
`context.Context`). Such a type is the project's only when the file imports one of the
project's packages under that name: a variable of the standard library's `io.Writer` holds
no project type, though the project has a `Writer` of its own, and a struct's
`context.Context` field is no field of the project's `Context`."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.callgraph import CallGraph, Symbol
from codestory.analysis.resolve import Resolver
from codestory.analysis.syntax import FileSyntax, parse_source
from tests.support import write_files as write

_GO_MOD = "module example.com/tally\n\ngo 1.22\n"

_BUFFERED = """package buffered

// Writer queues lines and writes them later.
type Writer struct {
	lines [][]byte
}

// Write queues one line.
func (w *Writer) Write(p []byte) (int, error) {
	w.lines = append(w.lines, p)
	return len(p), nil
}
"""

_MAIN = """package main

import (
	"io"
	"os"

	"example.com/tally/buffered"
)

func copyLines(out io.Writer, line []byte) error {
	_, err := out.Write(line)
	return err
}

func queueLines(out *buffered.Writer, line []byte) error {
	_, err := out.Write(line)
	return err
}

func main() {
	_ = copyLines(os.Stdout, []byte("x"))
	_ = queueLines(&buffered.Writer{}, []byte("x"))
}
"""


def _callees(graph: CallGraph, syntaxes: dict[str, FileSyntax], path: str, name: str) -> list[str]:
    start = next(d for d in syntaxes[path].definitions if d.name == name)
    return [f"{s.path}::{s.definition.qualified_name}" for s in graph.callees(Symbol(path, start))]


def test_a_standard_library_type_is_not_the_projects_type_of_that_name() -> None:
    files = {"buffered/buffered.go": _BUFFERED, "cmd/tally/main.go": _MAIN}
    syntaxes = {path: parse_source(path, "Go", text.encode()) for path, text in files.items()}
    known = {path: syntax for path, syntax in syntaxes.items() if syntax is not None}
    resolver = Resolver(known, {*files, "go.mod"})
    resolver.set_go_module("example.com/tally")
    graph = CallGraph(known, resolver)
    # `out io.Writer`: whatever the caller passes, not the project's `Writer`.
    assert _callees(graph, known, "cmd/tally/main.go", "copyLines") == []
    assert _callees(graph, known, "cmd/tally/main.go", "queueLines") == [
        "buffered/buffered.go::Writer.Write"
    ]


_LOG = """package tally

import (
	"context"
	"io"
)

// Context carries fields every line of a logger repeats.
type Context struct {
	fields []byte
}

// Level is how severe a line is.
type Level int8

// Logger writes lines.
type Logger struct {
	out     io.Writer
	level   Level
	context Context
	ctx     context.Context
}

// Event is one line being written.
type Event struct {
	level Level
	ctx   context.Context
}

// New makes a Logger.
func New(out io.Writer) Logger { return Logger{out: out} }

// Info starts a line.
func (l Logger) Info() *Event { return &Event{level: l.level, ctx: l.ctx} }

// With adds fields.
func (l Logger) With() Context { return l.context }
"""


def test_a_field_of_a_standard_library_type_is_no_field_of_the_projects(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path,
        {"go.mod": _GO_MOD, "log.go": _LOG, "use.go": "package tally\n\nvar _ = New(nil)\n"},
    )
    facts = analyse(root, name="tally")
    holds = {s.name: s.holds for s in facts.key_symbols if s.kind == "struct"}
    assert set(holds["Logger"]) == {"Level", "Context"}  # its own `context Context`
    assert holds["Event"] == ["Level"]  # `ctx context.Context` is the standard library's
