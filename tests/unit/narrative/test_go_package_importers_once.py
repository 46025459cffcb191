"""How many files import a Go package is said once a story, not again for another file
of it."""

from __future__ import annotations

from codestory.analysis.classify import FileKind
from codestory.analysis.facts import ModuleFact
from codestory.core.domain import ExpertiseLevel, Style
from codestory.narrative.template import Voice, _module_sentence


def _go(path: str, importers: int, definitions: list[str]) -> ModuleFact:
    package = path.rpartition("/")[0] or "."
    return ModuleFact(
        path=path, language="Go", lines=470, kind=FileKind.SOURCE, importers=importers,
        package=package, definitions=definitions,
    )  # fmt: skip


def test_a_packages_importers_are_said_once() -> None:
    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW)
    module = _go("internal/cbor/decode.go", 2, ["Decode", "DecodeAll"])
    first = _module_sentence(module, voice, 0)
    assert "Its package, `internal/cbor`, is imported by 2 other files." in first
    again = _module_sentence(module, voice, 0, package_told=True)
    assert "imported" not in again and "`Decode` and `DecodeAll`" in again
