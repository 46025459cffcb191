"""A tour follows a method into the project base class that defines it, and a call on the
object an own method returns (`self.make_signer(salt).sign(...)`)."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.support import write_files as write

_SIGNER = (
    "from sig.encoding import want_bytes, encode_parts\n\n"
    "class Signer:\n"
    "    def __init__(self, key):\n        self.key = key\n\n"
    "    def sign(self, value):\n        '''Signs the given string.'''\n"
    "        value = want_bytes(value)\n        return encode_parts(value, self.key)\n"
)
_ENCODING = (
    "def want_bytes(value):\n    if isinstance(value, str):\n        value = value.encode()\n"
    "    return value\n\n"
    "def encode_parts(value, key):\n    parts = [value, key]\n    joined = b'.'.join(parts)\n"
    "    return joined\n"
)
_SERIALIZER = (
    "from sig.signer import Signer\n\n"
    "class Serializer:\n"
    "    def __init__(self, key):\n        self.key = key\n\n"
    "    def make_signer(self, salt=None) -> Signer:\n        return Signer(self.key)\n\n"
    "    def dumps(self, obj, salt=None):\n        '''Returns a signed string.'''\n"
    "        payload = str(obj)\n        rv = self.make_signer(salt).sign(payload)\n"
    "        return rv\n"
)
_URL_SAFE = (
    "from sig.serializer import Serializer\n\n"
    "class URLSafeSerializer(Serializer):\n"
    "    '''Serializer whose output is safe in a URL.'''\n"
    "    default_sep = '.'\n"
)


def _tree(tmp_path: Path, readme: str) -> Path:
    return write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "sig"\nversion = "1.0"\n',
            "README.md": f"# sig\n\nSign data.\n\n```python\n{readme}```\n",
            "sig/__init__.py": (
                "from sig.url_safe import URLSafeSerializer\nfrom sig.signer import Signer\n"
            ),
            "sig/encoding.py": _ENCODING,
            "sig/signer.py": _SIGNER,
            "sig/serializer.py": _SERIALIZER,
            "sig/url_safe.py": _URL_SAFE,
        },
    )


def test_a_readme_call_on_a_subclass_follows_the_base_class_method(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        "from sig import URLSafeSerializer\n"
        's = URLSafeSerializer("secret")\ntoken = s.dumps({"id": 5})\n',
    )
    path = analyse(root, name="sig").control_paths[0]
    # `dumps` is not URLSafeSerializer's own: it is Serializer's, where the path goes on.
    assert path[0].name == "Serializer.dumps" and path[0].via == "s.dumps"
    assert path[0].path == "sig/serializer.py"
    # The signer `make_signer` returns is where `sign` is called.
    assert path[1].name == "Signer.sign" and path[1].path == "sig/signer.py"


def test_a_self_call_inherited_from_a_project_base_is_followed(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "job"\nversion = "1.0"\n'
            '[project.scripts]\njob = "job.cli:main"\n',
            "job/__init__.py": "",
            "job/base.py": (
                "class Task:\n    def execute(self, rows):\n        rows = list(rows)\n"
                "        rows.sort()\n        return self.finish(rows)\n\n"
                "    def finish(self, rows):\n        total = sum(rows)\n"
                "        rows.append(total)\n"
                "        return rows\n"
            ),
            "job/tally.py": (
                "from job.base import Task\n\n"
                "class TallyTask(Task):\n    def run(self, rows):\n"
                "        rows = [r + 1 for r in rows]\n"
                "        return self.execute(rows)\n"
            ),
            "job/cli.py": (
                "from job.tally import TallyTask\n\n"
                "def main(rows):\n    task = TallyTask()\n    rows = list(rows)\n"
                "    return task.run(rows)\n"
            ),
        },
    )
    steps = [s.name for s in analyse(root, name="job").control_paths[0]]
    assert steps == ["main", "TallyTask.run", "Task.execute", "Task.finish"]
