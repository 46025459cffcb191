"""A library that ships several small programs names each of them: "a small program of its
own" would tell a listener there is only one."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_LOG = """// Package tally is a small library that counts words.
package tally

// Count counts the words of a text.
func Count(text string) int {
	n := 0
	for range text {
		n++
	}
	return n
}
"""
_MAIN = """package main

import (
	"fmt"

	"example.com/tally"
)

func main() {
	fmt.Println(tally.Count("a b"))
}
"""


def _told(root: Path) -> str:
    facts = analyse(root, name="tally")
    chapters = write_script(facts).chapters
    return next(c.text for c in chapters if c.title.startswith("Where it starts"))


def test_each_program_a_library_ships_is_named(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/tally\n\ngo 1.22\n",
        "README.md": "# tally\n\nA small library that counts words.\n",
        "tally.go": _LOG,
        "cmd/count/main.go": _MAIN,
        "cmd/words/main.go": _MAIN,
    }
    told = _told(write(tmp_path, files))
    assert "It also ships small programs of its own, the commands `count` and `words`" in told
    assert "a small program of its own" not in told


def test_one_program_is_one(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module example.com/tally\n\ngo 1.22\n",
        "README.md": "# tally\n\nA small library that counts words.\n",
        "tally.go": _LOG,
        "cmd/count/main.go": _MAIN,
    }
    told = _told(write(tmp_path, files))
    assert "It also ships a small program of its own: the command `count`" in told
