"""`codestory new` and `codestory status`: talk to a gateway over HTTP."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import ServerSentEvent, connect_sse
from tqdm import tqdm

from codestory.artifacts.kinds import LINKED, STORY_FILES
from codestory.core.domain import escape_controls, https_form_of_ssh

RECONNECTS = 20
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class ClientError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def resolve_location(location: str) -> str:
    """URLs go as they are; anything else is a local directory, sent as an absolute path."""
    if "://" in location:
        return location
    path = Path(location).expanduser().resolve()
    if not path.is_dir() and (suggestion := https_form_of_ssh(location)) is not None:
        raise ClientError(
            f"{location} is an SSH remote; only https is fetched: use {suggestion}", EXIT_USAGE
        )
    if not path.is_dir():
        raise ClientError(f"no such directory: {location}", EXIT_USAGE)
    return str(path)


def explain(response: httpx.Response) -> str:
    """The gateway's reason for a refusal, printable."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(detail, list):
        return escape_controls(
            "; ".join(
                f"{'.'.join(str(p) for p in d.get('loc', [])[1:])}: {d.get('msg')}" for d in detail
            )
        )
    return escape_controls(str(detail))


TOKEN_FILE = "admin-token"  # noqa: S105 - a file name: `codestory up` writes the token there, mode 0600


def admin_token(data_dir: Path) -> str | None:
    """The admin token: CODESTORY_ADMIN_TOKEN, else the one `codestory up` wrote."""
    if token := os.environ.get("CODESTORY_ADMIN_TOKEN"):
        return token
    try:
        return (data_dir / TOKEN_FILE).read_text().strip() or None
    except OSError:
        return None


REDIS_URL_FILE = "redis-url"  # `codestory up`'s Valkey, with its password, for `codestory dlq`


def write_private(path: Path, text: str) -> Path:
    """Write a file only its owner may read (a token, a password)."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text + "\n")
    return path


def write_admin_token(data_dir: Path, token: str) -> Path:
    return write_private(data_dir / TOKEN_FILE, token)


def api_key() -> str | None:
    """The caller's API key (CODESTORY_API_KEY), for gateways that require one."""
    return os.environ.get("CODESTORY_API_KEY") or None


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def submit(gateway: str, payload: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    # A local path is accepted only with the admin token: the server reads no folder for
    # a caller who could not also read this machine's token file.
    try:
        response = httpx.post(
            f"{gateway}/api/v1/stories", json=payload, headers=auth(token), timeout=30
        )
    except httpx.TransportError:
        raise ClientError(
            f"cannot reach the gateway at {gateway} (is `codestory up` running?)"
        ) from None
    if response.status_code == 422:
        raise ClientError(explain(response), EXIT_USAGE)
    if response.status_code != 202:
        raise ClientError(f"the gateway refused the story: {explain(response)}")
    body: dict[str, Any] = response.json()
    return body


def follow_events(
    url: str, token: str | None, handle: Callable[[ServerSentEvent], bool], after: str | None
) -> bool:
    """Feed each event of an SSE stream to `handle` until it answers True (done); after a
    drop, reconnect with Last-Event-ID. False when the stream could not be kept."""
    for _attempt in range(RECONNECTS):
        headers = auth(token) | ({"Last-Event-ID": after} if after else {})
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(30, read=60)) as http,
                connect_sse(http, "GET", url, headers=headers) as source,
            ):
                for sse in source.iter_sse():
                    after = sse.id or after
                    if handle(sse):
                        return True
        except httpx.TransportError:
            pass
        time.sleep(1)
    return False


def follow(gateway: str, story_id: str, token: str | None = None) -> None:
    """Show a progress bar fed by the story's SSE stream until it ends; resume on drops."""
    bar = tqdm(total=100, unit="%", bar_format="{l_bar}{bar}| {n:.0f}%")

    def show(sse: ServerSentEvent) -> bool:
        if sse.event != "progress":
            return False
        event = json.loads(sse.data)
        bar.n = event["percent"]
        bar.set_description_str(shown(event["message"])[:60].ljust(60))
        bar.refresh()
        return event["status"] in {"complete", "failed", "cancelled"}

    try:
        if not follow_events(f"{gateway}/api/v1/stories/{story_id}/events", token, show, None):
            raise ClientError(f"lost the progress stream; check `codestory status {story_id}`")
    finally:
        bar.close()


