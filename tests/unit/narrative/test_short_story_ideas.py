"""A story short of its floor tells more key ideas in their authors' words: those are found
among the documented definitions however far down the ranking they sit, not only among the
few most used names (a library of many small helpers used everywhere)."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write


def test_a_short_story_reaches_documented_ideas_below_the_most_used_names(
    tmp_path: Path,
) -> None:
    helpers = "".join(f"def helper_{i:02}(x):\n    return x + {i}\n\n\n" for i in range(30))
    uses = "".join(f"    total += core.helper_{i:02}(total)\n" for i in range(30))
    caller = f"from pkg import core\n\n\ndef run(total):\n{uses}    return total\n"
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "pkg"\nversion = "1.0"\n',
            "README.md": "# pkg\n\nSmall helpers for numbers.\n",
            "pkg/__init__.py": "",
            "pkg/core.py": helpers,
            "pkg/one.py": caller,
            "pkg/two.py": caller,
            "pkg/three.py": caller,
            "pkg/ledger.py": (
                "class Ledger:\n"
                '    """Keeps every entry in the order it was booked, so totals replay."""\n'
                "\n    def book(self, entry):\n        self.entries.append(entry)\n"
            ),
            "pkg/report.py": "from pkg.ledger import Ledger\n\n\ndef report():\n"
            "    return Ledger()\n",
            "pkg/banner.py": 'class Tally:\n    """simple values"""\n\n    size = 0\n',
            "pkg/count.py": "from pkg.banner import Tally\n\n\ndef count():\n    return Tally()\n",
        },
    )
    facts = analyse(root, name="pkg")
    text = " ".join(c.text for c in write_script(facts).chapters)
    assert "every entry in the order it was booked" in text
    # A section banner's few words are no account of what a definition does.
    assert "`Tally`" not in text


def test_a_comment_of_a_few_words_is_no_account_of_a_definition() -> None:
    from codestory.analysis.facts import SymbolFact
    from codestory.narrative.template import _said

    banner = SymbolFact.model_construct(doc="simple values")
    account = SymbolFact.model_construct(doc="Keeps every entry in order.")
    assert not _said(banner) and _said(account)


def test_a_short_large_project_tells_more_documented_ideas(tmp_path: Path) -> None:
    """A project of 100+ source files short of five minutes: once its paths are told, its
    extra minutes go to more of the ideas its authors documented."""
    files = {
        "pyproject.toml": '[project]\nname = "big"\nversion = "1.0"\n',
        "README.md": "# big\n\nMany parts.\n",
        "big/__init__.py": "",
    }
    for i in range(24):
        files[f"big/part_{i:02}.py"] = (
            f"class Part{i:02}:\n"
            f'    """Holds the piece number {i} of the whole design in place."""\n\n'
            "    size = 0\n"
        )
        for user in ("a", "b"):
            files[f"big/use_{user}_{i:02}.py"] = (
                f"from big.part_{i:02} import Part{i:02}\n\n\n"
                f"def make_{user}_{i:02}():\n    return Part{i:02}()\n"
            )
    for i in range(40):
        files[f"big/leaf_{i:02}.py"] = f"VALUE_{i} = {i}\n"
    facts = analyse(write(tmp_path / "repo", files), name="big")
    text = " ".join(c.text for c in write_script(facts).chapters)
    told = sum(f"piece number {i} of" in text for i in range(24))
    assert told > 16, text


def test_a_story_still_short_takes_another_round_of_documented_ideas(tmp_path: Path) -> None:
    """Once the first extra ideas are told, a story still short of three minutes tells as
    many again where its authors documented more: their words, not a longer list."""
    verbs = ["opens", "closes", "reads", "writes", "moves", "counts", "sorts", "merges"]
    subjects = ["the ledger", "a page", "the journal", "one entry", "the index"]
    names = [f"{v[:-1]}_{s.split()[-1]}" for v in verbs for s in subjects][:20]
    files = {
        "pyproject.toml": '[project]\nname = "books"\nversion = "1.0"\n',
        "README.md": "# books\n\nKeeps books.\n",
        "books/__init__.py": "",
    }
    for number, name in enumerate(names):
        verb, subject = verbs[number // 5], subjects[number % 5]
        files[f"books/{name}.py"] = (
            f'def {name}(book):\n    """{verb.capitalize()} {subject} of the book it is '
            f'handed, number {number}."""\n    return book\n'
        )
        for user in ("a", "b"):
            files[f"books/use_{user}_{name}.py"] = (
                f"from books.{name} import {name}\n\n\ndef use_{user}_{name}(book):\n"
                f"    return {name}(book)\n"
            )
    facts = analyse(write(tmp_path / "repo", files), name="books")
    script = write_script(facts)
    ideas = next(c for c in script.chapters if c.title == "The key ideas")
    told = sum(f"number {n}" in ideas.text for n in range(len(names)))
    assert told > 12  # the first round's eight and four
    assert script.words < 3 * 165 * 1.5  # ideas in the authors' words, not pages of them


def test_a_short_story_tells_an_undocumented_type_by_what_it_is_made_of() -> None:
    """Past the ideas any story tells, a short story's extra ones are those its authors
    documented or whose code shows what they are made of (types built on them, their
    fields' types, the methods other code calls); a bare name is no idea to add."""
    from codestory.analysis.facts import MemberFact, RepoFacts, SymbolFact
    from codestory.core.domain import ExpertiseLevel, Style
    from codestory.narrative.template import Voice, _key_ideas

    def idea(name: str, **more: object) -> SymbolFact:
        return SymbolFact(name=name, kind="class", path=f"pkg/{name.lower()}.py", line=1,
                          used_by=2, **more)  # fmt: skip

    base = [idea(f"Part{i}") for i in range(8)]
    methods = [MemberFact(name=n, path="pkg/engine.py", line=2) for n in ("start", "stop")]
    extra = [idea("Plain"), idea("Engine", methods=methods), idea("Base", heirs=["Fast"])]
    facts = RepoFacts.model_construct(key_symbols=base + extra, control_paths=[])
    short = Voice(ExpertiseLevel.INTERMEDIATE, Style.OVERVIEW, short=True)
    told = [s.name for s in _key_ideas(facts, short)]
    assert told[:8] == [s.name for s in base]
    assert "Engine" in told and "Base" in told and "Plain" not in told
