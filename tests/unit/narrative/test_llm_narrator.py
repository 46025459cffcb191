"""The LLM narrator against a local chat-completions server: used, checked, or set aside."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from codestory.analysis import RepoFacts, analyse
from codestory.narrative.llm import NarratorUnavailableError, narrate
from codestory.narrative.script import Script
from codestory.narrative.template import write_script
from codestory.narrative.verify import Grounding
from tests.local_services import SLOW_SECONDS, local_service
from tests.support import SAMPLE_PROJECT, write_files


@cache
def story(root: Path) -> tuple[RepoFacts, Script]:
    facts = analyse(write_files(root, SAMPLE_PROJECT), name="tally")
    return facts, write_script(facts)


@pytest.fixture
def outline(tmp_path_factory: pytest.TempPathFactory) -> tuple[RepoFacts, Script]:
    return story(tmp_path_factory.getbasetemp() / "tally")


def ask(base_url: str, facts: RepoFacts, outline: Script, **overrides: object) -> object:
    options: dict[str, object] = {
        "base_url": base_url,
        "model": "local-model",
        "api_key": "sk-test",
        "timeout": 10.0,
        "max_dropped_share": 0.25,
        **overrides,
    }
    return narrate(facts, outline, **options)  # type: ignore[arg-type]


def test_a_faithful_retelling_is_used(outline: tuple[RepoFacts, Script]) -> None:
    facts, script = outline
    with local_service("faithful") as server:
        narration = ask(server.base_url, facts, script)
    assert not narration.dropped  # type: ignore[attr-defined]
    told = narration.script  # type: ignore[attr-defined]
    assert [c.title for c in told.chapters] == [c.title for c in script.chapters]
    assert told.chapters[0].paragraphs[0].startswith("Let us look closer.")
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["model"] == "local-model"
    assert request["headers"]["Authorization"] == "Bearer sk-test"


def test_an_invented_claim_is_dropped_and_the_rest_kept(outline: tuple[RepoFacts, Script]) -> None:
    facts, script = outline
    with local_service("one-lie") as server:
        narration = ask(server.base_url, facts, script)
    dropped = narration.dropped  # type: ignore[attr-defined]
    assert [s for s, _ in dropped] == ["It also ships `src/secret_engine.py` with 4,242 tests."]
    assert "does not know" in dropped[0][1]
    text = " ".join(p for c in narration.script.chapters for p in c.paragraphs)  # type: ignore[attr-defined]
    assert "secret_engine" not in text and "4,242" not in text


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("liar", "failed the fact check"),
        ("error", "HTTP 503"),
        ("garbage", "not the asked-for JSON"),
    ],
)
def test_a_model_that_fails_is_set_aside(
    outline: tuple[RepoFacts, Script], mode: str, reason: str
) -> None:
    facts, script = outline
    with local_service(mode) as server, pytest.raises(NarratorUnavailableError, match=reason):
        ask(server.base_url, facts, script)


def test_a_silent_model_times_out(outline: tuple[RepoFacts, Script]) -> None:
    facts, script = outline
    with local_service("slow") as server, pytest.raises(NarratorUnavailableError, match="within"):
        ask(server.base_url, facts, script, timeout=SLOW_SECONDS / 3)


def test_an_unreachable_model_is_set_aside(outline: tuple[RepoFacts, Script]) -> None:
    facts, script = outline
    with local_service() as server:
        url = server.base_url
    with pytest.raises(NarratorUnavailableError, match="could not be reached"):
        ask(url, facts, script)


def test_the_fact_check(outline: tuple[RepoFacts, Script]) -> None:
    facts, script = outline
    grounding = Grounding.of(facts, script)
    assert grounding.problem("Open `src/tally/counting.py` first.") is None
    assert "does not know" in (grounding.problem("Open `src/tally/nothing.py`.") or "")
    assert "outside a code span" in (grounding.problem("Open src/tally/nothing.py now.") or "")
    assert "web address" in (grounding.problem("See https://example.com for more.") or "")
    assert "number" in (grounding.problem("It has 987,654 lines.") or "")
    assert grounding.problem("It has two parts.") is None
