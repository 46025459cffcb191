"""A tool for several shells tests itself with one script per shell beside its framework's
tests: the suite is said to be written with both, not with the framework alone."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_GO = (
    "package vars\n\n// Diff says which variables changed.\n"
    "func Diff(a, b map[string]string) int {\n"
    "\tcount := 0\n\tfor k := range a {\n\t\tif a[k] != b[k] {\n\t\t\tcount++\n\t\t}\n\t}\n"
    "\treturn count\n}\n"
)
_GO_TEST = (
    'package vars\n\nimport "testing"\n\nfunc TestDiff(t *testing.T) {\n'
    '\tif Diff(map[string]string{"a": "1"}, nil) != 1 {\n\t\tt.Fatal("diff")\n\t}\n}\n'
)


def _files(scripts: dict[str, str]) -> dict[str, str]:
    return {
        "go.mod": "module example.org/envy\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport "example.org/envy/vars"\n\nfunc main() {\n'
        "\tvars.Diff(nil, nil)\n}\n",
        "vars/env.go": _GO,
        "vars/env_test.go": _GO_TEST,
        **scripts,
    }


def _testing_sentence(tmp_path: Path, scripts: dict[str, str]) -> str:
    facts = analyse(write(tmp_path / "repo", _files(scripts)), name="envy")
    told = "\n".join(c.text for c in write_script(facts).chapters)
    return next(line for line in told.splitlines() if "test suite has" in line)


def test_shell_test_scripts_beside_go_tests_are_said_to_be_shell_scripts(tmp_path: Path) -> None:
    scripts = {
        f"test/envy-test.{shell}": f"#!/usr/bin/env {shell}\nenvy export {shell}\n"
        for shell in ("bash", "zsh", "fish")
    }
    said = _testing_sentence(tmp_path, scripts)
    assert "written with Go's testing package and shell scripts" in said


def test_go_tests_alone_are_said_to_be_written_with_go_testing(tmp_path: Path) -> None:
    said = _testing_sentence(tmp_path, {})
    assert "written with Go's testing package" in said
    assert "shell scripts" not in said
