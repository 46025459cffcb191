"""Parsing on several cores: the parse workers start lean and early."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from codestory.analysis.parallel import (
    PARALLEL_MIN_FILES,
    _parse_chunk,
    _read_back,
    largest_at_both_ends,
    parse_many,
    prestart,
)
from codestory.analysis.syntax_cache import SyntaxCache, blob_id
from codestory.analysis.syntax_rows import unpack

# A program whose main module leaves a mark wherever it is imported other than as the
# program itself, as multiprocessing does in the processes it starts.
PROGRAM = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    if __name__ != "__main__":
        with open(sys.argv[2], "a") as marks:
            marks.write(__name__ + "\\n")

    if __name__ == "__main__":
        from codestory.analysis.parallel import parse_many

        root = Path(sys.argv[1])
        jobs = [(p.name, "Python", p) for p in sorted(root.glob("*.py"))]
        parsed = [syntax for _, syntax, failed in parse_many(jobs, 2) if not failed]
        print(len(parsed), sum(len(s.definitions) for s in parsed if s))
    """
)


def _run(tmp_path: Path, program: str, *args: str) -> str:
    script = tmp_path / "program.py"
    script.write_text(program)
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_parse_workers_do_not_import_the_main_module(tmp_path: Path) -> None:
    """A worker needs the parsing code only: the parent's main (a Celery worker's, a
    script's) is neither run again in the workers nor in the process they come from."""
    tree = tmp_path / "tree"
    tree.mkdir()
    count = PARALLEL_MIN_FILES + 40
    for index in range(count):
        (tree / f"m{index:03d}.py").write_text(f"def f{index}():\n    return {index}\n")
    marks = tmp_path / "marks.txt"
    assert _run(tmp_path, PROGRAM, str(tree), str(marks)) == f"{count} {count}"
    assert not marks.exists(), marks.read_text()


def test_the_workers_process_starts_only_when_several_may_parse(tmp_path: Path) -> None:
    program = textwrap.dedent(
        """
        import sys
        from multiprocessing import forkserver
        from codestory.analysis.parallel import prestart

        prestart(int(sys.argv[1]))
        print(getattr(forkserver._forkserver, "_forkserver_pid", None) is not None)
        """
    )
    assert _run(tmp_path, program, "1") == "False"
    assert _run(tmp_path, program, "2") == "True"


def test_the_largest_files_are_parsed_first_on_both_sides() -> None:
    """Workers take from the front, the parent from the back: both start with the largest
    files and meet at the smallest, so neither is left parsing a large file alone."""
    sizes = [5, 400, 1, 90, 7, 300, 7, 2]
    order = largest_at_both_ends(sizes)
    assert sorted(order) == list(range(len(sizes)))
    arranged = [sizes[index] for index in order]
    assert arranged == [400, 90, 7, 2, 1, 5, 7, 300]
    middle = len(arranged) // 2
    assert arranged[:middle] == sorted(arranged[:middle], reverse=True)
    assert arranged[middle:] == sorted(arranged[middle:])


def test_parsing_in_parallel_keeps_the_jobs_order(tmp_path: Path) -> None:
    """Whatever order the files are parsed in, they come back in the order asked."""
    jobs = []
    for index in range(PARALLEL_MIN_FILES + 30):
        file = tmp_path / f"m{index:03d}.py"
        body = "".join(f"def g{index}_{n}():\n    return {n}\n" for n in range(index % 17))
        file.write_text(f"def f{index}():\n    return {index}\n{body}")
        jobs.append((file.name, "Python", file))
    sizes = {path: file.stat().st_size for path, _, file in jobs}
    parsed = list(parse_many(jobs, 2, sizes=sizes))
    assert [path for path, _, _ in parsed] == [path for path, _, _ in jobs]
    for (path, syntax, failed), index in zip(parsed, range(len(jobs)), strict=True):
        assert not failed and syntax is not None
        assert syntax.definitions[0].name == f"f{index}", path
        assert len(syntax.definitions) == 1 + index % 17


def test_the_main_module_is_put_back_once_workers_have_started(tmp_path: Path) -> None:
    main = sys.modules["__main__"]
    prestart(2)
    assert sys.modules["__main__"] is main
    jobs = []
    for index in range(PARALLEL_MIN_FILES + 10):
        file = tmp_path / f"m{index:03d}.py"
        file.write_text(f"def f{index}():\n    return {index}\n")
        jobs.append((file.name, "Python", file))
    assert len(list(parse_many(jobs, 2))) == len(jobs)
    assert sys.modules["__main__"] is main


# Analyses a tree in a process of its own and says whether the parse workers' forkserver
# was started.
ANALYSE = textwrap.dedent(
    """
    import sys
    from multiprocessing import forkserver
    from pathlib import Path
    from codestory.analysis import analyse

    if __name__ == "__main__":
        cache = Path(sys.argv[2]) if sys.argv[2] != "-" else None
        analyse(Path(sys.argv[1]), name="t", processes=2, syntax_cache=cache)
        print(getattr(forkserver._forkserver, "_forkserver_pid", None) is not None)
    """
)


def _tree(root: Path, files: int) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "README.md").write_text("# t\n\nA tree.\n")
    for index in range(files):
        (root / "src" / f"m{index:03d}.py").write_text(f"def f{index}():\n    return {index}\n")
    return root


def test_no_worker_process_starts_for_a_small_tree_or_a_cached_retell(tmp_path: Path) -> None:
    """Starting the workers' process costs a CPU for a moment: only a parse that needs
    workers pays it, never a small tree or a retell whose files are all cached."""
    small = _tree(tmp_path / "small", 20)
    assert _run(tmp_path, ANALYSE, str(small), "-") == "False"
    large = _tree(tmp_path / "large", PARALLEL_MIN_FILES + 20)
    assert _run(tmp_path, ANALYSE, str(large), "-") == "True"
    cache = tmp_path / "cache"
    assert _run(tmp_path, ANALYSE, str(large), str(cache)) == "True"  # cold: all parsed
    assert _run(tmp_path, ANALYSE, str(large), str(cache)) == "False"  # all cached


def test_a_kept_file_is_handed_back_packed_once(tmp_path: Path) -> None:
    """A worker packs a file it keeps in the syntax cache once, for the cache and for the
    trip back alike; a file not kept goes back packed too, without its surface."""
    file = tmp_path / "a.py"
    file.write_text("def go():\n    return helper(1)\n")
    cache = SyntaxCache(tmp_path / "cache", "v1")
    assert cache.prepare()
    kept = _parse_chunk([("a.py", "Python", file, None, cache)])
    plain = _parse_chunk([("a.py", "Python", file, None, None)])
    [(_, packed, failed)] = kept
    assert isinstance(packed, bytes) and not failed
    assert cache.load("Python", blob_id(file.read_bytes())) == unpack(packed)
    [(_, row, _)] = plain
    assert isinstance(row, bytes) and row != packed  # no surface: nothing kept needs it
    [(_, from_kept, _)], [(_, from_plain, _)] = _read_back(kept), _read_back(plain)
    assert from_kept == from_plain and from_kept is not None
    assert from_kept.surface is not None and from_plain.surface is None
