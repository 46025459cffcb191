from __future__ import annotations

import json
import logging

import pytest

from codestory.core.settings import LogFormat
from codestory.observability.logging import configure_logging, log_context


@pytest.fixture(autouse=True)
def restore_root_logger() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers, root.level = handlers, level


def test_json_lines_carry_context_extras_and_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", LogFormat.JSON)
    log = logging.getLogger("codestory.test")
    with log_context(story_id="s1", task_id="t1"):
        log.warning("story failed", extra={"error_type": "no_source"})
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("task crashed")
    log.info("outside")
    logging.getLogger("celery.worker").info("from celery")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    first, crash, outside, celery = lines
    assert first["event"] == "story failed" and first["level"] == "warning"
    assert (first["story_id"], first["task_id"], first["error_type"]) == ("s1", "t1", "no_source")
    assert "timestamp" in first and first["logger"] == "codestory.test"
    assert crash["exception"][0]["exc_type"] == "ValueError"
    assert "story_id" not in outside
    assert celery["logger"] == "celery.worker"


def test_console_format_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", LogFormat.CONSOLE)
    with log_context(story_id="s2"):
        logging.getLogger("codestory.test").info("hello")
    line = capsys.readouterr().err.strip()
    assert "hello" in line and "story_id=s2" in line and not line.startswith("{")
