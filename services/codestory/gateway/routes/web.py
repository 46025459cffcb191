"""The web page: one HTML file, its script and its style, served by the gateway itself.

No build step and no other host: every asset comes from here, and a strict
Content-Security-Policy says so to the browser (no inline script or style, no third-party
origin, no framing), so a story's text can never run as code on the page.

Each file carries an ETag (a browser revalidates and gets a 304 while nothing changed) and
is sent gzipped to a browser that accepts it: the files are fixed for the life of the process,
so both are computed once.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from importlib import resources

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",  # blob: plays audio fetched with an API key
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",  # revalidated, so an upgrade is seen at the next load
}
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


@cache
def asset(name: str) -> bytes:
    return resources.files("codestory.gateway").joinpath("web", name).read_bytes()


@cache
def compressed(name: str) -> bytes:
    # mtime=0: the same bytes every time, so the gzipped ETag is stable across restarts.
    return gzip.compress(asset(name), compresslevel=9, mtime=0)


@cache
def tag(name: str) -> str:
    return hashlib.sha256(asset(name)).hexdigest()[:20]


def accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*") and params.replace(" ", "") != "q=0":
            return True
    return False


def matches(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    if wanted.strip() == "*":
        return True
    # A weak comparison, as RFC 9110 asks for If-None-Match.
    return etag in (candidate.strip().removeprefix("W/") for candidate in wanted.split(","))


def serve(name: str, request: Request) -> Response:
    gzipped = accepts_gzip(request)
    etag = f'"{tag(name)}{"-gz" if gzipped else ""}"'
    headers = {**PAGE_HEADERS, "ETag": etag, "Vary": "Accept-Encoding"}
    if matches(request, etag):
        return Response(status_code=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    body = compressed(name) if gzipped else asset(name)
    return Response(body, media_type=ASSETS[name], headers=headers)


@router.api_route("/", methods=["GET", "HEAD"])
def page(request: Request) -> Response:
    return serve("index.html", request)


@router.api_route("/web/{name}", methods=["GET", "HEAD"])
def web_asset(name: str, request: Request) -> Response:
    if name not in ASSETS or name == "index.html":  # the page itself lives at /
        raise HTTPException(status_code=404, detail="no such file")
    return serve(name, request)
