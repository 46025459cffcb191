"""`codestory watch`: watched repositories, through the gateway's API: add one, list them,
pause, resume, check now, remove."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from codestory.commands.client import (
    EXIT_OK,
    EXIT_USAGE,
    ClientError,
    admin_token,
    api_key,
    auth,
    explain,
    resolve_location,
    shown,
)


def describe_watch(watch: dict[str, Any], now: float) -> str:
    request = watch["request"]
    ref = f" @ {shown(request['ref'])}" if request.get("ref") else ""
    every = f"{watch['tells']} every {watch['interval_seconds'] // 60} min"
    minutes = max(round((watch["next_check_at"] - now) / 60), 0)
    state = "paused" if watch["paused"] else f"next check in {minutes} min"
    where = f"{shown(request['repository_url'])}{ref}"
    lines = [
        f"{shown(watch['id'])}  {where}, {every}, {state}",
        f"  stories told: {watch['stories_submitted']}"
        + (f", last {shown(watch['last_story_id'])}" if watch.get("last_story_id") else ""),
    ]
    if watch.get("last_commit"):
        lines.append(f"  last commit seen: {shown(watch['last_commit'][:12])}")
    if watch.get("last_error"):
        lines.append(f"  last check: {shown(watch['last_error'])}")
    return "\n".join(lines)


def call(method: str, url: str, token: str | None, **kwargs: Any) -> httpx.Response:
    try:
        response = httpx.request(method, url, headers=auth(token), timeout=30, **kwargs)
    except httpx.TransportError:
        raise ClientError(f"cannot reach the gateway at {url.split('/api/')[0]}") from None
    if response.status_code == 422:
        raise ClientError(explain(response), EXIT_USAGE)
    if response.status_code >= 400:
        raise ClientError(f"the gateway refused: {explain(response)}")
    return response


def run_watch(args: argparse.Namespace) -> int:
    gateway = args.gateway.rstrip("/")
    root = f"{gateway}/api/v1/watches"
    try:
        if args.action == "add":
            location = resolve_location(args.location)
            local = "://" not in args.location
            token = admin_token(Path(args.data_dir)) if local else api_key()
            body = {
                "repository_url": location,
                "ref": args.ref,
                "interval_minutes": args.every,
                "tells": "tour" if args.tour else "digest",
            }
            made = call("POST", root, token, json=body).json()
            print(describe_watch(made, time.time()))
            return EXIT_OK
        token = api_key() or admin_token(Path(args.data_dir))
        if args.action in (None, "list"):
            items = call("GET", root, token).json()["items"]
            print("\n".join(describe_watch(w, time.time()) for w in items) or "no watches")
        elif args.action == "rm":
            call("DELETE", f"{root}/{args.watch_id}", token)
            print(f"stopped watching ({shown(args.watch_id)})")
        else:  # pause, resume, check
            changed = call("POST", f"{root}/{args.watch_id}/{args.action}", token).json()
            print(describe_watch(changed, time.time()))
    except ClientError as exc:
        print(f"codestory: {exc}", file=sys.stderr)
        return exc.code
    return EXIT_OK
