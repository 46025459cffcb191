"""The optional LLM narrator: the template's grounded outline, retold as prose by a model.

It speaks the OpenAI chat-completions protocol, which most hosted and self-hosted model
servers offer. The model gets the outline and nothing else to go on; its answer is split
into sentences and each is fact-checked (verify.py). Unverifiable sentences are dropped;
if too many are, or the model is slow, down, or answers in the wrong shape, the caller
keeps the template's script. The reason is always returned, so the record can show it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from codestory.analysis import RepoFacts
from codestory.narrative.script import Script, ScriptChapter
from codestory.narrative.sentences import split_sentences
from codestory.narrative.verify import Grounding

SYSTEM_PROMPT = """You narrate audio tours of source code for developers.
You receive a tour outline as JSON: chapters, each with a title and paragraphs.
Rewrite every chapter as warm, clear spoken prose, in the same order with the same titles.
Rules:
- Use only facts stated in the outline. Add no file, name, number, version or claim.
- Write every path, identifier, package and command in backticks, exactly as in the outline.
- No web addresses, no lists, no markdown besides the backticks.
- Keep each chapter about as long as in the outline.
Answer with JSON only: {"chapters": [{"title": "...", "paragraphs": ["..."]}]}"""


class NarratorUnavailableError(Exception):
    """The model could not be used for this story; the message says why."""


@dataclass(frozen=True)
class Narration:
    script: Script
    sentences: int
    dropped: list[tuple[str, str]]  # (sentence, why it failed the check)


def _request(outline: Script, model: str) -> dict[str, Any]:
    chapters = [{"title": c.title, "paragraphs": c.paragraphs} for c in outline.chapters]
    return {
        "model": model,
        "temperature": 0.3,
        "response_format": {"type": "json_object"},
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": json.dumps({"chapters": chapters})},
        ],
    }


def _chapters_of(reply: dict[str, Any], outline: Script) -> list[tuple[str, list[str]]]:
    try:
        content = reply["choices"][0]["message"]["content"]
        chapters = json.loads(content)["chapters"]
        found = [(str(c["title"]), [str(p) for p in c["paragraphs"]]) for c in chapters]
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise NarratorUnavailableError(
            f"the model's answer was not the asked-for JSON ({exc!r})"
        ) from None
    if [t for t, _ in found] != [c.title for c in outline.chapters]:
        raise NarratorUnavailableError("the model changed, dropped or reordered chapters")
    return found


def check(
    chapters: list[tuple[str, list[str]]], grounding: Grounding, outline: Script
) -> Narration:
    """Keep the sentences that pass the fact check; a chapter left empty keeps the outline's."""
    kept: list[ScriptChapter] = []
    dropped: list[tuple[str, str]] = []
    total = 0
    for (title, paragraphs), original in zip(chapters, outline.chapters, strict=True):
        good: list[str] = []
        for paragraph in paragraphs:
            sentences = split_sentences(paragraph)
            total += len(sentences)
            passed = []
            for sentence in sentences:
                problem = grounding.problem(sentence)
                if problem is None:
                    passed.append(sentence)
                else:
                    dropped.append((sentence, problem))
            if passed:
                good.append(" ".join(passed))
        kept.append(ScriptChapter(title=title, paragraphs=good or original.paragraphs))
    script = Script(title=outline.title, repository=outline.repository, chapters=kept)
    return Narration(script=script, sentences=total, dropped=dropped)


def narrate(
    facts: RepoFacts,
    outline: Script,
    *,
    base_url: str,
    model: str,
    api_key: str,
    timeout: float,
    max_dropped_share: float,
    transport: httpx.BaseTransport | None = None,
) -> Narration:
    """The model's retelling of `outline`, fact-checked. Raises NarratorUnavailableError."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            response = client.post(
                f"{base_url}/chat/completions", json=_request(outline, model), headers=headers
            )
    except httpx.TimeoutException:
        raise NarratorUnavailableError(f"the model did not answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise NarratorUnavailableError(f"the model could not be reached: {exc}") from None
    if response.status_code != 200:
        raise NarratorUnavailableError(f"the model answered HTTP {response.status_code}")
    try:
        reply = response.json()
    except ValueError:
        raise NarratorUnavailableError("the model's answer was not JSON") from None
    narration = check(_chapters_of(reply, outline), Grounding.of(facts, outline), outline)
    if not narration.sentences:
        raise NarratorUnavailableError("the model wrote nothing")
    share = len(narration.dropped) / narration.sentences
    if share > max_dropped_share:
        raise NarratorUnavailableError(
            f"{len(narration.dropped)} of {narration.sentences} sentences failed the fact check"
        )
    return narration
