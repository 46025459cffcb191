"""The chaptered script: what the audio worker speaks and the transcript shows."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ScriptChapter(BaseModel):
    title: str
    paragraphs: list[str] = Field(min_length=1)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


class Script(BaseModel):
    title: str
    repository: str
    chapters: list[ScriptChapter] = Field(min_length=1)

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)
