"""A step through a name with several overloads is shown as the overload that makes the
call the tour follows: Java's `encode(Object)` hands on to `encode(Object, String)`, and it
is the second whose signature and line say "calls `Frames.write`"."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write

_CODEC = """package demo;

public class Codec {
  /** Encodes a value under the given name. */
  public String encode(Object value, String name) {
    String text = String.valueOf(value);
    return Frames.write(name, text);
  }

  /** Encodes a value with the default name. */
  public String encode(Object value) {
    String name = "value";
    return encode(value, name);
  }
}
"""
_FRAMES = """package demo;

public final class Frames {
  /** Writes one named frame. */
  public static String write(String name, String text) {
    String framed = name + "=" + text;
    return Frames.close(framed);
  }

  static String close(String framed) {
    String closed = framed + ";";
    return closed.trim();
  }
}
"""
_MAIN = """package demo;

public class Main {
  public static void main(String[] args) {
    Codec codec = new Codec();
    String out = codec.encode(args.length);
    System.out.println(out);
  }
}
"""


def test_a_step_is_shown_as_the_overload_that_calls_on(tmp_path: Path) -> None:
    root = write(
        tmp_path / "demo",
        {
            "pom.xml": (
                "<project><groupId>d</groupId><artifactId>demo</artifactId>"
                "<version>1.0</version></project>\n"
            ),
            "src/main/java/demo/Codec.java": _CODEC,
            "src/main/java/demo/Frames.java": _FRAMES,
            "src/main/java/demo/Main.java": _MAIN,
        },
    )
    facts = analyse(root, name="demo")
    path = next(p for p in facts.control_paths if any(s.name == "Codec.encode" for s in p))
    names = [s.name for s in path]
    step = path[names.index("Codec.encode")]
    assert names[names.index("Codec.encode") + 1] == "Frames.write", names
    assert step.signature == "public String encode(Object value, String name)", step
    assert step.line == 5, step
