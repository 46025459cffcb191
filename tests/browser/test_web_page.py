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

from tests.support import (
    ADMIN_TOKEN,
    SAMPLE_PROJECT,
    Stack,
    git,
    make_repo,
    running_stack,
    wait_for,
)

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
        self.asked: list[tuple[str, str | None]] = []  # each URL, with its Range header
        page.route("**/*", self._only_loopback)
        page.on("console", self._console)

    def _only_loopback(self, route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            self.asked.append((urlsplit(url).path, route.request.headers.get("range")))
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
    expect(page.locator("#transcript .cue.current")).to_have_count(1)
    page.evaluate("document.getElementById('audio').pause()")
    leads_with_the_player(page, chapters.count())
    transcript_by_chapter_from_the_keyboard(page, chapters.count())
    # With a key the player streams (range requests on the keyed media link): the whole MP3
    # is never fetched into the page first.
    assert f"/api/v1/stories/{story_id}/audio" not in [path for path, _ in watched.asked]
    streamed = [r for path, r in watched.asked if path.endswith(f"/{story_id}/story.mp3")]
    assert streamed and any(r and r.startswith("bytes=") for r in streamed)

    # The log: closed once the story is complete, with both workers' lines in order.
    expect(page.locator("#log-section")).not_to_have_attribute("open", "")
    page.get_by_text("Log", exact=True).click()
    log = page.locator("#log .line")
    expect(log.filter(has_text="audio-worker").last).to_contain_text("ready")
    services = log.locator(".service").all_text_contents()
    assert services[0] == "gateway"
    first_audio = services.index("audio-worker")
    assert "story-worker" in services[:first_audio] and "story-worker" not in services[first_audio:]
    screenshot(page, "story", tmp_path)

    with page.expect_download() as download:
        page.get_by_role("link", name="MP3").click()
    assert download.value.suggested_filename == f"{story_id}-story.mp3"
    for button, name in (("Captions (VTT)", "captions.vtt"), ("Manifest (JSON)", "manifest")):
        with page.expect_download() as download:
            page.get_by_role("button", name=button).click()
        assert download.value.suggested_filename.startswith(story_id)
        assert name.split(".")[0] in download.value.suggested_filename

    phone = page.context.browser.new_context(  # type: ignore[union-attr]
        base_url=stack.base_url, viewport={"width": 375, "height": 740}
    ).new_page()
    try:
        phone.goto(f"/#/stories/{story_id}")
        expect(phone.locator("#player")).to_be_visible()
        leads_with_the_player(phone, chapters.count())
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scroll"
        screenshot(phone, "story-phone", tmp_path)
    finally:
        phone.context.close()

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
    # The reason is said once, the log is open, and the request can be edited and sent again.
    expect(page.locator("#view-story")).to_contain_text("no source code was found")
    reason = page.locator("#story-failure").text_content() or ""
    assert page.locator("#view-story .progress").inner_text().count(reason) == 1
    expect(page.locator("#log-section")).to_have_attribute("open", "")
    expect(page.get_by_role("button", name="Edit and resubmit")).to_be_visible()
    retry = page.get_by_role("button", name="Retry this story (admin)")
    expect(retry).to_be_visible()
    lines_before = page.locator("#log .line").count()
    retry.click()  # the admin sends it back: it runs again, and fails again the same way
    expect(page.locator("#story-action-error")).not_to_contain_text("Only the admin")
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
    expect(page.locator("#story-repo")).to_contain_text(str(repo))
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


def top(page: Page, selector: str) -> float:
    return float(page.locator(selector).evaluate("e => e.getBoundingClientRect().top"))


def leads_with_the_player(page: Page, chapters: int) -> None:
    """Title, repository and length, then the player; progress is one line below it."""
    title = page.locator("#story-title").text_content() or ""
    assert title and title != "Story"
    assert page.title() == f"{title} · codestory"
    expect(page.locator("#story-repo")).to_contain_text(
        re.compile(rf"\d+:\d\d · {chapters} chapters")
    )
    assert top(page, "#story-title") < top(page, "#player") < top(page, ".statusline")
    expect(page.locator("#story-progress")).to_be_hidden()
    expect(page.locator(".statusline")).to_have_text("complete")
    expect(page.locator("#story-pause")).to_be_hidden()


def transcript_by_chapter_from_the_keyboard(page: Page, chapters: int) -> None:
    expect(page.locator("#transcript h3")).to_have_count(chapters)
    assert page.locator("audio track[kind=captions]").count() == 1
    until(page, "document.getElementById('audio').textTracks.length === 1")
    # A sentence late in the story, reached and played from the keyboard.
    sentences = page.locator("#transcript .cue")
    late = sentences.nth(sentences.count() - 2)
    late.focus()
    page.keyboard.press("Enter")
    start = float(late.evaluate("_ => document.getElementById('audio').currentTime"))
    assert start > 10
    until(page, "document.querySelector('#transcript .cue.current') !== null", timeout=10)
    current = page.locator("#transcript .cue.current")
    colors = current.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
    )
    assert contrast(colors[1], "rgb(255, 255, 255)") >= 3, "the highlight stands out"
    assert contrast(colors[0], colors[1]) >= 4.5, "its words stay readable"
    page.keyboard.press("Space")  # on the focused sentence: plays from it again, no scroll
    page.evaluate("document.getElementById('audio').pause()")


