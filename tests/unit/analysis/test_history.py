"""Recent history from a blob-less clone: commits, span, steady weeks, busiest files."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.history import parse_git_log
from codestory.core.settings import Settings
from codestory.narrative.template import span_words, write_script
from codestory.story_worker.fetch import clone_command, fetch_repository, read_history
from tests.support import SAMPLE_PROJECT, git, make_repo

DAY = 86_400


def test_log_is_read_into_facts() -> None:
    log = "\n".join(
        [
            f"@{100 * DAY}", "", "src/a.py", "README.md",
            f"@{60 * DAY}", "", "src/a.py", "src/b.py",
            f"@{10 * DAY}", "", "src/a.py",
        ]
    )  # fmt: skip
    facts = parse_git_log(log, depth=50, keep={"src/a.py", "src/b.py"})
    assert facts is not None
    assert (facts.commits, facts.truncated, facts.span_days) == (3, False, 90)
    assert facts.active_weeks == 3
    assert [(f.path, f.commits) for f in facts.most_changed] == [("src/a.py", 3)]  # b: once
    assert parse_git_log(log, depth=3).truncated  # as many commits as asked: maybe older
    assert parse_git_log("", depth=10) is None


def test_spans_are_said_the_way_people_say_them() -> None:
    assert [span_words(d) for d in (0, 3, 20, 200, 1100)] == [
        "1 day",
        "3 days",
        "3 weeks",
        "7 months",
        "3 years",
    ]


def test_history_clone_is_blobless_and_deep() -> None:
    command = clone_command("https://example.com/a.git", Path("/x"), None, local=False, depth=50)
    assert "--depth=50" in command and "--filter=blob:none" in command
    assert "--filter=blob:none" not in clone_command("u", Path("/x"), None, local=False)


def test_history_of_a_real_repository_reaches_the_story(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SAMPLE_PROJECT)
    counting = repo / "src/tally/counting.py"
    for month in range(1, 4):  # three more commits, a month apart, all touching counting.py
        counting.write_text(counting.read_text() + f"\n# change {month}\n")
        git(repo, "add", "-A")
        stamp = f"@{1_700_000_000 + month * 30 * DAY} +0000"
        dates = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        git(repo, "commit", "-q", "-m", f"change {month}", env=dates)
    settings = Settings(allow_local_paths=True, local_roots=[tmp_path], history_depth=3)  # type: ignore[call-arg]
    work = tmp_path / "work"
    work.mkdir()
    checkout = fetch_repository(str(repo), None, work, settings)
    log = read_history(checkout, settings.history_depth)
    assert log is not None and log.count("@") == 3  # the depth holds
    facts = analyse(checkout, name="tally", history_log=log, history_depth=3)
    assert facts.history is not None and facts.history.truncated
    assert facts.history.most_changed[0].path == "src/tally/counting.py"
    first = write_script(facts).chapters[0].text
    assert "Its last 3 commits span 2 months" in first
    assert "`src/tally/counting.py`" in first
