"""A change digest from two analyses of one synthetic project, one scripted change at a time:
a function added, one removed, a signature changed, a dependency bumped and added, a file
renamed, a console script added, and nothing at all. Every sentence keeps its evidence."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.changes import compare
from codestory.analysis.facts import RepoFacts
from codestory.narrative.digest import write_digest
from tests.support import write_files

BASE: dict[str, str | bytes] = {
    "README.md": "# Tally\n\nTally counts words in text files.\n",
    "pyproject.toml": '[project]\nname = "tally"\nversion = "1.2.0"\n'
    'dependencies = ["click>=8", "rich"]\n',
    "src/tally/__init__.py": '"""Tally: count words."""\n',
    "src/tally/counting.py": '"""Word counting."""\n\n\n'
    "def count_words(text):\n    return len(text.split())\n\n\n"
    "def top_words(text, n):\n    return sorted(text.split())[:n]\n",
    "src/tally/report.py": '"""Reports."""\n\nfrom tally.counting import count_words\n\n\n'
    "def render(text):\n    return str(count_words(text))\n",
    "tests/test_counting.py": "from tally.counting import count_words\n\n\n"
    "def test_count():\n    assert count_words('a b') == 2\n",
}


def _facts(tmp_path: Path, name: str, files: dict[str, str | bytes]) -> RepoFacts:
    root = write_files(tmp_path / name, files)
    return analyse(root, name="tally")


def _told(tmp_path: Path, changed: dict[str, str | bytes], dropped: tuple[str, ...] = ()) -> str:
    newer = {k: v for k, v in {**BASE, **changed}.items() if k not in dropped}
    change = compare(_facts(tmp_path, "old", BASE), _facts(tmp_path, "new", newer))
    script = write_digest(change, since="v1.2.0", until="v1.3.0", repository="tally")
    for chapter in script.chapters:
        assert len(chapter.evidence) == len(chapter.sentences), chapter.title
    return "\n".join(f"## {c.title}\n{c.text}" for c in script.chapters)


def test_nothing_changed_is_one_sentence(tmp_path: Path) -> None:
    change = compare(_facts(tmp_path, "a", BASE), _facts(tmp_path, "b", BASE))
    assert change.nothing
    script = write_digest(change, since="v1", until="v1.0.1", repository="tally")
    [chapter] = script.chapters
    assert len(chapter.sentences) == 1 and "nothing a reader would notice" in chapter.text


def test_an_added_function_is_new_and_a_removed_one_may_break_callers(tmp_path: Path) -> None:
    counting = str(BASE["src/tally/counting.py"]).replace(
        "def top_words(text, n):\n    return sorted(text.split())[:n]\n",
        "def unique_words(text):\n    return set(text.split())\n",
    )
    told = _told(tmp_path, {"src/tally/counting.py": counting})
    new, removed = told.split("## What was removed")
    assert "`unique_words`" in new.split("## What is new")[1]
    assert "`top_words`" in removed and "may break" in removed
    assert "`top_words`" not in new.split("## What is new")[1]


def test_a_changed_signature_is_read_out_before_and_after(tmp_path: Path) -> None:
    report = str(BASE["src/tally/report.py"]).replace(
        "def render(text):", "def render(text, width=80):"
    )
    extra = {  # render is used widely, so it is a key symbol with its signature
        f"src/tally/use{i}.py": f"from tally.report import render\n\n\ndef show{i}(t):\n"
        "    return render(t)\n"
        for i in range(3)
    }
    before = _facts(tmp_path, "old", {**BASE, **extra})
    after = _facts(tmp_path, "new", {**BASE, **extra, "src/tally/report.py": report})
    change = compare(before, after)
    [signature] = [s for s in change.signatures_changed if s.name == "render"]
    assert "width=80" in signature.after and "width" not in signature.before
    text = write_digest(change, since="a", until="b", repository="tally").chapters
    assert any("now reads" in c.text and "`render`" in c.text for c in text)


def test_dependencies_added_and_dropped(tmp_path: Path) -> None:
    manifest = (
        str(BASE["pyproject.toml"])
        .replace(
            'dependencies = ["click>=8", "rich"]', 'dependencies = ["click>=8.1", "httpx>=0.27"]'
        )
        .replace('version = "1.2.0"', 'version = "1.3.0"')
    )
    told = _told(tmp_path, {"pyproject.toml": manifest})
    assert "version 1.2.0 to version 1.3.0" in told
    builds_on = told.split("## What it now builds on")[1]
    assert "It now depends on `httpx`." in builds_on
    assert "It no longer depends on `rich`." in builds_on
    assert "`click` moves from `>=8` to `>=8.1`." in builds_on


def test_a_renamed_file_is_one_added_and_one_removed(tmp_path: Path) -> None:
    told = _told(
        tmp_path,
        {"src/tally/rendering.py": BASE["src/tally/report.py"]},
        dropped=("src/tally/report.py",),
    )
    assert "`src/tally/rendering.py`" in told.split("## What is new")[1]
    assert "`src/tally/report.py`" in told.split("## What was removed")[1]
    assert "Start with `src/tally/rendering.py`, which is new." in told


def test_a_new_console_script_is_a_new_way_in(tmp_path: Path) -> None:
    manifest = str(BASE["pyproject.toml"]) + '[project.scripts]\ntally = "tally.report:render"\n'
    told = _told(tmp_path, {"pyproject.toml": manifest})
    assert "New ways in: console script `tally`." in told


def test_a_test_added_is_told(tmp_path: Path) -> None:
    test = "from tally.report import render\n\n\ndef test_r():\n    render(1)\n"
    told = _told(tmp_path, {"tests/test_report.py": test})
    assert "The tests went from 1 file to 2." in told


def test_the_commits_are_told_by_what_they_say_and_quoted_safely(tmp_path: Path) -> None:
    from codestory.analysis.commit_messages import group_commits

    change = compare(_facts(tmp_path, "a", BASE), _facts(tmp_path, "b", BASE))
    commits = group_commits(["feat: add \x1b[31mcolour\x1b[0m output", "fix: a crash", "fix: b"])
    script = write_digest(change, since="v1", until="v2", repository="tally", commits=commits)
    text = "\n".join(c.text for c in script.chapters)
    assert "It spans 3 commits: 2 fix bugs and 1 add features." in text
    assert "\x1b" not in text and "colour" in text
    for chapter in script.chapters:
        assert len(chapter.evidence) == len(chapter.sentences), chapter.title


def test_a_name_that_moved_to_another_file_is_a_move_not_a_loss(tmp_path: Path) -> None:
    counting = str(BASE["src/tally/counting.py"]).replace(
        "def top_words(text, n):\n    return sorted(text.split())[:n]\n", ""
    )
    ranking = '"""Ranking."""\n\n\ndef top_words(text, n):\n    return sorted(text.split())[:n]\n'
    told = _told(tmp_path, {"src/tally/counting.py": counting, "src/tally/ranking.py": ranking})
    assert (
        "`top_words` is now defined in `src/tally/ranking.py`, not `src/tally/counting.py`." in told
    )
    assert "no longer defined" not in told


def test_a_signature_changed_only_in_layout_is_no_change() -> None:
    from codestory.analysis.changes import same_signature

    assert same_signature("f( a: ( A | B ) ) -> X", "f(\n    a: A | B,\n) -> X")
    assert not same_signature("f(a, b)", "f(a)")
    assert not same_signature("Flask(App)", "Flask(Scaffold)")


def test_one_commit_is_quoted_as_the_one(tmp_path: Path) -> None:
    from codestory.analysis.commit_messages import group_commits

    change = compare(_facts(tmp_path, "a", BASE), _facts(tmp_path, "b", BASE))
    script = write_digest(
        change, since="v1", until="v2", repository="tally", commits=group_commits(["Release 2"])
    )
    assert "It is one commit, which says \u201cRelease 2\u201d." in script.chapters[0].text


CHANGES = """Changelog
=========

