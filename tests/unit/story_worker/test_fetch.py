from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from codestory.core.domain import FailureCause
from codestory.core.settings import Settings
from codestory.runtime.task_runtime import PermanentError
from codestory.story_worker.fetch import (
    checkout_commit,
    clone_command,
    explain_git_failure,
    fetch_repository,
    pick_commit,
    resolve_commit,
)
from tests.support import SAMPLE_PROJECT, git, make_repo


def settings(**overrides: object) -> Settings:
    # pytest's temporary folders all sit under the system's temporary folder.
    fields: dict[str, object] = {"local_roots": [Path(tempfile.gettempdir())], **overrides}
    return Settings(allow_local_paths=True, **fields)  # type: ignore[arg-type]


def test_clone_is_shallow_and_locked_down() -> None:
    command = clone_command("https://example.com/a.git", Path("/tmp/x"), "v1", local=False)
    assert command[:1] == ["git"]
    joined = " ".join(command)
    for flag in (
        "core.hooksPath=/dev/null",
        "protocol.allow=never",
        "protocol.https.allow=always",
        "--depth=1",
        "--no-tags",
        "--template=",
        "--branch v1",
        "-- https://example.com/a.git",
    ):
        assert flag in joined


def test_local_repository_is_cloned_at_a_ref(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SAMPLE_PROJECT)
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "extra.py").write_text("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "extra")
    (repo / "uncommitted.py").write_text("y = 2\n")
    work = tmp_path / "work"
    work.mkdir()
    checkout = fetch_repository(str(repo), "main", work, settings())
    assert (checkout / "src/tally/cli.py").exists()
    assert not (checkout / "extra.py").exists()  # that is on another branch
    assert not (checkout / "uncommitted.py").exists()  # only committed files are told about


def test_unknown_ref_and_missing_path_are_permanent(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SAMPLE_PROJECT)
    (tmp_path / "w1").mkdir()
    with pytest.raises(PermanentError, match="'nope' does not exist") as unknown_ref:
        fetch_repository(str(repo), "nope", tmp_path / "w1", settings())
    # a fetch_failed, and the caller's: the failure alerts leave it out
    assert unknown_ref.value.error_type == "fetch_failed"
    assert unknown_ref.value.cause is FailureCause.CLIENT
    with pytest.raises(PermanentError, match="is not a directory"):
        fetch_repository(str(tmp_path / "absent"), None, tmp_path, settings())


def test_only_a_missing_ref_among_git_failures_is_the_callers() -> None:
    missing = explain_git_failure("fatal: Remote branch nope not found in upstream origin", "nope")
    assert isinstance(missing, PermanentError) and missing.cause is FailureCause.CLIENT
    for stderr in ("fatal: something odd", "error: bad object HEAD"):
        error = explain_git_failure(stderr, "main")
        assert isinstance(error, PermanentError) and error.cause is None, stderr


def test_local_folders_are_read_only_under_the_roots(tmp_path: Path) -> None:
    inside = tmp_path / "allowed" / "repo"
    make_repo(inside, SAMPLE_PROJECT)
    outside = make_repo(tmp_path / "elsewhere", SAMPLE_PROJECT, commit=False)
    (tmp_path / "allowed" / "link").symlink_to(outside)
    only = settings(local_roots=[tmp_path / "allowed"])
    for work in ("w1", "w2", "w3"):
        (tmp_path / work).mkdir()
    assert fetch_repository(str(inside), None, tmp_path / "w1", only).is_dir()
    for refused in (
        outside,
        tmp_path / "allowed" / "link",
        tmp_path / "allowed" / ".." / "elsewhere",
    ):
        with pytest.raises(PermanentError, match="outside the folders this server may read"):
            fetch_repository(str(refused), None, tmp_path / "w2", only)
    with pytest.raises(PermanentError, match="reads none"):
        fetch_repository(str(inside), None, tmp_path / "w3", settings(local_roots=[]))


def test_a_plain_folder_is_copied_without_links_or_special_files(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "plain"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "a.py").write_text("x = 1\n")
    (tmp_path / "secret.txt").write_text("token=hunter2\n")
    (folder / "src" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "outside").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "src" / "pipe")  # a read would block forever
    checkout = fetch_repository(str(folder), None, tmp_path / "w", settings())
    assert checkout != folder, "the folder itself is never read in place"
    copied = sorted(str(p.relative_to(checkout)) for p in checkout.rglob("*"))
    assert copied == ["src", "src/a.py"]


