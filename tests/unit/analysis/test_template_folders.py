"""A folder named for a template engine's templates (`templates/`, as Jinja, Askama, Go's
html/template and Express's views use it) holds what the code renders, whatever the
suffixes of its files (`bash.txt`, `page.html`) would otherwise say."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write


def test_a_templates_folder_is_told_as_the_templates_the_code_renders(tmp_path: Path) -> None:
    files = {
        "Cargo.toml": '[package]\nname = "hopper"\nversion = "0.3.0"\nedition = "2021"\n',
        "src/main.rs": "fn main() {\n    let shell = std::env::args().nth(1);\n"
        '    println!("{:?}", shell);\n}\n',
        "notes/design.md": "# Design\n\nWhy the hops are kept in a file.\n",
        "notes/history.md": "# History\n\nHow it began.\n",
    }
    for shell in ("bash", "zsh", "fish"):
        files[f"templates/{shell}.txt"] = f"# init for {shell}\n{{{{ cmd }}}} hop\n"
    facts = analyse(write(tmp_path / "repo", files), name="hopper")
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert "the templates it renders in `templates`" in told
    assert "written notes in `notes`" in told