Version 1.3.0
-------------

Released 2024-04-07

-   Add ``to_csv`` to write counts. Two sentences here. :issue:`12`
-   Drop Python 3.7.

Version 1.2.1
-------------

-   Fix a crash on empty files. :pr:`9`

Version 1.2.0
-------------

-   Old news.
"""


def test_the_changelog_entries_between_two_releases_are_quoted(tmp_path: Path) -> None:
    from codestory.analysis.changelog import entries_between

    entries = entries_between(CHANGES, "1.2.0", "v1.3.0")
    assert entries == [
        "Add `to_csv` to write counts. Two sentences here",
        "Fix a crash on empty files",
        "Drop Python 3.7",
    ]
    assert entries_between(CHANGES, "0.9", "1.3.0") is None
    change = compare(_facts(tmp_path, "a", BASE), _facts(tmp_path, "b", BASE))
    script = write_digest(change, since="1.2.0", until="1.3.0", repository="t", changelog=entries)
    [chapter] = [c for c in script.chapters if c.title == "What the changelog says"]
    assert "\u201cAdd `to_csv` to write counts\u201d." in chapter.text
    assert "Two sentences" not in chapter.text
    assert len(chapter.evidence) == len(chapter.sentences)


def test_a_new_command_and_route_are_new_ways_in(tmp_path: Path) -> None:
    web = (
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        "@app.route('/counts', methods=['GET'])\ndef counts():\n    return 'x'\n"
    )
    cli = (
        "import click\n\n\n@click.group()\ndef cli():\n    pass\n\n\n"
        '@cli.command()\ndef export():\n    """Export the counts."""\n'
    )
    told = _told(tmp_path, {"src/tally/web.py": web, "src/tally/commands.py": cli})
    new = told.split("## What is new")[1]
    assert "the route `GET /counts`" in new
    assert "the `export` command" in new
