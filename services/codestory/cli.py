"""`codestory`: run the services, submit stories, check on them.

Each command's module is imported only when that command runs, so `codestory probe`
(an exec probe, run every few seconds) pays for nothing but argparse.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

DEFAULT_GATEWAY = "http://127.0.0.1:8000"


class OneLineParser(argparse.ArgumentParser):
    """Bad usage: exit 2 with one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="codestory", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    gateway_url = os.environ.get("CODESTORY_GATEWAY_URL", DEFAULT_GATEWAY)

    up = commands.add_parser("up", help="run all four services locally on an embedded Valkey")
    up.add_argument("--data-dir", default=".codestory", help="state, artifacts and logs")
    up.add_argument("--port", type=int, default=None, help="gateway port (default 8000)")
    up.add_argument("--submit", metavar="URL_OR_PATH", help="submit a story once up and follow it")
    up.add_argument(
        "--exit-when-done", action="store_true", help="with --submit: stop once the story ends"
    )

    new = commands.add_parser("new", help="submit a repository URL or local path")
    new.add_argument("location", help="https Git URL, or a local directory")
    new.add_argument("--ref", help="branch or tag")
    new.add_argument("--style", choices=["overview", "deep-dive"], default="overview")
    new.add_argument(
        "--level", choices=["beginner", "intermediate", "expert"], default="intermediate"
    )
    new.add_argument("--focus", action="append", default=[], help="an area to look at closely")
    new.add_argument("--wait", action="store_true", help="follow progress until the story ends")
    new.add_argument("--gateway", default=gateway_url)

    status = commands.add_parser("status", help="show one story, or the latest stories")
    status.add_argument("story_id", nargs="?")
    status.add_argument("--gateway", default=gateway_url)

    commands.add_parser("gateway", help="run the HTTP gateway")
    worker = commands.add_parser("worker", help="run a Celery worker")
    worker.add_argument("pool", choices=["story", "audio"])
    worker.add_argument("--concurrency", type=int, default=None)
    commands.add_parser("janitor", help="run the janitor (RedBeat scheduler + maintenance queue)")

    probe = commands.add_parser("probe", help="exec probe: is this worker alive / ready?")
    probe.add_argument("kind", choices=["liveness", "readiness"])
    probe.add_argument("--max-age", type=float, default=None, help="seconds (liveness)")

    dlq = commands.add_parser("dlq", help="list failed tasks")
    dlq.add_argument("--limit", type=int, default=20)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "probe":
        from codestory.probes import run_probe

        return run_probe(args.kind, args.max_age)
    if args.command == "up":
        from codestory.commands.up import run_up

        return run_up(args)
    if args.command in {"new", "status"}:
        from codestory.commands import client

        return client.run_new(args) if args.command == "new" else client.run_status(args)
    if args.command == "dlq":
        from codestory.commands.services import run_dlq

        return run_dlq(args.limit)
    from codestory.commands import services

    if args.command == "gateway":
        return services.run_gateway()
    if args.command == "worker":
        return services.run_worker(args.pool, args.concurrency)
    return services.run_janitor()


if __name__ == "__main__":
    sys.exit(main())
