"""The last stop of the reading list, the module "more of the code relies on than on
almost anything else", is said only where it is so: two files at least import it, and no
other module but the start's is imported more. A module one file imports is relied on no
more than most."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_BODY = "".join(f"    v{i} = len(text) + {i}\n" for i in range(30))
_FILES = {
    "pyproject.toml": '[project]\nname = "tally"\ndescription = "A library that counts words."\n',
    "README.md": (
        "# tally\n\nA library that counts words.\n\n"
        "```python\nfrom tally import count\ncount('a b')\n```\n"
    ),
    "tally/__init__.py": "from tally.core import count\n",
    "tally/core.py": (
        "from tally.split import split_words\n\n\ndef count(text):\n"
        '    """Count the words of a text."""\n    return len(split_words(text))\n'
    ),
    "tally/split.py": (
        'def split_words(text):\n    """Split a text into words."""\n'
        + _BODY
        + "    return text.split()\n"
    ),
}
_STATS = (
    "from tally.split import split_words\n\n\ndef longest(text):\n"
    '    """Find the longest word."""\n' + _BODY + "    return max(split_words(text))\n"
)


def _last_chapter(root: Path) -> str:
    return write_script(analyse(root, name="tally")).chapters[-1].text


def test_a_module_one_file_imports_is_not_the_one_the_code_relies_on(tmp_path: Path) -> None:
    told = _last_chapter(write(tmp_path, _FILES))
    assert "Then open `tally/core.py` and read `count`." in told
    assert "relies on" not in told


def test_a_module_two_files_import_is(tmp_path: Path) -> None:
    told = _last_chapter(write(tmp_path, {**_FILES, "tally/stats.py": _STATS}))
    assert "After that, `tally/split.py` is worth your time: more of the code relies on it" in told
