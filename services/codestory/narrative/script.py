"""The chaptered script: what the audio worker speaks and the transcript shows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from codestory.narrative.sentences import split_sentences


class Evidence(BaseModel):
    """Where a claim comes from: a file (or "." for the whole tree), a line, the fact."""

    path: str
    line: int | None = None
    fact: str


class ScriptChapter(BaseModel):
    title: str
    paragraphs: list[str] = Field(min_length=1)
    # For each sentence, in the order `sentences` gives (the captions' order), its sources.
    evidence: list[list[Evidence]] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)

    @property
    def sentences(self) -> list[str]:
        """The sentences as they are spoken and captioned, paragraph by paragraph."""
        return [s for paragraph in self.text.split("\n\n") for s in split_sentences(paragraph)]


class Script(BaseModel):
    title: str
    repository: str
    chapters: list[ScriptChapter] = Field(min_length=1)

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)


def evidence_sidecar(script: Script) -> list[dict[str, Any]]:
    """One entry per caption cue, numbered as captions.vtt numbers its cues: the sentence
    and the files, lines and facts it stands on (empty for narration that claims nothing)."""
    entries: list[dict[str, Any]] = []
    for number, chapter in enumerate(script.chapters, start=1):
        for index, sentence in enumerate(chapter.sentences):
            sources = chapter.evidence[index] if index < len(chapter.evidence) else []
            entries.append(
                {
                    "cue": len(entries) + 1,
                    "chapter": number,
                    "text": sentence,
                    "evidence": [e.model_dump(exclude_none=True) for e in sources],
                }
            )
    return entries
