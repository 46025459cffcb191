"""Rust: a file that calls `.is_empty()` or `.to_string()` on a string or a vector names
the standard library's method, not the project's function of that name, so such calls do
not make the project's `is_empty` look like a name the whole design uses."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write


def _caller(index: int) -> str:
    return (
        f"pub fn check_{index}(names: &[String]) -> usize {{\n"
        "    let first = names.first().map(|n| n.to_string());\n"
        "    if names.is_empty() || first.is_none() {\n        return 0;\n    }\n"
        "    names.iter().filter(|n| !n.is_empty()).count()\n}\n"
    )


def test_a_std_method_name_called_on_values_is_no_use_of_the_projects_function(
    tmp_path: Path,
) -> None:
    files = {
        "Cargo.toml": '[package]\nname = "lister"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/main.rs": (
            "mod fsys;\nmod a;\nmod b;\nmod c;\nmod d;\nmod e;\n\n"
            'fn main() {\n    let names = vec![String::from("x")];\n'
            "    let n = a::check_0(&names) + b::check_1(&names) + c::check_2(&names);\n"
            "    let m = d::check_3(&names) + e::check_4(&names);\n"
            '    println!("{} {}", n + m, fsys::is_empty(&names));\n}\n'
        ),
        "src/fsys.rs": (
            "pub fn is_empty(names: &[String]) -> bool {\n"
            "    names.iter().all(|n| n.trim().len() == 0)\n}\n"
        ),
    }
    for index, name in enumerate("abcde"):
        files[f"src/{name}.rs"] = _caller(index)
    facts = analyse(write(tmp_path / "lister", files), name="lister")
    key_ideas = next(
        (c.text for c in write_script(facts).chapters if c.title == "The key ideas"), ""
    )
    assert "`is_empty`" not in key_ideas, key_ideas
    symbol = next(s for s in facts.key_symbols if s.name == "is_empty")
    assert symbol.named_by == 0, symbol
