from __future__ import annotations

from pathlib import Path

import pytest

from codestory.analysis import AnalysisError, analyse
from codestory.analysis.facts import summarise_readme
from codestory.analysis.manifests import make_targets, parse_manifest
from tests.support import SAMPLE_PROJECT
from tests.support import write_files as write


def test_sample_project_facts(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path, SAMPLE_PROJECT), name="checkout")
    assert facts.name == "tally"  # the declared name beats the directory's
    assert facts.languages[0].name == "Python"
    assert {f.name for f in facts.folders} == {"src", "tests", ".github"}
    assert next(f for f in facts.folders if f.name == "tests").role == "tests"
    manifest = next(m for m in facts.manifests if m.path == "pyproject.toml")
    assert manifest.dependencies == ["click", "rich"]
    assert {(p.kind, p.name) for p in facts.entry_points} >= {
        ("console script", "tally"),
        ("main module", "src/tally/cli.py"),
    }
    assert facts.readme is not None
    assert facts.readme.title == "Tally"
    assert facts.readme.summary and facts.readme.summary.startswith("Tally counts words")
    assert facts.tests.files == 1 and facts.tests.directories == ["tests"]
    assert facts.ci == ["GitHub Actions"]
    assert facts.make_targets == ["test", "lint"]
    hub = facts.most_imported[0]
    assert hub.path == "src/tally/counting.py"
    assert hub.importers == 3  # cli, report and the test
    counting = facts.modules["src/tally/counting.py"]
    assert counting.summary == "Word counting: split text into words and count them."
    assert counting.classes == ["WordCounter"] and counting.functions == ["count_words"]


def test_relative_and_javascript_imports_are_followed(tmp_path: Path) -> None:
    facts = analyse(
        write(
            tmp_path,
            {
                "pkg/__init__.py": "",
                "pkg/core.py": "X = 1\n",
                "pkg/a.py": "from . import core\n",
                "pkg/b.py": "from .core import X\n",
                "web/util.js": "export function f() {}\n",
                "web/app.js": "import { f } from './util'\n",
                "web/page.js": "const u = require('./util.js')\n",
            },
        ),
        name="mixed",
    )
    counts = {m.path: m.importers for m in facts.most_imported}
    assert counts["pkg/core.py"] == 2
    assert counts["web/util.js"] == 2


def test_skips_vendored_and_generated_folders(tmp_path: Path) -> None:
    facts = analyse(
        write(
            tmp_path,
            {
                "main.go": "package main\nfunc main() {}\n",
                "node_modules/x/i.js": "x",
                ".venv/lib/y.py": "y",
            },
        ),
        name="go",
    )
    assert facts.total_files == 1
    assert facts.entry_points[0].name == "main.go"


def test_empty_repository_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="empty") as info:
        analyse(tmp_path, name="empty")
    assert info.value.error_type == "no_source"


def test_binary_only_repository_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"blob.bin": b"\x00\x01\x02" * 100, "image.png": b"\x89PNG\x00\x00"})
    with pytest.raises(AnalysisError, match="only binary files"):
        analyse(tmp_path, name="binary")


def test_docs_only_repository_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "# Notes\n\nJust notes.\n", "data.json": "{}"})
    with pytest.raises(AnalysisError, match="no source code"):
        analyse(tmp_path, name="docs")


def test_limits_are_enforced(tmp_path: Path) -> None:
    write(tmp_path, {f"m{i}.py": "x = 1\n" for i in range(12)})
    with pytest.raises(AnalysisError, match="more than 10 files") as info:
        analyse(tmp_path, name="big", max_files=10)
    assert info.value.error_type == "repository_too_large"
    with pytest.raises(AnalysisError, match="larger than"):
        analyse(tmp_path, name="big", max_bytes=20)


def test_readme_summary_skips_badges_and_code() -> None:
    title, summary = summarise_readme(
        "# Proj\n\n[![ci](x)](y)\n\n```\ncode here.\n```\n\nProj does **one** thing. "
        "It does it [well](http://x).\n\nMore text.\n"
    )
    assert title == "Proj"
    assert summary == "Proj does one thing. It does it well."


def test_manifests_parse_or_degrade() -> None:
    node = parse_manifest(
        "package.json", '{"name": "w", "dependencies": {"react": "1"}, "bin": {"w": "x.js"}}'
    )
    assert node and node.dependencies == ["react"] and node.scripts == {"bin:w": "x.js"}
    broken = parse_manifest("pyproject.toml", "[project\nname=")
    assert broken and broken.kind == "pyproject.toml (unreadable)"
    assert parse_manifest("notes.txt", "x") is None
    go = parse_manifest("go.mod", "module example.com/x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n)\n")
    assert go and go.name == "example.com/x" and go.dependencies == ["github.com/a/b"]
    assert make_targets(".PHONY: a\na: b\nb:\n\tx\nVAR := 1\n") == ["a", "b"]
