"""Control characters: refused at the door, and escaped wherever a stored value reaches a
terminal (`codestory status`, `codestory logs`, the console log), so a record written
before the door closed cannot retitle a window, write the clipboard or forge lines."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis

from codestory.commands.client import log_line
from codestory.core.domain import Status, Story, StoryRequest
from codestory.core.settings import LogFormat
from codestory.observability.logging import configure_logging
from codestory.records.store import StoryStore
from tests.support import Stack

TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLIPBOARD = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"  # OSC 52: writes the clipboard
FORGED = "\n2026-01-01 [info] admin logged in"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")

HOSTILE_URLS = [
    f"https://github.com/a/b{TITLE}",
    f"https://github.com/a/b{CLIPBOARD}",
    f"https://github.com/a/b{FORGED}",
    "https://github.com/a/b\r",
    "https://github.com/a/b\x00",
    "https://github.com/a/b\x9b31m",  # a C1 control: CSI in one byte for some terminals
    "https://github.com/a/\u202eb",  # reads backwards from here on
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_control_characters_are_refused_at_the_door(gateway: Stack, url: str) -> None:
    before = gateway.http.get("/api/v1/stories").json()["total"]
    answer = gateway.http.post("/api/v1/stories", json={"repository_url": url})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "repository_url"]
    assert gateway.http.get("/api/v1/stories").json()["total"] == before


@pytest.mark.parametrize("focus", ["\ud800", "tests\x1b[2J", "api\n"])
def test_a_focus_area_that_is_not_text_is_refused(gateway: Stack, focus: str) -> None:
    # A lone surrogate is valid JSON (an escape) but not text: it was a 500 when stored.
    body = json.dumps({"repository_url": "https://github.com/a/b", "focus_areas": [focus]})
    answer = gateway.http.post(
        "/api/v1/stories", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "focus_areas"]


@pytest.fixture
def planted(gateway: Stack) -> Iterator[str]:
    """A story whose record holds every hostile string (written past the door)."""
    records = redis.Redis.from_url(gateway.env["REDIS_URL"])
    story = Story.new(StoryRequest(repository_url="https://github.com/a/b"))
    story = story.model_copy(
        update={"repository_url": f"https://github.com/a/b{TITLE}{CLIPBOARD}{FORGED}\u202e"}
    )
    store = StoryStore(records)
    store.create(story)
    store.publish(story.id, Status.QUEUED, "fetch", f"Fetching {story.repository_url}")
    yield story.id
    records.close()


def codestory(gateway: Stack, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "codestory", *args, "--gateway", gateway.base_url],
        env=gateway.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("one", [True, False], ids=["one story", "the list"])
def test_status_prints_a_stored_url_inert(gateway: Stack, planted: str, one: bool) -> None:
    out = codestory(gateway, "status", *([planted] if one else []))
    shown = next(line for line in out.splitlines() if planted in line)
    assert not any(c in out for c in RAW), repr(out)
    assert "admin logged in" in shown  # the forged line is on the story's own line
    assert "\\x1b]0;pwned\\x07" in shown and "\\x0a" in shown and "\\u202e" in shown


def test_dlq_show_prints_progress_inert(gateway: Stack, planted: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codestory", "dlq", "show", planted],
        env=gateway.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "Fetching https://github.com/a/b" in done.stdout
    assert not any(c in done.stdout for c in RAW), repr(done.stdout)


def test_a_log_line_prints_inert() -> None:
    line = {
        "time": "2026-01-01T00:00:00Z",
        "level": "error",
        "service": "story",
        "step": "fetch",
        "message": f"cloning https://github.com/a/b{TITLE}{FORGED}",
        "error_type": "fetch_failed",
        "traceback": f"Traceback:\n  File x\nError: {CLIPBOARD}",
    }
    text = log_line(line)
    assert not any(c in text for c in RAW), repr(text)
    # The traceback keeps its own rows; the message's newline is shown, not obeyed.
    assert text.count("\n") == 3
    assert "\\x0a2026-01-01 [info] admin logged in" in text.splitlines()[0]


@pytest.fixture
def root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers, root.level = handlers, level


def test_the_console_log_prints_values_inert(
    root_logger: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", LogFormat.CONSOLE)
    log = logging.getLogger("codestory.test")
    log.info("queued %s", f"https://github.com/a/b{TITLE}{FORGED}")
    log.info("story", extra={"repository_url": f"https://github.com/a/b{CLIPBOARD}"})
    try:
        raise ValueError(f"bad {TITLE}")
    except ValueError:
        log.exception("crashed")
    err = capsys.readouterr().err
    assert not any(c in err for c in RAW), repr(err)
    assert not any(line.startswith("2026-01-01 [info]") for line in err.splitlines())
    assert "\\x1b]52;c;" in err and "Traceback" in err
