"""The organisation chapter lists the folders beside the code naming each kind of files
once: "the build and helper tooling in `scripts`, 3 files, and `tools`, 2 files", not the
same words again for every folder."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write


def test_folders_of_one_kind_are_listed_under_one_name(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "ledger"\nversion = "1.0"\n',
        "README.md": "# ledger\n\nKeeps accounts.\n",
        "ledger/__init__.py": "",
        "ledger/book.py": "def book(entry):\n    total = entry + 1\n    return total\n",
        "ledger/report.py": "def report(rows):\n    text = str(rows)\n    return text\n",
        "docs/index.md": "# ledger\n",
        "docs/usage.md": "# usage\n",
        **{f"scripts/release_{i}.sh": "#!/bin/sh\necho release\n" for i in range(3)},
        **{f"tools/lint_{i}.sh": "#!/bin/sh\necho lint\n" for i in range(2)},
    }
    facts = analyse(write(tmp_path / "ledger", files), name="ledger")
    layout = next(c.text for c in write_script(facts).chapters if c.title == "How it is organised")
    assert layout.count("build and helper tooling") == 1, layout
    assert "`scripts`, 3 files, and `tools`, 2 files" in layout, layout
