"""A module without a comment of its own is told by its first summarised name."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.domain import ExpertiseLevel, Style
from codestory.narrative.template import Voice, _module_sentence
from tests.support import write_files as write


def test_a_module_is_told_in_its_first_documented_names_words(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "pkg/__init__.py": "",
            "pkg/paths.py": (
                'def is_absolute(path):\n    """Check whether a path starts at the root."""\n'
                "    return path.startswith('/')\n\n"
                "def join(a, b):\n    return a + '/' + b\n"
            ),
        },
    )
    module = analyse(root, name="pkg").modules["pkg/paths.py"]
    assert (module.lead, module.lead_doc) == (
        "is_absolute",
        "Check whether a path starts at the root.",
    )
    told = _module_sentence(module, Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW), 0)
    assert "`is_absolute`, which checks whether a path starts at the root" in told
    assert "`join`" in told


def test_a_module_whose_names_say_nothing_keeps_the_plain_sentence(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {"pkg/__init__.py": "", "pkg/io.py": "def read(p):\n    return open(p).read()\n"},
    )
    module = analyse(root, name="pkg").modules["pkg/io.py"]
    assert module.lead is None
    told = _module_sentence(module, Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW), 0)
    assert "which" not in told and "`read`" in told
