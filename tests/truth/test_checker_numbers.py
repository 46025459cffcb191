"""The checker reads a number only where the sentence has one: a comma before `in` is no
count (it once was, and the checker crashed on it)."""

from __future__ import annotations

from pathlib import Path

from tests.truth.checker import Checker, Tree


def test_a_comma_before_in_is_no_number(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("def go():\n    return 1\n")
    (tmp_path / "src" / "b.py").write_text("def stop():\n    return 2\n")
    checker = Checker(Tree.read(tmp_path), {"language": "Python", "version": None, "name": "x"})
    told = "The code sits in two files, in `src`, and each holds one function."
    findings = [str(f) for f in checker.check_script([("Parts", told)])]
    assert not [f for f in findings if "(whole story)" not in f]
    wrong = checker.check_script([("Parts", "There are 3 files in `src`.")])
    assert any("src" in str(f) for f in wrong)
