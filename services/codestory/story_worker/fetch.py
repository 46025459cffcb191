"""Get a repository onto local disk: a shallow, locked-down git clone, or a local path.

No hooks, no filters, no prompts, no protocols but the one asked for, a time limit and a
size limit watched while the clone runs.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from codestory.analysis.changelog import is_changelog
from codestory.analysis.environment import environment_changes, may_read_environment
from codestory.analysis.history import LOG_FORMAT
from codestory.core.domain import (
    ErrorType,
    FailureCause,
    SourceKind,
    SourcePolicyError,
    classify_source,
    format_bytes,
)
from codestory.core.local_source import (
    FolderTooLargeError,
    allowed_folder,
    copy_folder,
    git_directory,
)
from codestory.core.settings import Settings
from codestory.runtime.task_runtime import PermanentError, TransientError
from codestory.story_worker.egress import (
    EgressRefusedError,
    PinnedTarget,
    ResolutionError,
    pin,
)

_NOT_FOUND_HINTS = (
    "repository not found",
    "not found",
    "could not read username",
    "authentication failed",
    "terminal prompts disabled",
    "does not appear to be a git repository",
)
_REF_HINTS = ("remote branch", "couldn't find remote ref", "not found in upstream")
# A repository whose objects cannot be read is as broken on the next try: told, not retried.
_DAMAGE_HINTS = ("repository corruption", "unable to read", "bad object", "missing blob")
# What git said, sorted into what the user is told: never git's own words, which would
# turn the error text into a probe of whatever the URL pointed at.
_RETRY_HINTS = (
    ("could not resolve host", "the host name did not resolve"),
    ("connection timed out", "the connection to the host timed out"),
    ("operation timed out", "the connection to the host timed out"),
    ("failed to connect", "could not connect to the host"),
    ("connection refused", "could not connect to the host"),
    ("early eof", "the connection was cut while cloning"),
    ("the remote end hung up", "the connection was cut while cloning"),
    ("returned error: 5", "the Git server answered with a server error"),
)
_TLS_HINTS = ("ssl", "gnutls", "certificate", "tls")
log = logging.getLogger("codestory.fetch")
WATCH_INTERVAL_SECONDS = 0.5
LS_REMOTE_TIMEOUT_SECONDS = 30.0


# Our own global git config, and nothing else: a local folder (admin-only, under the
# allowed roots) mounted into a container is owned by another user, and git refuses to
# read it ("dubious ownership") unless trusted in global config (git 2.39 ignores it on
# the command line). Nothing else is configured: no hooks, filters or helpers of the host.
GIT_CONFIG = "[safe]\n\tdirectory = *\n"


def _git_env(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "gitconfig"
    if not config.exists():
        config.write_text(GIT_CONFIG)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_ASKPASS": "/bin/false",
        "SSH_ASKPASS": "/bin/false",
        "LC_ALL": "C",
    }


def _git_options(protocol: str, pinned: PinnedTarget | None = None) -> list[str]:
    """No hooks, no filters, one protocol, no redirects, the checked address: the same
    lock-down for every git call."""
    options = [
        "http.followRedirects=false",
        "core.hooksPath=/dev/null",
        "core.fsmonitor=false",
        "protocol.allow=never",
        f"protocol.{protocol}.allow=always",
        "filter.lfs.smudge=",
        "filter.lfs.process=",
        "filter.lfs.required=false",
        "http.lowSpeedLimit=1000",
        "http.lowSpeedTime=30",
    ]
    if pinned is not None:
        options.append(f"http.curloptResolve={pinned.curl_resolve()}")
    return ["git", *(arg for option in options for arg in ("-c", option))]


def clone_command(
    url: str,
    dest: Path,
    ref: str | None,
    *,
    local: bool,
    depth: int = 1,
    pinned: PinnedTarget | None = None,
) -> list[str]:
    """A shallow clone; with history, blob-less: old commits and trees, no old contents."""
    command = [
        *_git_options("file" if local else "https", pinned),
        "clone",
        # The tree is counted (and, when its blobs came with the clone, weighed) before a
        # single file is written: see check_tree.
        "--no-checkout",
        f"--depth={depth}",
        "--single-branch",
        "--no-tags",
        "--template=",
    ]
    if depth > 1:
        command.append("--filter=blob:none")
    if ref:
        command += ["--branch", ref]
    return [*command, "--", url, str(dest)]


def ls_remote_command(
    url: str, ref: str | None, *, local: bool, pinned: PinnedTarget | None = None
) -> list[str]:
    # The peeled `^{}` line is the commit an annotated tag points at; it must be asked for.
    wanted = [f"refs/heads/{ref}", f"refs/tags/{ref}", f"refs/tags/{ref}^{{}}"] if ref else ["HEAD"]
    return [*_git_options("file" if local else "https", pinned), "ls-remote", "--", url, *wanted]


def pick_commit(listing: str, ref: str | None) -> str | None:
    """The commit `git ls-remote` names for the ref: a peeled tag, then the ref, then HEAD."""
    found = {}
    for line in listing.splitlines():
        sha, _, name = line.partition("\t")
        if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
            found[name.strip()] = sha
    order = [f"refs/tags/{ref}^{{}}", f"refs/heads/{ref}", f"refs/tags/{ref}"] if ref else ["HEAD"]
    return next((found[name] for name in order if name in found), None)


def _local_folder(location: str, settings: Settings) -> Path:
    try:
        return allowed_folder(location, settings.local_roots)
    except SourcePolicyError as exc:
        raise PermanentError(f"repository_url {exc}", ErrorType.INVALID_REPOSITORY) from None


def _source(location: str, settings: Settings) -> tuple[str, bool] | Path:
    """(git URL, is local) for a repository git can read; the checked folder itself for a
    plain local folder."""
    try:
        kind = classify_source(
            location,
            allow_local_paths=settings.allow_local_paths,
            allowed_hosts=settings.allowed_hosts,
            max_length=settings.max_url_length,
            allowed_ports=tuple(settings.allowed_ports),
        )
    except ValueError as exc:
        raise PermanentError(f"repository_url {exc}", ErrorType.INVALID_REPOSITORY) from None
    if kind is SourceKind.LOCAL_PATH:
        path = _local_folder(location, settings)
        try:
            repository = git_directory(path, settings.local_roots)
        except SourcePolicyError as exc:
            raise PermanentError(f"repository_url {exc}", ErrorType.INVALID_REPOSITORY) from None
        if repository is None:
            return path
        return path.as_uri(), True
    return location, False


def resolve_commit(location: str, ref: str | None, work: Path, settings: Settings) -> str | None:
    """The commit a clone would fetch, asked of the remote without cloning; None if unknown.

    A plain folder has no commit, and any trouble here is left for the clone to report.
    """
    source = _source(location, settings)
    if isinstance(source, Path):
        return None
    try:
        pinned = None if source[1] else pin_host(source[0])
    except (PermanentError, TransientError):
        return None  # the clone reports it
    home = work / "git-home"
    home.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ls_remote_command(source[0], ref, local=source[1], pinned=pinned),
            env=_git_env(home),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=min(settings.clone_timeout_seconds, LS_REMOTE_TIMEOUT_SECONDS),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return pick_commit(done.stdout, ref) if done.returncode == 0 else None


def checkout_commit(checkout: Path) -> str | None:
    """HEAD of a clone made by fetch_repository (None for a plain folder)."""
    if not (checkout / ".git").exists():
        return None
    done = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"],
        env=_git_env(checkout.parent),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _tree_size(path: Path) -> int:
    """The bytes of every file under `path`, links not followed. A stack, not recursion (as
    Python 3.11's os.walk is): a clone nested a thousand folders deep is still measured."""
    total = 0
    folders = [str(path)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except FileNotFoundError:
            continue  # git renames temporary folders as it goes
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                else:
                    total += entry.stat(follow_symlinks=False).st_size
            except FileNotFoundError:
                continue  # git renames temporary files as it goes
    return total


def explain_git_failure(stderr: str, ref: str | None) -> Exception:
    """A reason fit to show the user; git's own text goes to the operator's log only."""
    text = stderr.lower()
    log.info("git failed", extra={"stderr": stderr.strip()[-500:]})
    if ref and any(h in text for h in _REF_HINTS):
        return PermanentError(
            f"the branch or tag {ref!r} does not exist",
            ErrorType.FETCH_FAILED,
            cause=FailureCause.CLIENT,  # the caller named it: not ours to be paged for
        )
    if any(h in text for h in _NOT_FOUND_HINTS):
        return PermanentError(
            "the repository does not exist or is not public", ErrorType.INVALID_REPOSITORY
        )
    if any(h in text for h in _DAMAGE_HINTS):
        return PermanentError(
            "the repository is damaged: git could not read all of its objects",
            ErrorType.FETCH_FAILED,
        )
    for hint, reason in _RETRY_HINTS:
        if hint in text:
            return TransientError(reason)
    if "redirect" in text or "returned error: 3" in text:
        return PermanentError(
            "the Git server redirected elsewhere; give the repository's final URL",
            ErrorType.FETCH_FAILED,
        )
    if any(h in text for h in _TLS_HINTS):
        return PermanentError(
            "the host's TLS certificate could not be verified", ErrorType.FETCH_FAILED
        )
    return PermanentError("git could not fetch the repository", ErrorType.FETCH_FAILED)


def pin_host(url: str) -> PinnedTarget:
    """The URL's host resolved and checked, ready to pin; errors fit to show the user."""
    try:
        return pin(url)
    except EgressRefusedError as exc:
        raise PermanentError(f"repository_url {exc}", ErrorType.INVALID_REPOSITORY) from None
    except ResolutionError as exc:
        # Retried all the same (a resolver can say no for a moment), but a name that does
        # not exist is the caller's failure once the retries are spent.
        cause = FailureCause.CLIENT if exc.unknown_host else None
        raise TransientError(str(exc), cause=cause) from None


def check_size(dest: Path, settings: Settings) -> None:
    if dest.exists() and _tree_size(dest) > settings.max_repo_bytes:
        raise PermanentError(
            f"the repository is larger than {format_bytes(settings.max_repo_bytes)}, "
            "over this server's limit",
            ErrorType.REPOSITORY_TOO_LARGE,
        )


def run_clone(command: list[str], dest: Path, settings: Settings, ref: str | None) -> None:
    home = dest.parent / "git-home"
    home.mkdir(exist_ok=True)
    deadline = time.monotonic() + settings.clone_timeout_seconds
    with subprocess.Popen(
        command,
        env=_git_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            while True:
                # Waits at most one interval and returns the moment git exits, so a quick
                # clone costs its own time, not a whole interval; reading stderr meanwhile
                # means a chatty git never blocks on a full pipe.
                try:
                    _, stderr = process.communicate(timeout=WATCH_INTERVAL_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if time.monotonic() > deadline:
                    raise PermanentError(
                        f"cloning took longer than {settings.clone_timeout_seconds:g} s",
                        ErrorType.TIMEOUT,
                    )
                check_size(dest, settings)
        except BaseException:
            process.kill()
            raise
    if process.returncode != 0:
        raise explain_git_failure(stderr, ref)
    check_size(dest, settings)  # a fast clone can finish between two checks


def check_tree(dest: Path, settings: Settings, *, sizes_known: bool) -> bool:
    """Refuse a clone whose tree has too many files, or (blobs at hand) too many bytes,
    before it is checked out. False for a repository with no commit (nothing to check out:
    the analysis then says it is empty)."""
    if checkout_commit(dest) is None:
        return False
    listing = subprocess.run(
        ["git", "-C", str(dest), "ls-tree", "-r", "-z", *(["-l"] if sizes_known else []), "HEAD"],
        env=_git_env(dest.parent / "git-home"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=LS_REMOTE_TIMEOUT_SECONDS,
        check=False,
    )
    if listing.returncode != 0:
        raise PermanentError("git could not read the repository's tree", ErrorType.FETCH_FAILED)
    entries = [e for e in listing.stdout.split(b"\0") if e]
    files = sum(1 for e in entries if e.split(b" ", 2)[1:2] == [b"blob"])
    if files > settings.max_repo_files:
        raise PermanentError(
            f"the repository has more than {settings.max_repo_files:,} files, over this "
            "server's limit",
            ErrorType.REPOSITORY_TOO_LARGE,
        )
    if sizes_known:
        total = sum(
            int(size) for e in entries if (size := e.split(b"\t", 1)[0].split()[-1]).isdigit()
        )
        if total > settings.max_repo_bytes:
            raise PermanentError(
                f"the repository is larger than {format_bytes(settings.max_repo_bytes)}, "
                "over this server's limit",
                ErrorType.REPOSITORY_TOO_LARGE,
            )
    return True


def fetch_repository(location: str, ref: str | None, work: Path, settings: Settings) -> Path:
    """Return a directory holding the repository's files: a checkout, or a copy of a plain
    folder."""
    source = _source(location, settings)
    dest = work / "checkout"
    if isinstance(source, Path):  # a plain folder: a bounded copy, never read in place
        try:
            copy_folder(
                source, dest, max_files=settings.max_repo_files, max_bytes=settings.max_repo_bytes
            )
        except FolderTooLargeError as exc:
            raise PermanentError(
                f"the folder {exc}, over this server's limit", ErrorType.REPOSITORY_TOO_LARGE
            ) from None
        return dest
    url, local = source
    pinned = None if local else pin_host(url)
    command = clone_command(
        url, dest, ref, local=local, depth=settings.history_depth, pinned=pinned
    )
    run_clone(command, dest, settings, ref)
    # A blob-less clone (history wanted) fetches the files' contents at checkout, which is
    # watched by the same time and size limits as the clone.
    if not check_tree(dest, settings, sizes_known=settings.history_depth <= 1):
        return dest
    protocol = "file" if local else "https"
    checkout = [*_git_options(protocol, pinned), "-C", str(dest), "checkout", "--quiet", "--force"]
    run_clone(checkout, dest, settings, ref)
    return dest


def read_history(checkout: Path, depth: int) -> str | None:
    """`git log` of the clone, one `@<time>` line per commit and the paths it touched.

    Renames are not followed: detecting them would fetch old file contents.
    """
    if depth <= 1 or not (checkout / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), "log", f"--format={LOG_FORMAT}", "--name-only",
             "--no-renames", f"--max-count={depth}", "HEAD"],
            env=_git_env(checkout.parent),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=LS_REMOTE_TIMEOUT_SECONDS,
            check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


MAX_CHANGELOG_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class History:
    """What the history between two commits says beside their trees."""

    subjects: list[str] | None = None  # commit subjects, newest first
    changelog: str | None = None  # the newer tree's changelog
    environment: tuple[list[str], list[str]] | None = None  # variables read newly, no longer


MAX_CHANGED_FILES = 200  # changed files read for their environment variables, at most


def history_between(
    location: str, ref: str | None, since_commit: str, work: Path, settings: Settings
) -> History:
    """From a blob-less clone of the history alone: the subject lines of the commits after
    `since_commit` up to `ref`, newest first (None when the history read does not reach it),
    and the text of the changelog at the top of `ref`'s tree, if there is one (its blob is
    the one file fetched)."""
    source = _source(location, settings)
    if isinstance(source, Path) or settings.history_depth <= 1:
        return History()
    url, local = source
    dest = work / "history"
    pinned = None if local else pin_host(url)
    command = clone_command(
        url, dest, ref, local=local, depth=settings.history_depth, pinned=pinned
    )
    run_clone(command, dest, settings, ref)
    git = [*_git_options("file" if local else "https", pinned), "-C", str(dest)]

    def read(*args: str) -> str | None:
        try:
            done = subprocess.run(
                [*git, *args],
                env=_git_env(work),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=LS_REMOTE_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    log = read(
        "log", "--format=%s", f"--max-count={settings.history_depth}", f"{since_commit}..HEAD"
    )
    subjects = None if log is None else [line for line in log.splitlines() if line.strip()]
    changelog = None
    for entry in (read("ls-tree", "-l", "HEAD") or "").splitlines():
        meta, _, name = entry.partition("\t")
        size = meta.split()[-1] if meta.split() else "-"
        if is_changelog(name) and size.isdigit() and int(size) <= MAX_CHANGELOG_BYTES:
            changelog = read("show", f"HEAD:{name}")
            break
    environment = None
    if subjects is not None:  # `since_commit` is in the history read: its files can be too
        changed = (read("diff", "--name-only", since_commit, "HEAD") or "").splitlines()
        code = [path for path in changed if may_read_environment(path)][:MAX_CHANGED_FILES]
        files = [
            (path, read("show", f"{since_commit}:{path}"), read("show", f"HEAD:{path}"))
            for path in code
        ]
        environment = environment_changes(files)
    return History(subjects, changelog, environment)


COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def is_commit_id(ref: str | None) -> bool:
    """A full commit id, not a branch or tag name: fetched by id, never looked up by name."""
    return ref is not None and COMMIT_ID.fullmatch(ref) is not None


def fetch_commit(location: str, commit: str, work: Path, settings: Settings) -> Path:
    """A checkout of one commit named by its full id: an empty repository that fetches just
    that commit (servers answer for any reachable commit over protocol v2), with the same
    lock-down, limits and tree checks as a clone."""
    source = _source(location, settings)
    if isinstance(source, Path):
        raise PermanentError(
            "a commit can only be read from a Git repository", ErrorType.INVALID_REPOSITORY
        )
    url, local = source
    pinned = None if local else pin_host(url)
    git = _git_options("file" if local else "https", pinned)
    dest = work / "checkout"
    dest.mkdir(parents=True)
    steps = [
        [*git, "-C", str(dest), "init", "--quiet", "--template="],
        [*git, "-C", str(dest), "fetch", "--quiet", "--depth=1", "--no-tags", "--", url, commit],
        [*git, "-C", str(dest), "update-ref", "HEAD", "FETCH_HEAD"],
    ]
    for step in steps:
        run_clone(step, dest, settings, commit)
    if check_tree(dest, settings, sizes_known=True):
        run_clone([*git, "-C", str(dest), "checkout", "--quiet", "--force"], dest, settings, commit)
    return dest
