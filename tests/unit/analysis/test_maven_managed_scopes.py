"""Maven: a module's dependency declared without a scope takes the scope its parent POM's
`<dependencyManagement>` gives it, so test libraries managed as `test` are not told as
needed at run time (by the analysis, and by the independent checker alike)."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write
from tests.truth.checker import Tree

_PARENT = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.example</groupId>
  <artifactId>memfs-parent</artifactId>
  <version>1.2.0</version>
  <packaging>pom</packaging>
  <modules><module>memfs</module></modules>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId>
        <version>33.0</version></dependency>
      <dependency><groupId>org.ow2</groupId><artifactId>icu</artifactId>
        <version>7.0</version><optional>true</optional></dependency>
      <dependency><groupId>junit</groupId><artifactId>junit</artifactId>
        <version>4.13</version><scope>test</scope></dependency>
      <dependency><groupId>com.google.truth</groupId><artifactId>truth</artifactId>
        <version>1.4</version><scope>test</scope></dependency>
    </dependencies>
  </dependencyManagement>
</project>
"""
_MODULE = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>org.example</groupId><artifactId>memfs-parent</artifactId>
    <version>1.2.0</version></parent>
  <artifactId>memfs</artifactId>
  <dependencies>
    <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId></dependency>
    <dependency><groupId>org.ow2</groupId><artifactId>icu</artifactId></dependency>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId></dependency>
    <dependency><groupId>com.google.truth</groupId><artifactId>truth</artifactId>
      <scope>compile</scope></dependency>
  </dependencies>
</project>
"""
_CLASS = (
    "package org.example.memfs;\n\n/** An in-memory file system. */\npublic final class MemFs {\n"
    "  public static MemFs create(String name) {\n    return new MemFs(name);\n  }\n\n"
    "  private final String name;\n\n  private MemFs(String name) {\n    this.name = name;\n  }\n"
    "}\n"
)


def _tree(tmp_path: Path) -> Path:
    files = {"pom.xml": _PARENT, "memfs/pom.xml": _MODULE}
    for number in range(4):
        name = f"MemFs{number or ''}"
        files[f"memfs/src/main/java/org/example/memfs/{name}.java"] = _CLASS.replace("MemFs", name)
    return write(tmp_path / "repo", files)


def test_a_module_dependency_takes_its_parents_managed_scope(tmp_path: Path) -> None:
    facts = analyse(_tree(tmp_path), name="memfs")
    told = "\n".join(c.text for c in write_script(facts).chapters)
    # junit is managed as `test`, icu as optional; truth's own `compile` scope wins.
    assert "needs just 2 dependencies at run time: `guava` and `truth`" in told
    assert "`junit`" not in told.split("at run time")[1].split("\n")[0]


def test_the_checker_reads_the_managed_scopes_too(tmp_path: Path) -> None:
    declared = Tree.read(_tree(tmp_path)).dependencies("memfs/")
    assert declared is not None
    runtime, development = declared
    assert runtime == {"guava", "truth"}
    assert development == {"junit"}