def luminance(color: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+", color)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_a_running_story_is_paused_resumed_cancelled_and_resubmitted(
    watched: Watched, tmp_path: Path
) -> None:
    page = watched.page
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    submit_as_admin(page, repo, listener="expert")
    page.wait_for_url("**/#/stories/*")
    pause = page.get_by_role("button", name="Pause")
    resume = page.get_by_role("button", name="Resume")
    pause.click()
    expect(resume).to_be_focused()  # focus moves to the button that took its place
    expect(pause).to_be_hidden()
    expect(page.locator("#story-step")).to_have_text("· paused", timeout=30_000)
    resume.press("Enter")
    expect(pause).to_be_focused()
    expect(page.locator("#story-step")).not_to_have_text("· paused")
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#story-status")).to_have_text("cancelled")
    edit = page.get_by_role("button", name="Edit and resubmit")
    expect(edit).to_be_focused()
    for gone in ("Pause", "Resume", "Cancel"):
        expect(page.get_by_role("button", name=gone)).to_be_hidden()
    edit.press("Enter")  # back to the form, filled in with the story's request
    expect(page.locator("#new-title")).to_be_focused()
    expect(page.get_by_label("Repository URL")).to_have_value(str(repo))
    expect(page.get_by_label("Listener")).to_have_value("expert")


