"""Markdown's indented code blocks are code blocks too: a README written in that older style
shows its main call in one, and the tour starts there, not at a later fenced example of an
advanced use."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.usage_example import example_blocks
from tests.support import write_files as write

_README = """\
# lineread

A small line editor.

The main call:

    char *lineread(const char *prompt);

Use it like this:

    while((line = lineread("hello> ")) != NULL) {
        free(line);
    }

Run the example with:

    make example

## Without blocking

```c
struct state s;
lineread_feed(&s);
```
"""


def test_indented_blocks_are_read_in_the_projects_language_in_their_order() -> None:
    blocks = example_blocks("README.md", _README, "C")
    assert blocks[0] == ("C", "char *lineread(const char *prompt);")
    assert 'lineread("hello> ")' in blocks[1][1]


def test_the_tour_starts_at_the_call_an_indented_example_shows_first(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "Makefile": "example: lineread.c example.c\n\t$(CC) -o example lineread.c example.c\n",
            "README.md": _README,
            "lineread.h": "char *lineread(const char *prompt);\nchar *lineread_feed(void *s);\n",
            "lineread.c": (
                '#include "lineread.h"\n\nstatic int read_key(void) {\n  return 0;\n}\n\n'
                "static char *edit(void) {\n  read_key();\n  return 0;\n}\n\n"
                "char *lineread_feed(void *s) {\n  read_key();\n  return 0;\n}\n\n"
                "char *lineread(const char *prompt) {\n  return edit();\n}\n"
            ),
            "example.c": '#include "lineread.h"\n\nint main(void) {\n  lineread("> ");\n}\n',
        },
    )
    paths = analyse(root, name="lineread").control_paths
    assert paths and paths[0][0].via == "lineread"
