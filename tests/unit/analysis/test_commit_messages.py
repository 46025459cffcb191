"""Commit subjects grouped by Conventional Commits' types, only where a project uses them."""

from __future__ import annotations

from codestory.analysis.commit_messages import group_commits


def test_a_conventional_history_is_counted_by_type_with_features_and_breaks() -> None:
    groups = group_commits(
        [
            "feat(export): write counts as CSV",
            "fix: count words split by tabs",
            "Merge pull request #12 from someone/branch",
            "refactor!: rename count_words to count",
            "fix(cli): exit 2 on a bad flag",
            "docs: usage",
        ]
    )
    assert groups.commits == 5 and groups.conventional
    assert groups.by_type == {"fix": 2, "feat": 1, "refactor": 1, "docs": 1}
    assert groups.features == ["write counts as CSV"]
    assert groups.breaking == ["rename count_words to count"]


def test_a_history_that_does_not_follow_the_convention_is_not_sorted_by_it() -> None:
    groups = group_commits(["Add CSV export", "fix: typo", "Update README", "Bump version"])
    assert not groups.conventional and groups.by_type == {} and groups.features == []
    assert groups.commits == 4 and groups.latest == "Add CSV export"


def test_no_commit_is_nothing_to_say() -> None:
    assert group_commits([]).commits == 0 and group_commits([]).latest is None