def test_a_plain_folder_past_the_file_limit_stops_while_copying(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(30):
        (folder / f"f{i}.txt").write_text("x")
    with pytest.raises(PermanentError, match="more than 10 files") as info:
        fetch_repository(str(folder), None, tmp_path / "w", settings(max_repo_files=10))
    assert info.value.error_type == "repository_too_large"
    assert len(list((tmp_path / "w" / "checkout").iterdir())) <= 10


def test_local_paths_are_refused_unless_allowed(tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="local paths are not allowed") as info:
        fetch_repository(str(tmp_path), None, tmp_path, Settings(allow_local_paths=False))
    assert info.value.error_type == "invalid_repository"


def test_size_limit_stops_the_clone(tmp_path: Path) -> None:
    big = {f"data/{i}.txt": ("x" * 2000 + str(i)) * 50 for i in range(40)}
    repo = make_repo(tmp_path / "repo", {**SAMPLE_PROJECT, **big})
    (tmp_path / "w").mkdir()
    with pytest.raises(PermanentError, match="larger than") as info:
        fetch_repository(str(repo), None, tmp_path / "w", settings(max_repo_bytes=4096))
    assert info.value.error_type == "repository_too_large"


@pytest.mark.parametrize(
    ("stderr", "kind", "text"),
    [
        (
            "fatal: repository 'https://x/y/' not found",
            PermanentError,
            "does not exist or is not public",
        ),
        ("fatal: could not read Username for 'https://x'", PermanentError, "not public"),
        ("fatal: something odd", PermanentError, "git could not fetch the repository"),
    ],
)
def test_git_failures_are_explained(stderr: str, kind: type[Exception], text: str) -> None:
    error = explain_git_failure(stderr, None)
    assert isinstance(error, kind) and text in str(error)


def test_a_damaged_repository_is_told_at_once_not_retried(tmp_path: Path) -> None:
    """A local repository with an object file gone: git says "early EOF" too, which alone
    would read as a cut connection and be retried three times for nothing."""
    repo = make_repo(tmp_path / "repo", SAMPLE_PROJECT)
    blob = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD:README.md"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    (tmp_path / "w").mkdir()
    with pytest.raises(PermanentError, match="the repository is damaged") as info:
        fetch_repository(str(repo), None, tmp_path / "w", settings())
    assert info.value.error_type == "fetch_failed"


def _rev(repo: Path, name: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", name], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_commit_is_resolved_without_cloning(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SAMPLE_PROJECT)
    main = _rev(repo, "HEAD")
    git(repo, "tag", "-a", "v1", "-m", "release one")  # annotated: the tag object is not a commit
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "extra.py").write_text("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "extra")
    work = tmp_path / "work"
    work.mkdir()
    assert resolve_commit(str(repo), None, work, settings()) == _rev(repo, "HEAD")
    assert resolve_commit(str(repo), "main", work, settings()) == main
    assert resolve_commit(str(repo), "v1", work, settings()) == main
    assert resolve_commit(str(repo), "no-such-branch", work, settings()) is None
    assert not (work / "checkout").exists()
    checkout = fetch_repository(str(repo), "main", work, settings())
    assert checkout_commit(checkout) == main


def test_a_plain_folder_has_no_commit(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "a.py").write_text("x = 1\n")
    assert resolve_commit(str(folder), None, tmp_path, settings()) is None
    assert checkout_commit(fetch_repository(str(folder), None, tmp_path, settings())) is None


def test_pick_commit_prefers_the_peeled_tag() -> None:
    tag, commit = "a" * 40, "b" * 40
    listing = f"{tag}\trefs/tags/v2\n{commit}\trefs/tags/v2^{{}}\nnot-a-sha\tHEAD\n"
    assert pick_commit(listing, "v2") == commit
    assert pick_commit(listing, None) is None


@pytest.mark.parametrize(
    ("limits", "said"),
    [
        ({"max_repo_files": 10}, "more than 10 files"),
        ({"max_repo_bytes": 60_000, "history_depth": 1}, "larger than"),
    ],
)
def test_limits_act_on_the_tree_before_any_file_is_written(
    tmp_path: Path, limits: dict[str, int], said: str
) -> None:
    # Thirty files of 3 KB: a small clone, a tree over either limit.
    many = {f"data/{i}.txt": f"{i} " + "x" * 3000 for i in range(30)}
    repo = make_repo(tmp_path / "repo", {**SAMPLE_PROJECT, **many})
    work = tmp_path / "w"
    work.mkdir()
    with pytest.raises(PermanentError, match=said) as info:
        fetch_repository(str(repo), None, work, settings(**limits))
    assert info.value.error_type == "repository_too_large"
    written = [p for p in (work / "checkout").iterdir() if p.name != ".git"]
    assert written == [], "files were checked out before the limit was applied"


def fenced(tmp_path: Path) -> tuple[Path, Path, Settings]:
    """A repository outside the one allowed root, and that root."""
    outside = make_repo(tmp_path / "elsewhere" / "secret", {"secret.py": "KEY = 1\n"})
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (tmp_path / "work").mkdir()
    return outside, allowed, settings(local_roots=[allowed])


def refused_as_outside(folder: Path, work: Path, only: Settings) -> None:
    with pytest.raises(PermanentError, match="outside the folders this server may read") as info:
        fetch_repository(str(folder), None, work, only)
    assert info.value.error_type == "invalid_repository"
    assert not (work / "checkout").exists(), "nothing of it was read"


def test_a_gitfile_leading_out_of_the_roots_is_refused(tmp_path: Path) -> None:
    outside, allowed, only = fenced(tmp_path)
    folder = allowed / "innocent"
    folder.mkdir()
    (folder / ".git").write_text(f"gitdir: {outside / '.git'}\n")
    refused_as_outside(folder, tmp_path / "work", only)
    relative = allowed / "relative"
    relative.mkdir()
    (relative / ".git").write_text("gitdir: ../../elsewhere/secret/.git\n")
    refused_as_outside(relative, tmp_path / "work", only)


def test_a_dot_git_link_leading_out_of_the_roots_is_refused(tmp_path: Path) -> None:
    outside, allowed, only = fenced(tmp_path)
    folder = allowed / "innocent"
    folder.mkdir()
    (folder / ".git").symlink_to(outside / ".git", target_is_directory=True)
    refused_as_outside(folder, tmp_path / "work", only)


def test_links_inside_the_git_folder_leading_out_are_refused(tmp_path: Path) -> None:
    outside, allowed, only = fenced(tmp_path)
    folder = make_repo(allowed / "borrowed", SAMPLE_PROJECT)
    git_dir = folder / ".git"
    for name in ("objects", "refs"):
        (git_dir / name).rename(git_dir / f"{name}.own")
        (git_dir / name).symlink_to(outside / ".git" / name, target_is_directory=True)
    refused_as_outside(folder, tmp_path / "work", only)


def test_object_alternates_outside_the_roots_are_refused(tmp_path: Path) -> None:
    outside, allowed, only = fenced(tmp_path)
    # `clone --shared` borrows the source's objects through objects/info/alternates: the
    # new repository's history is the outside one's, its own store empty.
    git(allowed, "clone", "-q", "--shared", str(outside), "shared")
    alternates = allowed / "shared" / ".git" / "objects" / "info" / "alternates"
    assert str(outside) in alternates.read_text()
    refused_as_outside(allowed / "shared", tmp_path / "work", only)
    # One level removed: an alternate inside the roots that itself borrows from outside.
    git(allowed, "clone", "-q", "--shared", str(allowed / "shared"), "twice")
    refused_as_outside(allowed / "twice", tmp_path / "work", only)


def test_worktrees_and_shared_clones_inside_the_roots_are_read(tmp_path: Path) -> None:
    _, allowed, only = fenced(tmp_path)
    main = make_repo(allowed / "main", SAMPLE_PROJECT)
    git(main, "worktree", "add", "-q", "-b", "side", str(allowed / "side"))
    assert (allowed / "side" / ".git").is_file(), "a worktree's .git is a gitfile"
    checkout = fetch_repository(str(allowed / "side"), None, tmp_path / "work", only)
    assert (checkout / "src/tally/cli.py").exists()
    git(allowed, "clone", "-q", "--shared", str(main), "borrower")
    (tmp_path / "work2").mkdir()
    checkout = fetch_repository(str(allowed / "borrower"), None, tmp_path / "work2", only)
    assert (checkout / "src/tally/cli.py").exists()


def test_a_hard_link_to_a_file_outside_the_folder_is_left_out(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "plain"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("token=hunter2\n")
    os.link(tmp_path / "secret.txt", folder / "notes.txt")  # another name of an outside file
    (folder / "a.py").write_text("x = 1\n")
    os.link(folder / "a.py", folder / "b.py")  # both names in the folder: the folder's own
    checkout = fetch_repository(str(folder), None, tmp_path / "w", settings())
    assert sorted(p.name for p in checkout.iterdir()) == ["a.py", "b.py"]
    assert (checkout / "b.py").read_text() == "x = 1\n"
