"""Families of files told by their names: prefixes in C and Go, class suffixes in Java."""

from __future__ import annotations

from codestory.analysis.families import file_families


def _sources(folder: str, names: list[str], language: str) -> dict[str, str]:
    return {f"{folder}/{n}" if folder else n: language for n in names}


def test_a_large_c_folder_is_told_by_its_prefixes() -> None:
    names = [f"cmd-{w}.c" for w in "abcdefghij"] + [f"win-{w}.c" for w in "abcde"]
    names += [f"misc{i}.c" for i in range(8)]
    families = file_families(_sources("", names, "C"))
    assert [(f.folder, f.pattern, f.files) for f in families] == [
        ("", "cmd-*.c", 10),
        ("", "win-*.c", 5),
    ]
    assert families[0].examples == ["cmd-a.c", "cmd-b.c"]


def test_java_classes_are_grouped_by_the_last_word_of_their_name() -> None:
    names = [f"{w}Matcher.java" for w in ("Any", "Equals", "Not", "Or", "And", "Same")]
    names += [f"Helper{i}.java" for i in range(15)]
    families = file_families(_sources("src/main/java/org/x", names, "Java"))
    assert [(f.pattern, f.files) for f in families] == [("*Matcher.java", 6)]


def test_go_files_built_for_one_system_are_told_as_such() -> None:
    names = [f"{w}_linux.go" for w in ("cpu", "disk", "net", "mem", "load")] + [
        "cpu_linux_arm64.go"
    ]
    names += [f"part{i}.go" for i in range(16)]
    families = file_families(_sources("collector", names, "Go"))
    assert [(f.pattern, f.files, f.system) for f in families] == [("*_linux*.go", 6, "Linux")]


def test_small_folders_and_small_families_say_nothing() -> None:
    few = [f"cmd-{w}.c" for w in "abcdefghij"]  # ten files: no folder worth grouping
    assert file_families(_sources("src", few, "C")) == []
    scattered = [f"{w}-{i}.c" for i, w in enumerate("abcdefghijklmnopqrstuvwx")]
    assert file_families(_sources("src", scattered, "C")) == []
