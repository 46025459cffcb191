"""A command-line tool's shell completions (`contrib/completion/_tool`, `completions/`)
are said as what they are, not as the project's build and helper tooling."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.file_kind import FileKind
from tests.support import write_files as write


def test_a_folder_of_shell_completions_says_so(tmp_path: Path) -> None:
    root = write(
        tmp_path / "finder",
        {
            "Cargo.toml": '[package]\nname = "finder"\nversion = "0.1.0"\nedition = "2021"\n',
            "src/main.rs": 'fn main() {\n    let n = 1;\n    println!("{n}");\n}\n',
            "contrib/completion/_finder": "#compdef finder\n_arguments '-h[help]'\n",
            "contrib/completion/finder.bash": "complete -W '-h --help' finder\n",
            "contrib/completion/finder.fish": "complete -c finder -s h\n",
            "scripts/release.sh": "#!/bin/sh\ncargo build --release\n",
        },
    )
    areas = {a.path: a for a in analyse(root, name="finder").areas}
    assert areas["contrib"].holds == "shell completion scripts", areas["contrib"]
    assert areas["contrib"].kind is FileKind.DATA
    assert areas["scripts"].kind is FileKind.TOOLING  # a release script is tooling still