def get_story(gateway: str, story_id: str, token: str | None = None) -> dict[str, Any]:
    try:
        response = httpx.get(
            f"{gateway}/api/v1/stories/{story_id}", headers=auth(token), timeout=30
        )
    except httpx.TransportError:
        raise ClientError(f"cannot reach the gateway at {gateway}") from None
    if response.status_code != 200:
        raise ClientError(explain(response))
    story: dict[str, Any] = response.json()
    return story


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:d}:{secs:02d}"


def shown(value: Any) -> str:
    """A value from the server as a terminal should print it: control characters escaped,
    so a record cannot retitle the window, write the clipboard or forge lines."""
    return escape_controls(str(value))


def describe(story: dict[str, Any], artifact_root: Path | None = None) -> str:
    lines = [
        f"story {shown(story['id'])}: {shown(story['status'])}  ({shown(story['repository_url'])})"
    ]
    if story["status"] == "failed":
        lines.append(
            f"  reason: {shown(story.get('failure_reason'))} [{shown(story.get('error_type'))}]"
        )
    if story.get("since"):
        until = shown(story.get("ref") or "latest")
        count = story.get("since_commits")
        commits = "" if count is None else f", {count} commit{'' if count == 1 else 's'}"
        lines.append(f"  digest of:  what changed from {shown(story['since'])} to {until}{commits}")
    if story.get("chapters"):
        lines.append(f"  {len(story['chapters'])} chapters, {clock(story['duration_seconds'])}:")
        for chapter in story["chapters"]:
            reused = "  (unchanged since the last telling)" if chapter.get("reused") else ""
            title = shown(chapter["title"])
            lines.append(f"    {clock(chapter['start_seconds']):>6}  {title}{reused}")
    if story.get("speech_engine"):
        voice = f" ({shown(story['speech_voice'])})" if story.get("speech_voice") else ""
        lines.append(f"  spoken by:  {shown(story['speech_engine'])}{voice}")
    if story["status"] == "complete":
        links = story["links"]
        lines += [f"  {kind.name + ':':<11} {shown(links[kind.name])}" for kind in LINKED]
        if artifact_root is not None:
            lines.append("  files:")
            for name in STORY_FILES:
                key = story["artifacts"].get(name)
                if key:
                    lines.append(f"    {shown(artifact_root / key)}")
    return "\n".join(lines)


def submit_and_follow(
    gateway: str,
    payload: dict[str, Any],
    *,
    wait: bool,
    artifact_root: Path | None = None,
    token: str | None = None,
) -> int:
    accepted = submit(gateway, payload, token)
    print(f"submitted story {accepted['id']}")
    if not wait:
        print(f"follow it with: codestory status {accepted['id']}")
        return EXIT_OK
    follow(gateway, accepted["id"], token)
    story = get_story(gateway, accepted["id"], token)
    print(describe(story, artifact_root))
    return EXIT_OK if story["status"] == "complete" else EXIT_FAILED


def run_new(args: argparse.Namespace) -> int:
    try:
        payload = {
            "repository_url": resolve_location(args.location),
            "ref": args.ref,
            "since": args.since,
            "style": args.style,
            "expertise_level": args.level,
            "focus_areas": args.focus,
        }
        local = "://" not in args.location
        token = admin_token(Path(args.data_dir)) if local else api_key()
        return submit_and_follow(args.gateway.rstrip("/"), payload, wait=args.wait, token=token)
    except ClientError as exc:
        print(f"codestory: {exc}", file=sys.stderr)
        return exc.code


def workers_report(body: dict[str, Any]) -> str:
    """/health/celery for a terminal: one line per queue, then one per worker."""
    lines = ["queue         waiting  running  consumers"]
    missing = set(body.get("queues_without_consumer", []))
    for name, queue in body.get("queues", {}).items():
        flag = "  <- no consumer" if name in missing else ""
        lines.append(
            f"{name:<12}  {queue['waiting']:>7}  {queue['running']:>7}  {queue['consumers']:>9}"
            + flag
        )
    lines.append("")
    lines.append("worker                                   queues        slots  active  heartbeat")
    for worker in body.get("workers", []):
        lines.append(
            f"{worker['hostname']:<40} {','.join(worker['queues']):<13} "
            f"{worker['concurrency'] or '-':>5}  {worker['active']:>6}  "
            f"{worker['heartbeat_age_seconds']:>6.1f} s ago"
        )
    if not body.get("workers"):
        lines.append("(no worker has sent a heartbeat)")
    return "\n".join(lines)


