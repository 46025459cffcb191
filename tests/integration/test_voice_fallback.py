"""When hibari cannot speak, espeak-ng speaks the whole story, and the record, the manifest,
`codestory status` and the metrics say so. The failure is real: the audio worker is told to
use a voice whose model file in HIBARI_HOME is damaged, so hibari refuses it at load."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hibari.voices import VOICES

from tests.support import SAMPLE_PROJECT, Stack, make_repo, running_stack, scrape, value

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("voice-fallback")
    voices = tmp / "voices"
    voices.mkdir()
    (voices / VOICES["fenrir"]["file"]).write_bytes(b"half a download")
    with running_stack(
        redis_server_url,
        tmp,
        CODESTORY_HIBARI_VOICE="fenrir",
        HIBARI_HOME=str(voices),
    ) as running:
        yield running


def test_espeak_speaks_the_story_hibari_cannot(stack: Stack, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    story_id = stack.submit(repo)
    story = stack.wait_status(story_id, {"complete", "failed"})
    assert story["status"] == "complete", story
    assert (story["speech_engine"], story["speech_voice"]) == ("espeak-ng", "en-us")
    manifest = stack.http.get(f"/api/v1/stories/{story_id}/manifest").json()
    assert (manifest["speech_engine"], manifest["speech_voice"]) == ("espeak-ng", "en-us")
    said = [e["message"] for e in stack.events(story_id) if e.get("step") == "speak"]
    assert any("is damaged" in m and "trying the next voice" in m for m in said), said
    audio = scrape(stack.metrics_ports["audio"])
    assert value(audio, "codestory_speech_runs_total", engine="hibari", outcome="failed") >= 1
    assert value(audio, "codestory_speech_runs_total", engine="espeak-ng", outcome="spoken") >= 1
    status = subprocess.run(
        [sys.executable, "-m", "codestory", "status", story_id, "--gateway", stack.base_url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    assert "spoken by:  espeak-ng (en-us)" in status.stdout
