"""The web page: one HTML file, its script and its style, served by the gateway itself.

No build step and no other host: every asset comes from here, and a strict
Content-Security-Policy says so to the browser (no inline script or style, no third-party
origin, no framing), so a story's text can never run as code on the page.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter, HTTPException
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
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


@cache
def asset(name: str) -> bytes:
    return resources.files("codestory.gateway").joinpath("web", name).read_bytes()


@router.get("/")
def page() -> Response:
    return Response(
        asset("index.html"), media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
    )


@router.get("/web/{name}")
def web_asset(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(status_code=404, detail="no such file")
    return Response(asset(name), media_type=ASSETS[name], headers=PAGE_HEADERS)
