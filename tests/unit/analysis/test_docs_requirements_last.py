"""A requirements file named for the documentation (`requirements-docs.txt`,
`docs-requirements.txt`) holds the packages the docs site is built with; the development
packages a story names first are those the code is worked on with (its tests, its linters),
whatever order the files sort in."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write


def test_the_docs_build_packages_come_after_the_codes_own(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "envfile"\ndependencies = []\n',
            "requirements-docs.txt": "mkdocs>=1.5\nmkdocs-material\n",
            "requirements.txt": "pytest\nruff\n",
            "envfile/__init__.py": 'def load(path):\n    """Read settings."""\n    return path\n',
        },
    )
    facts = analyse(root, name="envfile")
    assert facts.dev_dependencies == ["pytest", "ruff", "mkdocs", "mkdocs-material"]
    told = "\n".join(chapter.text for chapter in write_script(facts).chapters)
    assert "4 packages for development, such as `pytest`, `ruff` and `mkdocs`" in told
