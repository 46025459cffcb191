"""File extensions and names to language names."""

from __future__ import annotations

from codestory.analysis.paths import file_name, suffix

BY_EXTENSION: dict[str, str] = {
    ".py": "Python",
    ".pyi": "Python",
    ".js": "JavaScript",
    ".mjs": "JavaScript",
    ".cjs": "JavaScript",
    ".jsx": "JavaScript",
    ".ts": "TypeScript",
    ".tsx": "TypeScript",
    ".go": "Go",
    ".rs": "Rust",
    ".java": "Java",
    ".kt": "Kotlin",
    ".kts": "Kotlin",
    ".scala": "Scala",
    ".rb": "Ruby",
    ".php": "PHP",
    ".c": "C",
    ".h": "C",
    ".cc": "C++",
    ".cpp": "C++",
    ".cxx": "C++",
    ".hpp": "C++",
    ".hh": "C++",
    ".cs": "C#",
    ".swift": "Swift",
    ".m": "Objective-C",
    ".ex": "Elixir",
    ".exs": "Elixir",
    ".erl": "Erlang",
    ".hs": "Haskell",
    ".ml": "OCaml",
    ".clj": "Clojure",
    ".lua": "Lua",
    ".r": "R",
    ".jl": "Julia",
    ".dart": "Dart",
    ".zig": "Zig",
    ".nim": "Nim",
    ".pl": "Perl",
    ".sh": "Shell",
    # Test suites of C projects are often scripts in these: Tcl (Redis, SQLite), Bats,
    # DejaGnu's Expect.
    ".tcl": "Tcl",
    ".bats": "Shell",
    ".exp": "Expect",
    ".bash": "Shell",
    ".zsh": "Shell",
    ".ps1": "PowerShell",
    ".sql": "SQL",
    ".html": "HTML",
    ".css": "CSS",
    ".scss": "CSS",
    ".vue": "Vue",
    ".svelte": "Svelte",
    ".md": "Markdown",
    ".rst": "reStructuredText",
    ".yaml": "YAML",
    ".yml": "YAML",
    ".json": "JSON",
    ".toml": "TOML",
    ".tf": "Terraform",
    ".proto": "Protocol Buffers",
    ".tpl": "Go template",
}
BY_NAME: dict[str, str] = {
    "Makefile": "Makefile",
    "Dockerfile": "Dockerfile",
    "Tiltfile": "Starlark",
    "CMakeLists.txt": "CMake",
    "Jenkinsfile": "Groovy",
}
# Languages that describe or configure code rather than being the program itself.
SUPPORTING = frozenset(
    {"Markdown", "reStructuredText", "YAML", "JSON", "TOML", "HTML", "CSS", "Go template"}
)


def language_of(path: str) -> str | None:
    name = file_name(path)
    if name in BY_NAME:
        return BY_NAME[name]
    if name.startswith("Dockerfile"):
        return "Dockerfile"
    return BY_EXTENSION.get(suffix(name).lower())


def is_code(language: str | None) -> bool:
    return language is not None and language not in SUPPORTING
