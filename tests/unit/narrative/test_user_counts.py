""" "Used from N other files" is said only when the resolver followed every file that names
the definition: Rust's `entry::Entry` written through its module in a signature names the
type without a `use` of it, and a count of the importers alone would be too small."""

from __future__ import annotations

import re
from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_ENTRY = (
    "/// One entry found on disk, with the path the user is shown.\n"
    "pub struct Entry {\n    pub path: String,\n    pub depth: usize,\n}\n\n"
    "impl Entry {\n    pub fn shown(&self) -> &str {\n        &self.path\n    }\n\n"
    "    pub fn deeper(&self) -> usize {\n        self.depth + 1\n    }\n}\n\n"
    'pub fn root() -> Entry {\n    let path = String::from(".");\n'
    "    Entry { path, depth: 0 }\n}\n"
)


def _user(index: int, *, through_module: bool) -> str:
    if through_module:
        return (
            "use crate::entry;\n\n"
            f"pub fn show_{index}(e: &entry::Entry) -> usize {{\n"
            "    let shown = e.shown();\n    shown.len() + e.deeper()\n}\n"
        )
    return (
        "use crate::entry::Entry;\n\n"
        f"pub fn show_{index}(e: &Entry) -> usize {{\n"
        "    let shown = e.shown();\n    shown.len() + e.deeper()\n}\n"
    )


def _told(tmp_path: Path, through_module: int) -> str:
    files = {
        "Cargo.toml": '[package]\nname = "walker"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/main.rs": (
            "mod entry;\nmod a;\nmod b;\nmod c;\nmod d;\n\n"
            "fn main() {\n    let e = entry::root();\n"
            "    let n = a::show_0(&e) + b::show_1(&e) + c::show_2(&e) + d::show_3(&e);\n"
            '    println!("{n}");\n}\n'
        ),
        "src/entry.rs": _ENTRY,
    }
    for index, name in enumerate("abcd"):
        files[f"src/{name}.rs"] = _user(index, through_module=index < through_module)
    facts = analyse(write(tmp_path / f"walker{through_module}", files), name="walker")
    return "\n".join(c.text for c in write_script(facts).chapters)


def test_a_count_short_of_the_files_that_name_a_type_is_not_said(tmp_path: Path) -> None:
    told = _told(tmp_path, through_module=2)
    assert "`Entry`" in told
    counts = re.findall(r"used from (\d+) other files", told)
    assert "2" not in counts, told


def test_a_count_of_every_file_that_names_a_type_is_said(tmp_path: Path) -> None:
    told = _told(tmp_path, through_module=0)
    assert "`Entry`, a struct in `src/entry.rs`, used from 4 other files" in told, told
