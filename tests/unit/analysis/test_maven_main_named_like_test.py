"""Maven and Gradle collect tests from `src/test` only: a class in a module's `src/main`
named like a test (a test module's `TestExecutor.java`) is no test "beside the code"."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write

_POM = (
    "<project><groupId>d</groupId><artifactId>{name}</artifactId>"
    "<version>1.0</version>{modules}</project>\n"
)


def test_a_class_in_src_main_named_like_a_test_is_not_a_test(tmp_path: Path) -> None:
    root = write(
        tmp_path / "codec",
        {
            "pom.xml": _POM.format(
                name="parent", modules="<modules><module>core</module></modules>"
            ),
            "core/pom.xml": _POM.format(name="core", modules=""),
            "core/src/main/java/d/Codec.java": (
                "package d;\n\npublic class Codec {\n  public String encode(Object v) {\n"
                "    return String.valueOf(v);\n  }\n}\n"
            ),
            "core/src/test/java/d/CodecTest.java": (
                "package d;\n\nimport org.junit.Test;\n\npublic class CodecTest {\n"
                "  @Test\n  public void encodes() {\n    new Codec().encode(1);\n  }\n}\n"
            ),
            "test-shrink/pom.xml": _POM.format(name="test-shrink", modules=""),
            "test-shrink/src/main/java/d/TestExecutor.java": (
                "package d;\n\npublic class TestExecutor {\n  public static void run() {\n"
                "    new Codec().encode(2);\n  }\n}\n"
            ),
        },
    )
    tests = analyse(root, name="codec").tests
    assert tests.beside_code == 0, tests
    assert tests.files == 1, tests
