"""A story opens with the project's one-line description; where its README's own paragraph
about the project says more, the listener hears that too, never a pointer elsewhere, a
note on the state of work or the description again."""

from __future__ import annotations

from pathlib import Path

import pytest

from codestory.analysis import analyse
from codestory.analysis.readme import further_words
from codestory.narrative.template import write_script

_MORE = (
    "lintkit does not only check for syntax validity, but for weirdnesses like key "
    "repetition and cosmetic problems such as line length and trailing spaces."
)


def test_a_paragraph_that_says_more_is_kept() -> None:
    assert further_words("A linter for YAML files.", _MORE, "lintkit") == _MORE
    about_it = "This package turns numbers into words people read, like 3 minutes ago or 10 kB."
    assert further_words("Humanizing utilities.", about_it, "wordy") == about_it


def test_a_paragraph_on_one_feature_is_not_the_project() -> None:
    feature = (
        "You can pass additional parameter path to activate to specify a path to search locales in."
    )
    assert further_words("Humanizing utilities.", feature, "wordy") is None


@pytest.mark.parametrize(
    "summary",
    [
        "To get started using the library, see The Book for its chapters and its examples.",
        "We are currently working on the 2.0 release on the main branch; the last release "
        "can be found here.",
        "Fast, unopinionated, minimalist web framework for Node.js.",
        "A linter.",
    ],
)
def test_a_pointer_a_status_or_the_description_again_is_not(summary: str) -> None:
    assert (
        further_words("Fast, unopinionated, minimalist web framework", summary, "express") is None
    )


def test_the_opening_quotes_the_readme_after_the_description(tmp_path: Path) -> None:
    (tmp_path / "lintkit").mkdir()
    (tmp_path / "lintkit" / "__init__.py").write_text('"""The linter."""\n')
    (tmp_path / "lintkit" / "cli.py").write_text("def run():\n    return 0\n")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "lintkit"\ndescription = "A linter for YAML files."\n'
    )
    (tmp_path / "README.md").write_text(f"# lintkit\n\n{_MORE}\n\n## Install\n\npip install it\n")
    facts = analyse(tmp_path, name="lintkit", processes=1)
    opening = write_script(facts).chapters[0].text
    assert (
        "In its own words: A linter for YAML files. Its README says more: lintkit does" in opening
    )
