"""`codestory`: run the services, submit stories, check on them.

Each command's module is imported only when that command runs, and `codestory probe`
(an exec probe, run every few seconds) skips argparse too: it imports nothing but os,
sys, time and codestory.runtime.probes.
"""

from __future__ import annotations

import os
import sys

# Not `from typing import TYPE_CHECKING`: importing typing alone costs the probe ~15 ms.
# mypy is told this name is always true (pyproject: always_true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import NoReturn

DEFAULT_GATEWAY = "http://127.0.0.1:8000"


def build_parser() -> argparse.ArgumentParser:
    import argparse  # not at module level: the probe's fast path must not pay for it

    class OneLineParser(argparse.ArgumentParser):
        """Bad usage: exit 2 with one line, not a usage dump."""

        def error(self, message: str) -> NoReturn:
            self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    parser = OneLineParser(prog="codestory", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    gateway_url = os.environ.get("CODESTORY_GATEWAY_URL", DEFAULT_GATEWAY)

    up = commands.add_parser("up", help="run all four services locally on an embedded Valkey")
    up.add_argument("--data-dir", default=".codestory", help="state, artifacts and logs")
    up.add_argument("--port", type=int, default=None, help="gateway port (default 8000)")
    up.add_argument("--submit", metavar="URL_OR_PATH", help="submit a story once up and follow it")
    up.add_argument(
        "--allow-root",
        action="append",
        default=[],
        metavar="DIR",
        help="also let local folders under DIR be told (the current folder always may be)",
    )
    up.add_argument(
        "--exit-when-done", action="store_true", help="with --submit: stop once the story ends"
    )

    new = commands.add_parser("new", help="submit a repository URL or local path")
    new.add_argument("location", help="https Git URL, or a local directory")
    new.add_argument("--ref", help="branch or tag")
    new.add_argument(
        "--since", help="a branch or tag: tell what changed from it to --ref (a change digest)"
    )
    new.add_argument("--style", choices=["overview", "deep-dive"], default="overview")
    new.add_argument(
        "--level", choices=["beginner", "intermediate", "expert"], default="intermediate"
    )
    new.add_argument("--focus", action="append", default=[], help="an area to look at closely")
    new.add_argument("--wait", action="store_true", help="follow progress until the story ends")
    new.add_argument("--gateway", default=gateway_url)
    new.add_argument(
        "--data-dir",
        default=".codestory",
        help="where `codestory up` keeps its admin token (needed for local folders)",
    )

    status = commands.add_parser("status", help="show one story, or the latest stories")
    status.add_argument("story_id", nargs="?")
    status.add_argument(
        "--workers",
        action="store_true",
        help="the workers seen by heartbeat and each queue's consumers (exit 1 if one has none)",
    )
    status.add_argument("--gateway", default=gateway_url)

    logs = commands.add_parser("logs", help="a story's own log: every service's lines for it")
    logs.add_argument("story_id")
    logs.add_argument("--follow", action="store_true", help="keep printing until the story ends")
    logs.add_argument("--gateway", default=gateway_url)

    watch = commands.add_parser(
        "watch", help="watched repositories: tell one again whenever its ref moves"
    )
    watch.add_argument("--gateway", default=gateway_url)
    watch.add_argument(
        "--data-dir",
        default=".codestory",
        help="where `codestory up` keeps its admin token (needed for local folders)",
    )
    watching = watch.add_subparsers(dest="action")
    add = watching.add_parser("add", help="watch a repository URL or a local repository")
    add.add_argument("location")
    add.add_argument("--ref", default=None, help="branch or tag (default: the default branch)")
    add.add_argument("--every", type=int, default=24 * 60, help="minutes between checks")
    add.add_argument(
        "--tour",
        action="store_true",
        help="tell the whole repository at each move, not a digest of what changed",
    )
    watching.add_parser("list", help="the watches you may see (the default)")
    for action, what in (
        ("pause", "no checks until resumed"),
        ("resume", "check again, the next one an interval from now"),
        ("check", "check at the janitor's next scan"),
        ("rm", "stop watching (the stories told stay)"),
    ):
        watching.add_parser(action, help=what).add_argument("watch_id")

    key = commands.add_parser("api-key", help="make an API key and its CODESTORY_API_KEYS entry")
    key.add_argument("name", help="who holds it; their stories are listed under this name")

    commands.add_parser("gateway", help="run the HTTP gateway")
    worker = commands.add_parser("worker", help="run a Celery worker")
    worker.add_argument("pool", choices=["story", "audio"])
    worker.add_argument("--concurrency", type=int, default=None)
    commands.add_parser("janitor", help="run the janitor (RedBeat scheduler + maintenance queue)")

    probe = commands.add_parser("probe", help="exec probe: is this worker alive / ready?")
    probe.add_argument("kind", choices=["liveness", "readiness"])
    probe.add_argument("--max-age", type=float, default=None, help="seconds (liveness)")

    dlq = commands.add_parser(
        "dlq", help="failed stories: list, show, retry or purge (talks to Redis directly)"
    )
    dlq.add_argument("--limit", type=int, default=20, help="entries to list")
    dlq.add_argument("--error-type", default=None, help="only entries of this error type")
    dlq.add_argument(
        "--data-dir",
        default=".codestory",
        help="`codestory up`'s folder: its Redis address is used when REDIS_URL is not set",
    )
    actions = dlq.add_subparsers(dest="action")
    actions.add_parser("list", help="the newest entries (the default)")
    show = actions.add_parser("show", help="one story: record, entries, progress")
    show.add_argument("story_id")
    retry = actions.add_parser("retry", help="send failed stories back, same id and history")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("story_id", nargs="?")
    which.add_argument("--all", action="store_true", help="every story in the DLQ")
    purge = actions.add_parser("purge", help="drop entries (the stories stay failed)")
    gone = purge.add_mutually_exclusive_group(required=True)
    gone.add_argument("story_id", nargs="?")
    gone.add_argument("--all", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words[:1] == ["probe"] and "-h" not in words and "--help" not in words:
        from codestory.runtime.probes import probe_main

        return probe_main(words[1:])
    args = build_parser().parse_args(words)
    if args.command == "up":
        from codestory.commands.up import run_up

        return run_up(args)
    if args.command in {"new", "status", "logs", "api-key"}:
        from codestory.commands import client

        run = {
            "new": client.run_new,
            "status": client.run_status,
            "logs": client.run_logs,
            "api-key": client.run_api_key,
        }
        return run[args.command](args)
    if args.command == "watch":
        from codestory.commands.watch import run_watch

        return run_watch(args)
    if args.command == "dlq":
        from codestory.commands.services import run_dlq

        return run_dlq(args)
    from codestory.commands import services

    if args.command == "gateway":
        return services.run_gateway()
    if args.command == "worker":
        return services.run_worker(args.pool, args.concurrency)
    return services.run_janitor()


if __name__ == "__main__":
    sys.exit(main())
