"""Writing the tour. Pure: facts in, a chaptered script out."""

from codestory.narrative.script import Script, ScriptChapter
from codestory.narrative.template import write_script

__all__ = ["Script", "ScriptChapter", "write_script"]
