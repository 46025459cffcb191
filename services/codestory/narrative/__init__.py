"""Writing the tour. Pure: facts in, a chaptered script out.

Only the script's shape is imported here, so the audio worker can read a script without
loading the analysis; the narrator itself is `codestory.narrative.template.write_script`.
"""

from codestory.narrative.script import Evidence, Script, ScriptChapter, evidence_sidecar

__all__ = ["Evidence", "Script", "ScriptChapter", "evidence_sidecar"]
