"""Java's classes of one package use each other without an import: a class its package
mates name is relied on by them, and told as used (not imported) by them."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_PACKAGE = "src/main/java/org/example/memfs"


def _class(name: str, body: str) -> str:
    head = f"package org.example.memfs;\n\n/** The {name} part. */\n"
    return f"{head}final class {name} {{\n{body}}}\n"


def _method(name: str, lines: int) -> str:
    steps = "".join(f"    total += {n};\n" for n in range(lines))
    return f"  int {name}(int total) {{\n{steps}    return total;\n  }}\n"


def _tree(tmp_path: Path) -> Path:
    pom = (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>org.example</groupId><artifactId>memfs</artifactId><version>1.0</version>"
        "</project>\n"
    )
    files = {"pom.xml": pom}
    # Node is named by three package mates and imported by none of them.
    files[f"{_PACKAGE}/Node.java"] = _class("Node", _method("size", 40))
    for user in ("Directory", "Walker", "Store"):
        body = f"  private final Node node = null;\n{_method('count', 20)}"
        files[f"{_PACKAGE}/{user}.java"] = _class(user, body)
    # Helper is imported (statically) by one file of another package only.
    files[f"{_PACKAGE}/Helper.java"] = _class("Helper", _method("help", 40))
    files["src/main/java/org/example/memfs/cli/Main.java"] = (
        "package org.example.memfs.cli;\n\nimport static org.example.memfs.Helper.help;\n\n"
        "public final class Main {\n  public static void main(String[] args) {\n"
        "    System.out.println(args.length);\n  }\n}\n"
    )
    return write(tmp_path / "repo", files)


def test_a_class_its_package_mates_name_is_used_by_them(tmp_path: Path) -> None:
    facts = analyse(_tree(tmp_path), name="memfs")
    assert facts.modules[f"{_PACKAGE}/Node.java"].importers == 3
    assert facts.modules[f"{_PACKAGE}/Helper.java"].importers == 1
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert "3 other modules use it" in told
    assert "Node.java` is worth your time" in told
