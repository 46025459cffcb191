"""The web page in a real browser (Debian's chromium, headless, driven by Playwright) against
a live gateway and workers on the embedded Valkey: submit, follow, reload, listen, read the
log, page the list; with no request to any other host and no Content-Security-Policy breach.

Screenshots of the main views are saved beside the test's files, and into docs/screenshots
when CODESTORY_UPDATE_SCREENSHOTS=1 (the README shows one of them).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from tests.support import ADMIN_TOKEN, SAMPLE_PROJECT, Stack, make_repo, running_stack, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A closed network: no background calls home, no component updates, no QUIC probes.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
UNREACHABLE = "The gateway is unreachable; retrying…"


@pytest.fixture(scope="module")
def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("web")
    # Each stage waits a little at its checkpoints, so a reload lands mid-story; streams ping
    # every second, so the page notices a silent one within seconds.
    with running_stack(
        redis_server_url,
        tmp,
        ("gateway", "story", "audio"),
        CODESTORY_DEBUG_STAGE_DELAY_SECONDS="0.7",
        CODESTORY_SSE_PING_SECONDS="1",
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs it (Debian package chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


class Watched:
    """A page whose every request is checked: anything not on loopback is refused and
    remembered, and so is any Content-Security-Policy complaint in the console."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.foreign: list[str] = []
        self.csp: list[str] = []
        page.route("**/*", self._only_loopback)
        page.on("console", self._console)

    def _only_loopback(self, route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _console(self, message: object) -> None:
        text = str(getattr(message, "text", ""))
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.csp.append(text)


@pytest.fixture
def watched(browser: Browser, stack: Stack) -> Iterator[Watched]:
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 1200, "height": 900})
    page = Watched(context.new_page())
    yield page
    context.close()
    assert page.foreign == [], "the page asked another host for something"
    assert page.csp == [], "the page broke its own Content-Security-Policy"


