"""A nested type named like other nested types (each factory's own `Adapter`) is told
among a type's heirs with its owner, `ListFactory.Adapter`, so the listener can find the
one meant; a name only one type has is told alone."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write

_CODEC = """package demo;

/** Converts values to and from text. */
public abstract class Codec<T> {
  public abstract String write(T value);

  public abstract T read(String text);
}
"""


def _factory(name: str) -> str:
    return f"""package demo;

public final class {name} {{
  static final class Adapter extends Codec<Object> {{
    public String write(Object value) {{
      return String.valueOf(value);
    }}

    public Object read(String text) {{
      return text;
    }}
  }}
}}
"""


def test_a_nested_heir_shared_by_name_is_told_with_its_owner(tmp_path: Path) -> None:
    root = write(
        tmp_path / "demo",
        {
            "pom.xml": (
                "<project><groupId>d</groupId><artifactId>demo</artifactId>"
                "<version>1.0</version></project>\n"
            ),
            "src/main/java/demo/Codec.java": _CODEC,
            "src/main/java/demo/ListFactory.java": _factory("ListFactory"),
            "src/main/java/demo/MapFactory.java": _factory("MapFactory"),
            "src/main/java/demo/TextCodec.java": (
                "package demo;\n\npublic final class TextCodec extends Codec<String> {\n"
                "  public String write(String value) {\n    return value;\n  }\n\n"
                "  public String read(String text) {\n    return text;\n  }\n}\n"
            ),
        },
    )
    codec = next(s for s in analyse(root, name="demo").key_symbols if s.name == "Codec")
    assert codec.heirs == ["ListFactory.Adapter", "MapFactory.Adapter", "TextCodec"], codec
