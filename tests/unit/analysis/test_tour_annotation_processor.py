"""Java: an annotation processor a jar registers (in `META-INF/services/
javax.annotation.processing.Processor`, or by `@AutoService(Processor.class)`) is run by the
compiler, which enters it at `process`: that is where a tour of a processor library starts."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

MAIN = "src/main/java/org/gen"
REGISTRY = "src/main/resources/META-INF/services/javax.annotation.processing.Processor"


def _steps(names: list[str]) -> str:
    """Methods each calling the next, with bodies long enough to be steps."""
    text = ""
    for name, onward in zip(names, [*names[1:], None], strict=True):
        call = f"    {onward}(count + 1);\n" if onward else ""
        text += f"  void {name}(int count) {{\n    int next = count * 2;\n{call}  }}\n\n"
    return text


def _tree(tmp_path: Path) -> Path:
    return write(
        tmp_path / "repo",
        {
            "pom.xml": "<project><groupId>org.gen</groupId><artifactId>gen</artifactId>"
            "<version>1.0</version><packaging>jar</packaging></project>",
            "README.md": "# gen\n\nGenerates builders for annotated classes.\n",
            REGISTRY: "# the processors this jar brings\norg.gen.BuilderProcessor\n",
            # A test's own registry names a processor the jar does not bring.
            "src/test/resources/META-INF/services/javax.annotation.processing.Processor": (
                "org.gen.TestOnlyProcessor\n"
            ),
            f"{MAIN}/BuilderProcessor.java": (
                "package org.gen;\n\nimport javax.annotation.processing.AbstractProcessor;\n\n"
                "public class BuilderProcessor extends AbstractProcessor {\n"
                "  public boolean process(Set<? extends TypeElement> types, RoundEnvironment e) "
                "{\n"
                "    collectTypes(1);\n    return false;\n  }\n\n"
                + _steps(["collectTypes", "writeBuilders", "flushSources"])
                + "}\n"
            ),
            f"{MAIN}/NamesProcessor.java": (
                "package org.gen;\n\nimport com.google.auto.service.AutoService;\n\n"
                "@AutoService(Processor.class)\n"
                "public class NamesProcessor extends BaseProcessor {\n"
                + _steps(["readNames", "checkNames", "reportNames"])
                + "}\n"
            ),
            # The method the compiler calls, inherited from a base class of the project.
            f"{MAIN}/BaseProcessor.java": (
                "package org.gen;\n\npublic abstract class BaseProcessor extends "
                "AbstractProcessor {\n"
                "  public final boolean process(Set<? extends TypeElement> t, RoundEnvironment e) "
                "{\n"
                "    readNames(1);\n    return false;\n  }\n\n"
                "  abstract void readNames(int count);\n}\n"
            ),
        },
    )


def test_the_compiler_enters_each_registered_processor_at_process(tmp_path: Path) -> None:
    facts = analyse(_tree(tmp_path), name="gen")
    starts = [(p[0].name, p[0].hosted) for p in facts.control_paths if p[0].hosted]
    assert starts[0] == (
        "BuilderProcessor.process",
        f"the Java compiler|an annotation processor|BuilderProcessor|{REGISTRY}",
    )
    assert [s.name for s in facts.control_paths[0]][:3] == [
        "BuilderProcessor.process",
        "BuilderProcessor.collectTypes",
        "BuilderProcessor.writeBuilders",
    ]
    assert not any("TestOnly" in (h or "") for _, h in starts)
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert (
        "the Java compiler runs `BuilderProcessor`, an annotation processor registered in "
        f"`{REGISTRY}`, and enters it at `BuilderProcessor.process` in " in told
    )
    assert "public API" not in told


def test_a_processor_marked_auto_service_is_entered_through_its_base_class(
    tmp_path: Path,
) -> None:
    facts = analyse(_tree(tmp_path), name="gen")
    marked = [p for p in facts.control_paths if p[0].hosted and "NamesProcessor" in p[0].hosted]
    assert marked and marked[0][0].name == "BaseProcessor.process"
    assert marked[0][0].hosted.endswith("|NamesProcessor|@AutoService(Processor.class)")
