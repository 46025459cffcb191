"""A Rust README that loops over a value is followed into the iterator the loop runs."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

LIB = """/// A tree to walk.
pub struct Tree {
    root: String,
}

impl Tree {
    /// Starts a walk at `root`.
    pub fn new(root: &str) -> Tree {
        Tree { root: root.to_string() }
    }
}

impl IntoIterator for Tree {
    type Item = String;
    type IntoIter = Walk;

    fn into_iter(self) -> Walk {
        Walk { stack: vec![self.root] }
    }
}

/// A walk in progress.
pub struct Walk {
    stack: Vec<String>,
}

impl Iterator for Walk {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        let entry = self.stack.pop()?;
        self.descend(&entry);
        Some(entry)
    }
}

impl Walk {
    /// Reads the entries below a directory.
    fn descend(&mut self, entry: &str) {
        let found = read_dir(entry);
        self.stack.extend(found);
    }
}

/// Lists a directory.
fn read_dir(path: &str) -> Vec<String> {
    vec![path.to_string()]
}
"""


def test_a_loop_in_a_rust_example_is_followed_into_its_iterators_next(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "Cargo.toml": '[package]\nname = "tree"\nversion = "1.0.0"\n',
            "README.md": "# tree\n\nWalks a tree.\n\n```rust,no_run\nuse tree::Tree;\n\n"
            'for entry in Tree::new("foo") {\n    println!("{}", entry);\n}\n```\n',
            "src/lib.rs": LIB,
        },
    )
    facts = analyse(root, name="tree")
    first = facts.control_paths[0]
    # `for` runs `into_iter` on the value and `next` on what that returns.
    assert (first[0].name, first[0].via) == ("Walk.next", 'for Tree::new("foo")')
    assert [s.name for s in first][:2] == ["Walk.next", "Walk.descend"]
    told = write_script(facts).chapters
    assert any('a `for` loop over `Tree::new("foo")`' in c.text for c in told)
    assert not any("a call to `next`" in c.text for c in told)
