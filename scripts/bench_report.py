"""Each benchmark owns one marked section of docs/benchmarks.md and rewrites only that."""

from __future__ import annotations

from pathlib import Path

HEADER = "# Benchmarks\n"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the section between `name`'s markers, or append it."""
    start, end = markers(name)
    section = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text() if path.exists() else HEADER
    if start in text:
        head, _, rest = text.partition(start)
        text = head + section + rest.partition(end)[2]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)


def check_lines(checks: dict[str, bool]) -> list[str]:
    """One line per check; a missed target is reported as MISSED, not as a failed run."""
    return [f"- {'PASS' if ok else 'MISSED'}: {name}" for name, ok in checks.items()]
