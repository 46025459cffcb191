"""Go: go.mod lists its requirements alphabetically, so the modules a story names as
examples of what the code needs are the ones more of its files import."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write

_GO_MOD = """module example.com/reader

go 1.22

require (
	github.com/aaa/clipboard v0.1.4
	github.com/mmm/render v1.0.0
	github.com/zzz/terminal v1.3.0
)
"""


def _file(package: str, imports: list[str], name: str) -> str:
    lines = "\n".join(f'\t"{i}"' for i in imports)
    return f"package {package}\n\nimport (\n{lines}\n)\n\nfunc {name}() {{}}\n"


def test_go_requirements_more_files_import_come_first(tmp_path: Path) -> None:
    files = {
        "go.mod": _GO_MOD,
        "main.go": _file("main", ["github.com/zzz/terminal", "github.com/mmm/render"], "main"),
        "ui/pager.go": _file("ui", ["github.com/zzz/terminal/style"], "Pager"),
        "ui/stash.go": _file("ui", ["github.com/zzz/terminal", "github.com/mmm/render"], "Stash"),
        "ui/copy.go": _file("ui", ["github.com/aaa/clipboard"], "Copy"),
    }
    facts = analyse(write(tmp_path / "repo", files), name="reader")
    assert facts.dependencies == [
        "github.com/zzz/terminal",
        "github.com/mmm/render",
        "github.com/aaa/clipboard",
    ]
