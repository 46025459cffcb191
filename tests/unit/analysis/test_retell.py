"""A retell (a new commit of a known repository, parsed files kept by blob) tells exactly
what a cold analysis of the same tree tells, and resolves again only what may differ."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from codestory.analysis import RepoFacts, analyse
from codestory.analysis.callgraph import CallGraph, FileUses
from codestory.analysis.readme import markdown_tokens
from tests.support import write_files

TREE: dict[str, str | bytes] = {
    "README.md": "# Ledger\n\nLedger keeps accounts and prints their balances.\n",
    "pyproject.toml": (
        '[project]\nname = "ledger"\n\n[project.scripts]\nledger = "ledger.cli:main"\n'
    ),
    "ledger/__init__.py": '"""Accounts and their balances."""\nfrom .accounts import Account\n',
    "ledger/accounts.py": (
        '"""Accounts."""\nfrom .money import Money, parse_amount\n\n\n'
        "class Account:\n"
        '    """An account with a running balance."""\n\n'
        "    def __init__(self, name: str) -> None:\n"
        "        self.name = name\n"
        "        self.balance = Money(0)\n\n"
        "    def deposit(self, text: str) -> None:\n"
        "        self.balance = self.balance.plus(parse_amount(text))\n"
    ),
    "ledger/money.py": (
        '"""Amounts of money."""\n\n\n'
        "class Money:\n"
        '    """An amount in cents."""\n\n'
        "    def __init__(self, cents: int) -> None:\n"
        "        self.cents = cents\n\n"
        "    def plus(self, other: Money) -> Money:\n"
        "        return Money(self.cents + other.cents)\n\n\n"
        "def parse_amount(text: str) -> Money:\n"
        '    """Cents from `12.34`."""\n'
        '    whole, _, cents = text.partition(".")\n'
        "    return Money(int(whole) * 100 + int(cents or 0))\n"
    ),
    "ledger/cli.py": (
        '"""The command line."""\nimport sys\n\nfrom .accounts import Account\n'
        "from .report import show\n\n\n"
        "def main() -> None:\n"
        '    """Deposit each argument and show the balance."""\n'
        '    account = Account("main")\n'
        "    for text in sys.argv[1:]:\n"
        "        account.deposit(text)\n"
        "    show(account)\n"
    ),
    "ledger/report.py": (
        '"""Printing balances."""\nfrom .accounts import Account\n\n\n'
        "def show(account: Account) -> None:\n"
        "    print(account.name, account.balance.cents)\n"
    ),
    "tests/test_money.py": (
        "from ledger.money import parse_amount\n\n\n"
        "def test_parse() -> None:\n"
        '    assert parse_amount("1.50").cents == 150\n'
    ),
    "java/src/main/java/org/ledger/Strings.java": (
        "package org.ledger;\n\n"
        "/** Helpers for text. */\n"
        "public final class Strings {\n"
        "    public static boolean isBlank(String s) {\n"
        "        return s == null || s.trim().isEmpty();\n"
        "    }\n"
        "}\n"
    ),
    "java/src/main/java/org/ledger/Names.java": (
        "package org.ledger;\n\n"
        "/** Account names. */\n"
        "public final class Names {\n"
        "    public static String clean(String name) {\n"
        '        return Strings.isBlank(name) ? "unnamed" : name.trim();\n'
        "    }\n"
        "}\n"
    ),
}

# Edits a commit may make, each on the tree the one before left: inside a body only (no
# file's surface changes), then ones that change what other files' calls can reach.
EDITS: list[tuple[str, str | None]] = [
    (  # a new call in a body: report.py now uses Account.deposit
        "ledger/report.py",
        TREE["ledger/report.py"].replace(  # type: ignore[union-attr]
            "    print(", '    account.deposit("0.00")\n    print('
        ),
    ),
    (  # lines shift in a body: no definition's surface changes
        "ledger/money.py",
        TREE["ledger/money.py"].replace(  # type: ignore[union-attr]
            "        return Money(self.cents + other.cents)\n",
            "        total = self.cents\n"
            "        total += other.cents\n"
            "        return Money(total)\n",
        ),
    ),
    (  # a rename: calls elsewhere no longer reach it
        "ledger/money.py",
        TREE["ledger/money.py"].replace("def parse_amount", "def read_amount"),  # type: ignore[union-attr]
    ),
    (  # a file the others' calls now reach
        "ledger/money_parse.py",
        '"""Parsing amounts."""\nfrom .money import Money\n\n\n'
        "def parse_amount(text: str) -> Money:\n    return Money(int(text))\n",
    ),
    ("java/src/main/java/org/ledger/Strings.java", None),  # a file removed
]


def _apply(root: Path, path: str, text: str | None) -> None:
    if text is None:
        (root / path).unlink()
    else:
        (root / path).write_text(text)


def test_each_retell_tells_what_a_cold_analysis_of_its_tree_tells(tmp_path: Path) -> None:
    root = write_files(tmp_path / "repo", TREE)
    cache = tmp_path / "cache"
    first = analyse(root, name="ledger", processes=1, syntax_cache=cache)
    assert first == analyse(root, name="ledger", processes=1)
    told = []
    for path, text in EDITS:
        _apply(root, path, text)
        retold = analyse(root, name="ledger", processes=1, syntax_cache=cache)
        assert retold == analyse(root, name="ledger", processes=1), path
        told.append(retold)

    # The edits changed what the facts say, so the comparisons above compared something.
    def used_by(facts: RepoFacts, name: str) -> int:
        return next(s.used_by for s in facts.key_symbols if s.name == name)

    assert used_by(told[0], "Account.deposit") > used_by(first, "Account.deposit")
    assert "read_amount" in told[2].symbol_names
    assert "Strings" not in told[-1].symbol_names


def test_a_retell_resolves_again_only_the_files_that_may_resolve_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_files(tmp_path / "repo", TREE)
    cache = tmp_path / "cache"
    resolved: list[str] = []
    real = CallGraph.uses

    def counting(self: CallGraph, path: str, *args: object, **kwargs: object) -> FileUses:
        resolved.append(path)
        return real(self, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(CallGraph, "uses", counting)
    analyse(root, name="ledger", processes=1, syntax_cache=cache)
    everything = set(resolved)
    assert "ledger/cli.py" in everything and len(everything) > 5
    for (path, text), expected in zip(
        EDITS[:3], ([EDITS[0][0]], [EDITS[1][0]], everything), strict=True
    ):
        resolved.clear()
        _apply(root, path, text)
        analyse(root, name="ledger", processes=1, syntax_cache=cache)
        assert sorted(resolved) == sorted(expected), path
    resolved.clear()
    analyse(root, name="ledger", processes=1, syntax_cache=cache)
    assert resolved == []  # nothing changed: every file's uses were kept


@pytest.mark.parametrize(
    "broken",
    [b"\xfb\x02", marshal.dumps({"ledger/cli.py": ("blob", 1)}), marshal.dumps([1, 2])],
)
def test_a_broken_pack_of_uses_is_resolved_again(tmp_path: Path, broken: bytes) -> None:
    root = write_files(tmp_path / "repo", TREE)
    cache = tmp_path / "cache"
    cold = analyse(root, name="ledger", processes=1, syntax_cache=cache)
    packs = list(cache.glob("*/uses/*"))
    assert packs
    for pack in packs:
        pack.write_bytes(broken)
    assert analyse(root, name="ledger", processes=1, syntax_cache=cache) == cold


def test_the_readme_is_read_as_markdown_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {k: v for k, v in TREE.items() if k != "ledger/cli.py"}  # a library: no program
    files["pyproject.toml"] = '[project]\nname = "ledger"\n'
    files["README.md"] = (
        "# Ledger\n\nLedger keeps accounts and prints their balances.\n\n"
        '## Usage\n\n```python\nfrom ledger import Account\nAccount("main").deposit("1.50")\n```\n'
    )
    root = write_files(tmp_path / "repo", files)
    real = MarkdownIt.parse
    read: list[str] = []

    def counting(self: MarkdownIt, text: str, env: object = None) -> object:
        read.append(text)
        return real(self, text, env)  # type: ignore[arg-type]

    monkeypatch.setattr(MarkdownIt, "parse", counting)
    markdown_tokens.cache_clear()  # read anew here, whatever another test read before
    facts = analyse(root, name="ledger", processes=1)
    assert facts.readme is not None and facts.readme.summary
    assert read == [files["README.md"]]  # its summary and its usage examples share one reading
