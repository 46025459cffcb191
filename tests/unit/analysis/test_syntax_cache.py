"""A new commit of a known repository re-parses only the files that changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codestory.analysis import analyse, parallel
from codestory.analysis.syntax import parse_source
from codestory.analysis.syntax_cache import SyntaxCache, blob_id
from codestory.analysis.walk import walk_repository
from tests.support import SAMPLE_PROJECT
from tests.support import write_files as write


def test_the_blob_id_is_gits(tmp_path: Path) -> None:
    file = tmp_path / "a.py"
    file.write_bytes(b"print('hi')\n")
    expected = subprocess.run(
        ["git", "hash-object", str(file)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert blob_id(file.read_bytes()) == expected


def test_a_cached_syntax_is_the_parsed_one(tmp_path: Path) -> None:
    source = (
        b'"""Doc."""\nimport os\nfrom .x import y as z\n\nclass A(Base):\n'
        b'    """A thing."""\n    @property\n    def go(self, n: int) -> int:\n'
        b"        return os.path.join(z('lit'), n)\n\nif __name__ == '__main__':\n    A().go(1)\n"
    )
    parsed = parse_source("pkg/a.py", "Python", source)
    assert parsed is not None
    cache = SyntaxCache(tmp_path, "v1")
    cache.prepare()
    cache.save("Python", blob_id(source), parsed)
    assert cache.load("Python", blob_id(source)) == parsed
    assert cache.load("Go", blob_id(source)) is None  # the language is part of the key


def test_a_retell_after_one_change_parses_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(tmp_path / "repo", SAMPLE_PROJECT)
    cache = tmp_path / "cache"
    parsed: list[str] = []
    real = parallel.parse_source

    def counting(path: str, *args: object, **kwargs: object) -> object:
        syntax = real(path, *args, **kwargs)  # type: ignore[arg-type]
        if syntax is not None:  # a Makefile has no grammar: nothing to parse or keep
            parsed.append(path)
        return syntax

    monkeypatch.setattr(parallel, "parse_source", counting)
    cold = analyse(root, name="tally", processes=1, syntax_cache=cache)
    assert len(parsed) > 3
    parsed.clear()
    assert analyse(root, name="tally", processes=1, syntax_cache=cache) == cold
    assert parsed == []
    counting_py = root / "src" / "tally" / "counting.py"
    counting_py.write_text(counting_py.read_text() + "\n\ndef extra():\n    return 1\n")
    warm = analyse(root, name="tally", processes=1, syntax_cache=cache)
    assert parsed == ["src/tally/counting.py"]
    assert "extra" in warm.modules["src/tally/counting.py"].definitions


def test_an_older_analysers_entries_are_dropped_and_a_broken_entry_is_reparsed(
    tmp_path: Path,
) -> None:
    (tmp_path / "old-version" / "ab").mkdir(parents=True)
    cache = SyntaxCache(tmp_path, "new-version")
    cache.prepare()
    assert not (tmp_path / "old-version").exists()
    path = cache.folder / "ab" / "cdef.python.row"
    path.parent.mkdir(parents=True)
    path.write_text("{not a row")
    assert cache.load("Python", "abcdef") is None
    path.write_bytes(b"\xa9\x05")  # cut short: a tuple of five with nothing in it
    assert cache.load("Python", "abcdef") is None


def test_a_cache_that_cannot_be_made_leaves_the_analysis_uncached(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    root = write(tmp_path / "repo", SAMPLE_PROJECT)
    facts = analyse(root, name="tally", processes=1, syntax_cache=blocker / "cache")
    assert facts == analyse(root, name="tally", processes=1)


def test_the_walk_finds_the_blob_ids_the_cache_is_keyed_by(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", SAMPLE_PROJECT)
    (root / "big.py").write_bytes(b"x = 1\n" * 20_000)  # read in several chunks
    files, _ = walk_repository(root, max_files=1000, max_bytes=1 << 30, blob_ids=True)
    readable = [f for f in files if f.readable]
    assert readable and all(f.blob == blob_id((root / f.path).read_bytes()) for f in readable)
    plain, _ = walk_repository(root, max_files=1000, max_bytes=1 << 30)
    assert all(f.blob is None for f in plain)


def test_a_cache_past_its_bound_is_emptied(tmp_path: Path) -> None:
    source = b"def go():\n    return 1\n"
    parsed = parse_source("a.py", "Python", source)
    assert parsed is not None
    cache = SyntaxCache(tmp_path, "v1", max_bytes=1)
    assert cache.prepare()
    cache.save("Python", blob_id(source), parsed)
    assert cache.load("Python", blob_id(source)) == parsed
    assert cache.prepare()  # the entry written is past the bound of one byte
    assert cache.load("Python", blob_id(source)) is None
    roomy = SyntaxCache(tmp_path, "v1")
    roomy.save("Python", blob_id(source), parsed)
    assert roomy.prepare() and roomy.load("Python", blob_id(source)) == parsed
