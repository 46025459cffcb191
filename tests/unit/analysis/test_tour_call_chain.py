"""A README's chained example (`Client.builder().with_retries(3).build().fetch(url)`) is
followed through what each call returns, and the tour starts at the call of the chain that
leads furthest into the project, not necessarily the first."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.call_chain import inner_call
from tests.support import write_files as write


def _chain(names: list[str], indent: str = "") -> str:
    text = ""
    for name, onward in zip(names, [*names[1:], None], strict=True):
        call = f"{indent}    rows = {onward}(rows)\n" if onward else ""
        text += (
            f"{indent}def {name}(rows):\n{indent}    rows = list(rows)\n"
            f"{indent}    rows.append(len(rows))\n{call}{indent}    return rows\n\n"
        )
    return text


_CLIENT = (
    "from __future__ import annotations\n\n"
    "from fetchy.wire import send_rows\n\n\n"
    "class Builder:\n    def __init__(self):\n        self.retries = 0\n\n"
    "    def with_retries(self, n: int) -> Builder:\n        self.retries = n\n"
    "        return self\n\n"
    "    def build(self) -> Client:\n        return Client(self.retries)\n\n\n"
    "class Client:\n    def __init__(self, retries):\n        self.retries = retries\n\n"
    "    @classmethod\n    def builder(cls) -> Builder:\n        return Builder()\n\n"
    "    def fetch(self, url: str) -> list:\n        rows = [url] * self.retries\n"
    "        return send_rows(rows)\n\n\n"
    "class Mirror:\n    def build(self) -> Mirror:\n        self.ready = True\n"
    "        return self\n\n"
    "    def fetch(self, url: str) -> list:\n        self.ready = False\n        return [url]\n"
)
_README = (
    "# fetchy\n\nfetchy fetches pages.\n\n```python\nimport fetchy\n\n"
    'page = fetchy.Client.builder().with_retries(3).build().fetch("https://example.org")\n'
    "```\n"
)


def _tree(tmp_path: Path, readme: str, extra: dict[str, str] | None = None) -> Path:
    files = {
        "pyproject.toml": '[project]\nname = "fetchy"\nversion = "1.0"\n',
        "README.md": readme,
        "fetchy/__init__.py": "from fetchy.client import Client, Mirror\n",
        "fetchy/client.py": _CLIENT,
        "fetchy/wire.py": _chain(["send_rows", "frame_rows", "encode_rows", "flush_rows"]),
        **(extra or {}),
    }
    return write(tmp_path / "repo", files)


def test_the_receiver_of_a_chained_call_is_the_call_it_is_made_from() -> None:
    assert inner_call("Foo.builder().with(x)") == ("Foo.builder()", "with")
    assert inner_call("Foo::new(a, (b))") == ("Foo", "new")
    assert inner_call('Spec.of("m")\n    .add(x)') == ('Spec.of("m")', "add")
    assert inner_call("client") is None


def test_a_chain_is_followed_through_each_calls_return_type(tmp_path: Path) -> None:
    facts = analyse(_tree(tmp_path, _README), name="fetchy")
    first = facts.control_paths[0]
    # `fetch` is a method of two classes: only `build`'s return type says it is Client's.
    assert (first[0].path, first[0].name) == ("fetchy/client.py", "Client.fetch")
    assert first[0].via == "fetch"
    assert [s.name for s in first[1:3]] == ["send_rows", "frame_rows"]


def test_the_chain_starts_where_it_leads_furthest(tmp_path: Path) -> None:
    readme = (
        '# fetchy\n\n```python\nimport fetchy\n\nrows = fetchy.read_rows("a").fetch_rows()\n```\n'
    )
    opener = (
        "from __future__ import annotations\n\nfrom fetchy.wire import send_rows\n\n\n"
        "class Rows:\n    def __init__(self, name):\n        self.name = name\n\n"
        "    def fetch_rows(self) -> list:\n        rows = [self.name]\n"
        "        return send_rows(rows)\n\n\n"
        "def read_rows(name: str) -> Rows:\n    name = clean_name(name)\n"
        "    return Rows(name)\n\n\n" + _chain(["clean_name", "trim_name"])
    )
    facts = analyse(_tree(tmp_path, readme, {"fetchy/rows.py": opener}), name="fetchy")
    first = facts.control_paths[0]
    assert (first[0].path, first[0].name) == ("fetchy/rows.py", "Rows.fetch_rows")


def test_a_chain_written_over_several_lines_is_read_whole(tmp_path: Path) -> None:
    readme = (
        "# fetchy\n\n```python\nimport fetchy\n\npage = (\n    fetchy.Client.builder()\n"
        '    .with_retries(3)\n    .build()\n    .fetch("https://example.org")\n)\n```\n'
    )
    facts = analyse(_tree(tmp_path, readme), name="fetchy")
    first = facts.control_paths[0]
    assert (first[0].path, first[0].name) == ("fetchy/client.py", "Client.fetch")
