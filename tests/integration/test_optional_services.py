"""A story told by a model and spoken by a speech service, both local HTTP servers; and the
same story when both fail, told by the template and spoken by the built-in voice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local_services import LocalService, local_service
from tests.support import SAMPLE_PROJECT, Stack, make_repo, running_stack, scrape, value

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[LocalService, LocalService]]:
    with local_service() as model, local_service() as voice:
        yield model, voice


@pytest.fixture(scope="module")
def stack(
    redis_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    services: tuple[LocalService, LocalService],
) -> Iterator[Stack]:
    model, voice = services
    with running_stack(
        redis_server_url,
        tmp_path_factory.mktemp("optional"),
        CODESTORY_LLM_BASE_URL=model.base_url,
        CODESTORY_LLM_MODEL="local-model",
        CODESTORY_LLM_TIMEOUT_SECONDS="2",
        CODESTORY_TTS_BASE_URL=voice.base_url,
        CODESTORY_TTS_TIMEOUT_SECONDS="2",
    ) as running:
        yield running


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("repos") / "tally", SAMPLE_PROJECT)


def tell(stack: Stack, repo: Path, **fields: object) -> dict[str, object]:
    story = stack.wait_status(stack.submit(repo, **fields), {"complete", "failed"})
    assert story["status"] == "complete", story
    return story


def test_model_and_speech_service_tell_the_story(
    stack: Stack, repo: Path, services: tuple[LocalService, LocalService]
) -> None:
    model, voice = services
    model.mode = voice.mode = "faithful"
    story = tell(stack, repo)
    assert (story["narrator"], story["speech_engine"]) == ("llm", "http")
    transcript = stack.http.get(f"/api/v1/stories/{story['id']}/transcript").text
    assert "Let us look closer." in transcript
    assert model.requests and voice.requests
    assert value(scrape(stack.metrics_ports["story"]), "codestory_narrations_total",
                 narrator="llm", outcome="used") >= 1  # fmt: skip


def test_when_both_fail_the_template_and_the_built_in_voice_take_over(
    stack: Stack, repo: Path, services: tuple[LocalService, LocalService]
) -> None:
    model, voice = services
    model.mode = voice.mode = "error"
    story = tell(stack, repo, style="deep-dive")
    assert (story["narrator"], story["speech_engine"]) == ("template", "hibari")
    transcript = stack.http.get(f"/api/v1/stories/{story['id']}/transcript").text
    assert "Let us look closer." not in transcript
    audio = scrape(stack.metrics_ports["audio"])
    assert value(audio, "codestory_speech_runs_total", engine="http", outcome="failed") >= 1
    assert value(audio, "codestory_speech_runs_total", engine="hibari", outcome="spoken") >= 1


def test_a_lying_model_is_not_heard(
    stack: Stack, repo: Path, services: tuple[LocalService, LocalService]
) -> None:
    model, voice = services
    model.mode, voice.mode = "liar", "faithful"
    story = tell(stack, repo, expertise_level="beginner")
    assert story["narrator"] == "template"
    transcript = stack.http.get(f"/api/v1/stories/{story['id']}/transcript").text
    assert "imaginary" not in transcript and "9,999" not in transcript
