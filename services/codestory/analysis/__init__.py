"""Reading a repository into facts. Pure: files in, data out; no Celery, Redis or HTTP."""

from codestory.analysis.facts import RepoFacts, analyse
from codestory.analysis.walk import AnalysisError, AnalysisStoppedError

__all__ = ["AnalysisError", "AnalysisStoppedError", "RepoFacts", "analyse"]
