"""A module without a comment of its own is told by its first summarised name."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.core.domain import ExpertiseLevel, Style
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


def test_a_module_is_worded_by_what_is_known_of_it() -> None:
    """Stories of different projects do not all say "`x` has N lines; N other modules import
    it": a header is included and declares, a short file many need says so, a long one too,
    and the authors' words come last, so the quote ends the sentence."""
    from codestory.analysis.classify import FileKind
    from codestory.analysis.facts import ModuleFact

    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW)

    def module(path: str, lines: int, importers: int, **more: object) -> ModuleFact:
        return ModuleFact(
            path=path, language="C", lines=lines, kind=FileKind.SOURCE, importers=importers,
            definitions=["a_new", "a_free", "a_len", "a_cap"], **more,  # type: ignore[arg-type]
        )  # fmt: skip

    assert _module_sentence(module("src/alloc.h", 27, 16), voice, 0) == (
        "`src/alloc.h` is short, 27 lines, yet 16 other modules include it: it declares "
        "`a_new`, `a_free` and `a_len`, among others."
    )
    assert _module_sentence(module("src/errors.py", 2_480, 21), voice, 0) == (
        "`src/errors.py` is long, about 2,500 lines, and defines `a_new`, `a_free` and "
        "`a_len`, among others; 21 other modules import it."
    )
    header = _module_sentence(module("lib/lz4.h", 840, 3), voice, 0)
    assert "header" in header and "declar" in header and "3 other modules include it" in header
    documented = _module_sentence(module("src/io.rs", 120, 4, doc="Reads and writes."), voice, 0)
    assert documented == "`src/io.rs`, about 120 lines, used by 4 other modules: Reads and writes."
