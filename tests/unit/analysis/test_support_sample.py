"""A large suite is parsed as an even sample; what the sample uses stands for the whole
suite, so a name every test uses weighs as much as it would with every test read."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.facts import MAX_PARSED_SUPPORT_FILES


def _project(root: Path, tests: int) -> None:
    (root / "engine").mkdir(parents=True)
    (root / "engine" / "__init__.py").write_text("")
    (root / "engine" / "core.py").write_text(
        '"""The engine."""\n\n\nclass Engine:\n    """Runs jobs."""\n\n'
        "    def run(self):\n        return 1\n"
    )
    (root / "tests").mkdir()
    for index in range(tests):
        (root / "tests" / f"test_case_{index:03}.py").write_text(
            "from engine.core import Engine\n\n\n"
            f"def test_{index}():\n    assert Engine().run() == 1\n"
        )


def test_a_sampled_suite_counts_as_the_whole_suite(tmp_path: Path) -> None:
    tests = MAX_PARSED_SUPPORT_FILES * 3 // 2
    _project(tmp_path, tests)
    facts = analyse(tmp_path, name="engine", processes=1)
    engine = next(s for s in facts.key_symbols if s.name == "Engine")
    assert engine.used_outside == tests
    assert facts.tests.files == tests  # counted in full, parsed or not


def test_a_suite_under_the_sample_size_is_counted_as_it_is(tmp_path: Path) -> None:
    _project(tmp_path, 12)
    facts = analyse(tmp_path, name="engine", processes=1)
    assert next(s for s in facts.key_symbols if s.name == "Engine").used_outside == 12
