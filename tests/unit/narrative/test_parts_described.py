"""The parts of the code are told in their authors' words where a package says what it is
for: Python's `__init__.py` docstring, Go's `doc.go`, Rust's `mod.rs`."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.layers import package_doc
from codestory.analysis.syntax import parse_source
from codestory.narrative.template import write_script


def test_each_ecosystem_writes_its_package_doc_in_its_own_file() -> None:
    docs = {
        "app/core/__init__.py": "Parses the input.",
        "cmd/doc.go": "Package cmd runs the commands.",
        "src/parser/mod.rs": "Reads the grammar.",
        "src/parser/lexer.rs": "Splits the text.",
    }
    assert package_doc("app/core", docs) == "Parses the input."
    assert package_doc("cmd", docs) == "Package cmd runs the commands."
    assert package_doc("src/parser", docs) == "Reads the grammar."
    assert package_doc("src/none", docs) is None


def _package(root: Path, name: str, doc: str, body: dict[str, str]) -> None:
    folder = root / "shop" / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(f'"""{doc}"""\n')
    for file, text in body.items():
        (folder / file).write_text(text)


def test_the_parts_chapter_quotes_what_each_package_says_of_itself(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    _package(
        tmp_path, "pricing", "Works out what each basket costs, taxes included.",
        {"rules.py": "def rate():\n    return 2\n",
         "totals.py": "from shop.pricing.rules import rate\n\n\ndef total():\n    return rate()\n"},
    )  # fmt: skip
    _package(
        tmp_path, "web", "Serves the shop's pages.",
        {"views.py": "from shop.pricing.totals import total\n\n\ndef page():\n    return total()\n",
         "forms.py": "from shop.pricing.rules import rate\n\n\ndef form():\n    return rate()\n"},
    )  # fmt: skip
    facts = analyse(tmp_path, name="shop", processes=1)
    chapter = next(
        c for c in write_script(facts).chapters if c.title == "How the parts fit together"
    )
    assert "Works out what each basket costs, taxes included." in chapter.text
    assert "Serves the shop's pages." in chapter.text


def test_a_java_package_is_described_by_its_package_info() -> None:
    source = (
        b"/*\n * Licensed to the Apache Software Foundation (ASF) under one or more\n"
        b" * contributor license agreements.\n */\n"
        b"/**\n * Provides classes that work with dates and durations.\n */\n"
        b"package org.example.time;\n"
    )
    info = parse_source("src/main/java/org/example/time/package-info.java", "Java", source)
    plain = parse_source("src/main/java/org/example/time/Clock.java", "Java", source)
    assert info is not None and plain is not None
    assert info.module_doc == "Provides classes that work with dates and durations."
    assert plain.module_doc is None  # elsewhere the comment above a line documents that line
    docs = {"src/main/java/org/example/time/package-info.java": info.module_doc}
    assert package_doc("src/main/java/org/example/time", docs) == info.module_doc