def test_keyboard_focus_titles_and_the_key_popover(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    expect(page.locator("#new-title")).to_be_focused()
    assert page.title() == "New story · codestory"
    stories = page.get_by_role("link", name="Stories", exact=True)
    for _ in range(10):  # from the heading back to the header, by Shift+Tab alone
        page.keyboard.press("Shift+Tab")
        if stories.evaluate("e => e === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page.locator("#list-title")).to_be_focused()
    assert page.title() == "Stories · codestory"

    summary = page.locator("#key-details summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#key-details")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator("#api-key")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#key-details")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    page.locator("#api-key").fill("cs_not-a-real-key")
    expect(page.locator("#key-badge")).to_be_hidden()
    page.keyboard.press("Enter")  # Save
    expect(page.locator("#key-details")).not_to_have_attribute("open", "")
    expect(page.locator("#key-badge")).to_have_text("saved")  # the header says a key is kept
    expect(page.locator("#list-title")).to_be_focused()  # the view reopened with the key
    page.evaluate("localStorage.clear()")


def test_controls_and_states_contrast_and_one_live_region(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    white = "rgb(255, 255, 255)"
    border = page.get_by_label("Repository URL").evaluate("e => getComputedStyle(e).borderTopColor")
    assert contrast(border, white) >= 3, "input borders"
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert contrast(ring, white) >= 3, "the focus ring"
    for selector in ("#story-status", "nav a", "#submit"):
        colors = page.locator(selector).first.evaluate(
            "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
        )
        background = white if colors[1] == "rgba(0, 0, 0, 0)" else colors[1]
        assert contrast(colors[0], background) >= 3, selector
    for status in ("complete", "failed"):
        color = page.locator("#story-status").evaluate(
            f"e => {{ e.dataset.status = '{status}'; return getComputedStyle(e).color; }}"
        )
        assert contrast(color, white) >= 3, status
    polite = page.evaluate(
        """[...document.querySelectorAll('[aria-live], [role=status], [role=log]')]
             .filter(e => e.getAttribute('aria-live') !== 'assertive').map(e => e.id)"""
    )
    assert polite == ["announcer"]


def test_field_errors_in_plain_words_every_field_at_once(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    submit = page.get_by_role("button", name="Tell me the story")
    submit.click()
    expect(page.locator("#repository_url-error")).to_have_text(
        "Enter the repository's URL, such as https://github.com/owner/project."
    )
    expect(page.get_by_label("Repository URL")).to_be_focused()

    page.get_by_label("Repository URL").fill("git@github.com:owner/project.git")
    submit.click()
    expect(page.locator("#repository_url-error")).to_have_text(
        "This is an SSH remote; only https is fetched: use https://github.com/owner/project"
    )

    page.get_by_label("Repository URL").fill("https://github.com/owner/project")
    page.get_by_label("Branch or tag").fill("not a ref")
    page.get_by_label("Focus areas").fill(", ".join(f"area{n}" for n in range(30)))
    submit.click()
    expect(page.locator("#ref-error")).to_have_text(
        "This must be a branch or tag name (letters, digits, . _ / -)"
    )
    expect(page.locator("#focus_areas-error")).to_have_text("Give at most 20 (there are 30).")
    expect(page.locator("#repository_url-error")).to_be_empty()
    expect(page.get_by_label("Branch or tag")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text(
        "2 fields need attention: Branch or tag, Focus areas."
    )
    assert "Value error" not in page.locator("#new-form").inner_text()

    page.get_by_label("Repository URL").fill("ftp://example.org/project")
    page.get_by_label("Focus areas").fill("")
    submit.click()  # the URL's refusal and the ref's, in one round
    expect(page.locator("#repository_url-error")).not_to_be_empty()
    expect(page.locator("#ref-error")).not_to_be_empty()
    expect(page.locator("#focus_areas-error")).to_be_empty()
    expect(page.get_by_label("Repository URL")).to_be_focused()


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 AA rules on the page as it is now (run through the DevTools
    protocol, so the page's own policy need not allow it); a view wider than the window
    counts as one too."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    if page.evaluate("document.documentElement.scrollWidth") > width:
        return ["sideways scroll"]
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("axe-playwright-python is not installed: it is in the dev dependencies")
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
    results = Axe().run(page, options={**options, "resultTypes": ["violations"]})
    return [
        f"{v['id']}: {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("width", [1200, 375])
def test_axe_finds_nothing_in_any_view(
    browser: Browser, stack: Stack, tmp_path: Path, width: int
) -> None:
    story_id = stack.submit(make_repo(tmp_path / "tally", SAMPLE_PROJECT))
    failed_id = stack.submit(make_repo(tmp_path / "notes", {"README.md": "# Notes\n"}))
    context = browser.new_context(base_url=stack.base_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto("/")
        # axe is awake: an input planted without a label is caught, then taken away.
        page.evaluate(
            "document.body.append(Object.assign(document.createElement('input'), {id: 'planted'}))"
        )
        assert any("label" in violation for violation in axe_violations(page))
        page.evaluate("document.getElementById('planted').remove()")
        assert axe_violations(page) == [], "the form"
        page.get_by_label("Branch or tag").fill("not a ref")
        page.get_by_role("button", name="Tell me the story").click()
        expect(page.locator("#ref-error")).not_to_be_empty()
        assert axe_violations(page) == [], "the form with its errors"
        page.goto(f"/#/stories/{story_id}")
        expect(page.locator("#story-status")).not_to_be_empty()
        assert axe_violations(page) == [], "a running story"
        stack.wait_status(story_id, {"complete"})
        expect(page.locator("#player")).to_be_visible(timeout=30_000)
        expect(page.locator("#transcript .cue").first).to_be_visible()
        assert axe_violations(page) == [], "a complete story"
        stack.wait_status(failed_id, {"failed"})
        page.goto(f"/#/stories/{failed_id}")
        expect(page.locator("#story-failure")).not_to_be_empty()
        assert axe_violations(page) == [], "a failed story"
        page.goto("/#/stories")
        expect(page.locator("#list-rows tr").first).to_be_visible()
        assert axe_violations(page) == [], "the list"
    finally:
        context.close()


def test_a_running_story_lists_its_stages_with_their_times(
    watched: Watched, tmp_path: Path
) -> None:
    page = watched.page
    submit_as_admin(page, make_repo(tmp_path / "tally", SAMPLE_PROJECT))
    page.wait_for_url("**/#/stories/*")
    until(page, "document.getElementById('story-progress').value >= 50")
    page.get_by_role("button", name="Pause").click()  # held mid-story while it is read
    expect(page.locator("#story-step")).to_have_text("· paused", timeout=30_000)
    page.reload()  # the stages already passed are read again from the story's events
    stages = page.locator("#stages li")
    expect(stages).to_have_count(7)
    expect(stages).to_have_text(
        [re.compile(rf"^{name}") for name in ("Queued", "Fetch", "Analyse", "Narrate", "Speak")]
        + ["Encode", "Store"]
    )
    for done in range(4):
        expect(stages.nth(done)).to_have_class("done")
        expect(stages.nth(done).locator(".took")).to_have_text(re.compile(r"^\d+\.\d s$"))
    expect(page.locator('#stages li[aria-current="step"]')).to_have_count(1)
    expect(page.locator("#story-elapsed")).to_have_text(re.compile(r"^Elapsed \d+:\d\d$"))
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#story-status")).to_have_text("complete", timeout=90_000)
    expect(page.locator("#story-stages")).to_be_hidden()

    page.goto("/")  # the story is among the recent ones under the form
    recent = page.locator("#recent-list li")
    expect(recent.first).to_contain_text("complete")
    assert 1 <= recent.count() <= 5
    recent.first.get_by_role("link").click()
    expect(page.locator("#story-title")).to_be_focused()


def test_a_digest_names_its_range_and_a_retold_story_its_unchanged_chapters(
    watched: Watched, stack: Stack, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    git(repo, "tag", "v1")
    (repo / "src" / "tally" / "export.py").write_text(
        '"""Export."""\n\n\ndef to_csv(c):\n    return c\n'
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "export")
    git(repo, "tag", "v2")
    page = watched.page
    page.goto("/")
    save_key(page, ADMIN_TOKEN)  # a local folder is the admin's to tell
    page.get_by_label("Repository URL").fill(str(repo))
    page.get_by_label("Branch or tag").fill("v2")
    page.get_by_label("Changes since").fill("v1")
    page.get_by_role("button", name="Tell me the story").click()
    page.wait_for_url("**/#/stories/*")
    digest = page.url.rsplit("/", 1)[1]
    assert stack.wait_status(digest, {"complete"}, timeout=120)["since"] == "v1"
    expect(page.locator("#story-repo")).to_contain_text("changes v1 → v2, 1 commit", timeout=30_000)
    first = stack.submit(repo, ref="v2")
    stack.wait_status(first, {"complete"}, timeout=120)
    again = stack.submit(repo, ref="v2", style="overview", focus_areas=["export"])
    told = stack.wait_status(again, {"complete"}, timeout=120)
    unchanged = [c["title"] for c in told["chapters"] if c["reused"]]
    assert unchanged, "a retelling with one focus changed keeps its other chapters"
    page.goto(f"/#/stories/{again}")
    expect(page.locator("#chapters")).to_contain_text(f"{unchanged[0]} (", timeout=10_000)
    expect(page.locator("#chapters")).to_contain_text("unchanged since the last telling")


def test_the_transcript_follows_the_voice_only_while_asked_to(
    watched: Watched, stack: Stack, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    story_id = stack.submit(repo)
    stack.wait_status(story_id, {"complete"}, timeout=120)
    page = watched.page
    page.goto(f"/#/stories/{story_id}")
    expect(page.locator("#player")).to_be_visible(timeout=30_000)
    until(page, "document.querySelectorAll('#transcript .cue').length > 10")
    scrolled = "document.getElementById('transcript').scrollTop"
    page.get_by_label("Follow the voice").uncheck()
    page.locator("#chapters button").last.click()  # seek to the last chapter
    until(page, "document.querySelector('#transcript .cue.current') !== null")
    assert page.evaluate(scrolled) == 0, "reading where the listener is, not where the voice is"
    page.get_by_label("Follow the voice").check()
    page.locator("#chapters button").nth(-2).click()
    until(page, f"{scrolled} > 0")