def run_workers(gateway: str) -> int:
    try:
        response = httpx.get(f"{gateway}/health/celery", timeout=30)
    except httpx.TransportError:
        print(f"codestory: cannot reach the gateway at {gateway}", file=sys.stderr)
        return EXIT_FAILED
    body = response.json()
    if "queues" not in body:  # Redis itself is down
        print(f"codestory: {body.get('redis') or explain(response)}", file=sys.stderr)
        return EXIT_FAILED
    print(workers_report(body))
    return EXIT_OK if response.status_code == 200 else EXIT_FAILED


def run_status(args: argparse.Namespace) -> int:
    gateway = args.gateway.rstrip("/")
    if args.workers:
        return run_workers(gateway)
    try:
        if args.story_id:
            print(describe(get_story(gateway, args.story_id, api_key())))
            return EXIT_OK
        response = httpx.get(
            f"{gateway}/api/v1/stories", params={"limit": 20}, headers=auth(api_key()), timeout=30
        )
        response.raise_for_status()
    except (httpx.HTTPError, ClientError) as exc:
        print(f"codestory: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for story in response.json()["items"]:
        print(
            f"{shown(story['id'])}  {shown(story['status']):<12}  {shown(story['repository_url'])}"
        )
    return EXIT_OK


def log_line(line: dict[str, Any]) -> str:
    """One story log line for a terminal; an error's type and traceback follow, indented."""
    text = (
        f"{shown(line['time'])}  {shown(line['level']):<7}  {shown(line['service']):<12}  "
        f"{shown(line.get('step') or '-'):<8}  {shown(line['message'])}"
    )
    if line.get("error_type"):
        text += f"  [{shown(line['error_type'])}]"
    if line.get("traceback"):
        # One escaped row per line of the traceback: its own line breaks are kept.
        rows = str(line["traceback"]).split("\n")
        text += "\n" + "\n".join("    " + shown(row) for row in rows)
    return text


def print_log_pages(gateway: str, story_id: str, token: str | None) -> str | None:
    """Print every line so far; return the last line's id."""
    after: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 1000, **({"after": after} if after else {})}
        response = httpx.get(
            f"{gateway}/api/v1/stories/{story_id}/logs",
            params=params,
            headers=auth(token),
            timeout=30,
        )
        if response.status_code != 200:
            raise ClientError(f"cannot read the log of {story_id}: {explain(response)}")
        page = response.json()
        for line in page["lines"]:
            print(log_line(line))
        after = page["lines"][-1]["id"] if page["lines"] else after
        if page["next_after"] is None:
            return after


def follow_log(gateway: str, story_id: str, token: str | None, after: str | None) -> None:
    """Print lines as they come until the story ends; resume after drops."""

    def show(sse: ServerSentEvent) -> bool:
        if sse.event == "log":
            print(log_line(json.loads(sse.data)), flush=True)
        return sse.event == "end"

    url = f"{gateway}/api/v1/stories/{story_id}/logs?follow=true"
    if follow_events(url, token, show, after):
        return
    raise ClientError(f"lost the log stream; run `codestory logs {story_id}` again")


def run_logs(args: argparse.Namespace) -> int:
    gateway = args.gateway.rstrip("/")
    token = api_key()
    try:
        last = print_log_pages(gateway, args.story_id, token)
        if args.follow:
            follow_log(gateway, args.story_id, token, last)
    except httpx.TransportError:
        print(f"codestory: cannot reach the gateway at {gateway}", file=sys.stderr)
        return EXIT_FAILED
    except ClientError as exc:
        print(f"codestory: {exc}", file=sys.stderr)
        return exc.code
    return EXIT_OK


def run_api_key(args: argparse.Namespace) -> int:
    """Make an API key: the key for its holder, the digest for CODESTORY_API_KEYS."""
    from codestory.core.settings import API_KEY_NAME
    from codestory.gateway.access import digest, new_api_key

    if not API_KEY_NAME.fullmatch(args.name):
        print("codestory: a key name is 1-64 of A-Z a-z 0-9 . _ -", file=sys.stderr)
        return EXIT_USAGE
    key = new_api_key()
    print(f"key (give it to {args.name}; it is not stored anywhere): {key}")
    print(f"CODESTORY_API_KEYS entry: {json.dumps({args.name: digest(key)})}")
    return EXIT_OK