def screenshot(page: Page, name: str, tmp: Path) -> None:
    page.screenshot(path=str(tmp / f"{name}.png"), full_page=True)
    if os.environ.get("CODESTORY_UPDATE_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots"
        target.mkdir(exist_ok=True)
        page.screenshot(path=str(target / f"{name}.png"), full_page=True)


def until(page: Page, script: str, timeout: float = 60) -> None:
    """Poll a JavaScript condition from here: Playwright's own wait_for_function evaluates
    strings inside the page, which the page's policy rightly forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {script}")
        time.sleep(0.1)


def submit_as_admin(page: Page, repo: Path, listener: str | None = None) -> None:
    """From the front page: save the admin token (local folders are the admin's), submit."""
    page.goto("/")
    save_key(page, ADMIN_TOKEN)
    page.get_by_label("Repository URL").fill(str(repo))
    if listener:
        page.get_by_label("Listener").select_option(listener)
    page.get_by_role("button", name="Tell me the story").click()


def save_key(page: Page, key: str) -> None:
    page.get_by_text("API key", exact=True).click()
    page.get_by_label("API key or admin token").fill(key)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#key-state")).to_have_text("A key is saved in this browser.")


def test_the_page_is_served_with_a_strict_policy(stack: Stack) -> None:
    page = stack.http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert stack.http.get("/web/app.js").headers["content-type"].startswith("text/javascript")
    assert stack.http.get("/web/../settings.py").status_code == 404
    assert stack.http.get("/web/index.html").status_code == 404  # only the listed assets


def test_an_invalid_url_is_explained_beside_its_field(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    page.goto("/")
    page.get_by_label("Repository URL").fill("ftp://example.org/project")
    page.get_by_role("button", name="Tell me the story").click()
    error = page.locator("#repository_url-error")
    expect(error).not_to_be_empty()
    expect(page.get_by_label("Repository URL")).to_have_attribute("aria-invalid", "true")
    assert "#/stories/" not in page.url  # nothing was submitted
    screenshot(page, "field-error", tmp_path)


def test_submit_follow_reload_listen_and_read_the_log(
    watched: Watched, stack: Stack, tmp_path: Path
) -> None:
    page = watched.page
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    submit_as_admin(page, repo, listener="beginner")
    page.wait_for_url("**/#/stories/*")
    story_id = page.url.rsplit("/", 1)[1]

    progress = page.locator("#story-progress")
    until(page, "document.getElementById('story-progress').value >= 20")
    before = float(progress.evaluate("bar => bar.value"))
    assert before < 100, "the reload must land mid-story"
    screenshot(page, "progress", tmp_path)
    page.reload()  # mid-story: the snapshot first, then live events again
    until(page, f"document.getElementById('story-progress').value >= {before}")
    expect(page.locator("#story-status")).to_have_text("complete", timeout=90_000)
    assert page.evaluate("document.getElementById('story-progress').value") == 100
    expect(page.locator("#api-key")).to_have_value("")  # the key is kept, not shown
    expect(page.locator("#key-state")).to_have_text("A key is saved in this browser.")

    # The player: chapters to seek with, the transcript following playback.
    expect(page.locator("#player")).to_be_visible()
    chapters = page.locator("#chapters button")
    assert chapters.count() >= 5
    until(page, "document.getElementById('audio').duration > 10")
    chapters.nth(1).click()
    second = page.evaluate("document.getElementById('audio').currentTime")
    third = chapters.nth(2)
    third.focus()
    page.keyboard.press("Enter")  # keyboard works as well as a click
    until(page, f"document.getElementById('audio').currentTime > {second} + 1")
    start = page.evaluate("document.getElementById('audio').currentTime")
    until(page, f"document.getElementById('audio').currentTime > {start} + 0.5")
    expect(page.locator("#chapters li").nth(2)).to_have_class("current")
    expect(page.locator("#transcript span.current")).to_have_count(1)
    page.evaluate("document.getElementById('audio').pause()")

    # The log: both workers' lines, in the order they were written.
    log = page.locator("#log .line")
    expect(log.filter(has_text="audio-worker").last).to_contain_text("ready")
    services = log.locator(".service").all_text_contents()
    assert services[0] == "gateway"
    first_audio = services.index("audio-worker")
    assert "story-worker" in services[:first_audio] and "story-worker" not in services[first_audio:]
    screenshot(page, "story", tmp_path)

    with page.expect_download() as download:
        page.get_by_role("button", name="MP3").click()
    assert download.value.suggested_filename == f"{story_id}-story.mp3"

    # The list: the story with its status, length and creation time.
    page.goto("/#/stories")
    row = page.locator("#list-rows tr", has=page.locator(f'a[href="#/stories/{story_id}"]'))
    expect(row.locator("td").nth(0)).to_have_text("complete")
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^\d+:\d\d$"))
    screenshot(page, "list", tmp_path)


def test_a_failing_story_shows_its_reason_and_the_admin_retry(
    watched: Watched, tmp_path: Path
) -> None:
    page = watched.page
    repo = make_repo(tmp_path / "notes", {"README.md": "# Notes\n"})
    submit_as_admin(page, repo)
    expect(page.locator("#story-status")).to_have_text("failed", timeout=60_000)
    expect(page.locator("#story-failure")).to_contain_text("no source code was found")
    retry = page.get_by_role("button", name="Retry this story (admin)")
    expect(retry).to_be_visible()
    lines_before = page.locator("#log .line").count()
    retry.click()  # the admin sends it back: it runs again, and fails again the same way
    expect(page.locator("#story-failure")).not_to_contain_text("Only the admin")
    expect(page.locator("#story-status")).to_have_text("failed", timeout=60_000)
    until(page, f"document.querySelectorAll('#log .line').length > {lines_before}")
    expect(page.locator("#log .line .message").filter(has_text="no_source")).not_to_have_count(0)


def test_readable_at_phone_width_with_every_control_labelled(
    browser: Browser, stack: Stack, tmp_path: Path
) -> None:
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto("/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scroll"
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('input, select, textarea')]
                 .filter(e => !document.querySelector(`label[for="${e.id}"]`))
                 .map(e => e.id)"""
        )
        assert unlabelled == []
        screenshot(page, "phone", tmp_path)
    finally:
        context.close()


def test_progress_resumes_after_the_connection_drops(
    watched: Watched, stack: Stack, tmp_path: Path
) -> None:
    page = watched.page
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    submit_as_admin(page, repo)
    page.wait_for_url("**/#/stories/*")
    until(page, "document.getElementById('story-progress').value >= 20")
    gateway = stack.services["gateway"]
    gateway.stop()  # the stream breaks; the page keeps what it has and says so
    expect(page.locator("#story-connection")).to_have_text(UNREACHABLE)
    gateway.start()
    expect(page.locator("#story-status")).to_have_text("complete", timeout=90_000)
    expect(page.locator("#story-connection")).to_be_empty()
    expect(page.locator("#player")).to_be_visible()


def answering(stack: Stack) -> None:
    def healthy() -> bool:
        try:
            return httpx.get(f"{stack.base_url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(healthy, 60, "the gateway to answer")


def test_views_opened_while_the_gateway_is_away_wait_for_it(
    watched: Watched, stack: Stack, tmp_path: Path
) -> None:
    page = watched.page
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    story_id = stack.submit(repo)
    page.goto("/")
    expect(page.locator("#view-new")).to_be_visible()
    gateway = stack.services["gateway"]
    gateway.stop()
    try:
        page.evaluate("location.hash = '#/stories'")
        expect(page.locator("#list-connection")).to_have_text(UNREACHABLE)
        page.evaluate(f"location.hash = '#/stories/{story_id}'")
        expect(page.locator("#story-connection")).to_have_text(UNREACHABLE)
    finally:
        gateway.start()
    answering(stack)
    # Retries back off to two seconds at most: the page follows the gateway's return closely.
    expect(page.locator("#story-connection")).to_be_empty(timeout=3500)
    expect(page.locator("#story-repo")).to_have_text(str(repo))
    expect(page.locator("#story-status")).to_have_text("complete", timeout=90_000)

    gateway.stop()
    try:
        page.evaluate("location.hash = '#/stories'")
        expect(page.locator("#list-connection")).to_have_text(UNREACHABLE)
    finally:
        gateway.start()
    answering(stack)
    expect(page.locator("#list-connection")).to_be_empty(timeout=3500)
    expect(page.locator(f'#list-rows a[href="#/stories/{story_id}"]')).to_be_visible()


def test_a_frozen_gateway_is_noticed_and_followed_when_it_thaws(
    watched: Watched, stack: Stack, tmp_path: Path
) -> None:
    page = watched.page
    submit_as_admin(page, make_repo(tmp_path / "tally", SAMPLE_PROJECT))
    page.wait_for_url("**/#/stories/*")
    until(page, "document.getElementById('story-progress').value >= 20")
    gateway = stack.services["gateway"]
    gateway.kill(signal.SIGSTOP)  # its sockets stay open; it just says nothing more
    try:
        # Pings come every second here: four silent seconds make a stall.
        expect(page.locator("#story-connection")).to_have_text(UNREACHABLE, timeout=10_000)
    finally:
        gateway.kill(signal.SIGCONT)
    expect(page.locator("#story-connection")).to_be_empty(timeout=10_000)
    expect(page.locator("#story-status")).to_have_text("complete", timeout=90_000)


def test_the_list_follows_unfinished_stories_without_a_reload(
    watched: Watched, stack: Stack, tmp_path: Path
) -> None:
    page = watched.page
    story_id = stack.submit(make_repo(tmp_path / "tally", SAMPLE_PROJECT))
    page.goto("/#/stories")
    status = page.locator(f'#list-rows tr:has(a[href="#/stories/{story_id}"]) td').first
    expect(status).to_be_visible()
    assert status.text_content() != "complete"
    expect(status).to_have_text("complete", timeout=90_000)
