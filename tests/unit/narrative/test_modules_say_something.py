"""The modules chapter tells a module by more than its size: one with no words of its
authors, no public names and no importers ("`x.go` has about 470 lines.") is left out. And
how many files import a Go package is said once a story, not again for another file of it."""

from __future__ import annotations

from codestory.analysis.classify import FileKind
from codestory.analysis.facts import ModuleFact
from codestory.core.domain import ExpertiseLevel, Style
from codestory.narrative.template import Voice, _module_sentence, _says_more_than_its_size


def _go(path: str, importers: int, definitions: list[str]) -> ModuleFact:
    package = path.rpartition("/")[0] or "."
    return ModuleFact(
        path=path, language="Go", lines=470, kind=FileKind.SOURCE, importers=importers,
        package=package, definitions=definitions,
    )  # fmt: skip


def test_a_module_with_nothing_but_its_size_is_left_out() -> None:
    # Methods only (their type is declared in another file of the package), imported by one.
    assert not _says_more_than_its_size(_go("internal/json/types.go", 1, []))
    # The root package's importers are the library's users, not said of a file.
    assert not _says_more_than_its_size(_go("types.go", 5, []))
    assert _says_more_than_its_size(_go("internal/cbor/types.go", 2, []))
    assert _says_more_than_its_size(_go("internal/json/base.go", 1, ["Encoder"]))
    documented = _go("internal/json/doc.go", 0, []).model_copy(update={"doc": "Encodes JSON."})
    assert _says_more_than_its_size(documented)


def test_a_packages_importers_are_said_once() -> None:
    voice = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW)
    module = _go("internal/cbor/decode.go", 2, ["Decode", "DecodeAll"])
    first = _module_sentence(module, voice, 0)
    assert "Its package, `internal/cbor`, is imported by 2 other files." in first
    again = _module_sentence(module, voice, 0, package_told=True)
    assert "imported" not in again and "`Decode` and `DecodeAll`" in again
