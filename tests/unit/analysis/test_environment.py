"""The environment variables a file reads, by each language's usual calls, and what a range
of commits changed of them."""

from __future__ import annotations

import pytest

from codestory.analysis.environment import environment_changes, environment_reads


@pytest.mark.parametrize(
    ("path", "text", "names"),
    [
        (
            "a.py",
            'os.environ["API_KEY"]; os.getenv("HOME_DIR", 1); environ.get("DEBUG")',
            {"API_KEY", "HOME_DIR", "DEBUG"},
        ),
        ("a.ts", 'const p = process.env.PORT || process.env["HOST"]', {"PORT", "HOST"}),
        ("m.go", 'v, ok := os.LookupEnv("GOPATH")', {"GOPATH"}),
        ("m.rs", 'std::env::var("RUST_LOG"); env!("CARGO_PKG_VERSION")', {"RUST_LOG"}),
        ("M.java", 'System.getenv("JAVA_HOME")', {"JAVA_HOME"}),
        ("m.c", 'const char *t = getenv("TERM");', {"TERM"}),
        ("a.py", 'os.environ["lower_case"]; print("API_KEY")', set()),
        ("README.md", 'os.getenv("API_KEY")', set()),
    ],
)
def test_reads_by_language(path: str, text: str, names: set[str]) -> None:
    assert environment_reads(path, text) == names


def test_a_read_moved_between_files_is_no_change() -> None:
    added, removed = environment_changes(
        [
            ("a.py", 'os.getenv("PORT")', None),  # a file removed
            ("b.py", None, 'os.getenv("PORT"); os.getenv("TIMEOUT")'),  # a file added
            ("c.py", 'os.getenv("OLD")', "x = 1"),
        ]
    )
    assert added == ["TIMEOUT"] and removed == ["OLD"]
