"""The story stage: fetch, analyse and narrate, then hand the script to the audio queue.
Run by the story worker's task (tasks.py), or by the gateway in degraded mode."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import Any

from codestory.analysis import AnalysisError, AnalysisStoppedError, RepoFacts, analyse
from codestory.analysis.changelog import entries_between
from codestory.analysis.changes import compare
from codestory.analysis.commit_messages import group_commits
from codestory.artifacts.backends import ArtifactNotFoundError
from codestory.artifacts.kinds import story_artifact
from codestory.core.domain import ErrorType, Status, repository_name
from codestory.core.queues import TASK_GENERATE_STORY
from codestory.core.settings import get_settings
from codestory.narrative.digest import write_digest
from codestory.narrative.evidence import with_evidence
from codestory.narrative.llm import NarratorUnavailableError, narrate
from codestory.narrative.script import Script
from codestory.narrative.template import write_script
from codestory.observability.metrics import NARRATIONS, stage_timer
from codestory.runtime.celery_app import app
from codestory.runtime.dispatch import enqueue_audio
from codestory.runtime.stages import Stage
from codestory.runtime.task_runtime import PermanentError, StoryRun, TransientError
from codestory.story_worker.analysis_cache import (
    analysis_key,
    load_analysis,
    read_stored_facts,
    save_analysis,
)
from codestory.story_worker.fetch import (
    History,
    checkout_commit,
    fetch_commit,
    fetch_repository,
    history_between,
    is_commit_id,
    read_history,
    resolve_commit,
)
from codestory.story_worker.scratch import scratch_folder

ACCEPTS = frozenset({Status.QUEUED, Status.ANALYZING, Status.GENERATING})
# A plain folder has no commit to key the analysis cache by; its facts are kept with the
# story until the script is written, so a redelivered task does not read the folder again.
settings = get_settings()
log = logging.getLogger("codestory.story")


def read_facts(run: StoryRun, work: Path) -> tuple[RepoFacts, str | None, bool]:
    """The facts of the story's repository, its commit, and whether they came from the cache."""
    story = run.story
    kept = read_stored_facts(run.artifacts, story_artifact(story.id, "facts"))
    if kept is not None:
        run.progress("analyse", "Resuming with the analysis stored before the restart", 1.0)
        return kept, story.commit, False
    return facts_at(run, work, story.ref)


def facts_at(run: StoryRun, work: Path, ref: str | None) -> tuple[RepoFacts, str | None, bool]:
    """The facts of the repository at `ref`, its commit, and whether they were cached."""
    story = run.story
    at = f" at {ref}" if ref else ""
    run.progress("fetch", f"Fetching {story.repository_url}{at}")
    limits = (settings.max_repo_files, settings.max_repo_bytes, settings.history_depth)
    name = repository_name(story.repository_url)
    by_id = is_commit_id(ref)
    commit = ref if by_id else resolve_commit(story.repository_url, ref, work, settings)
    if commit is not None:
        cached = load_analysis(run.artifacts, analysis_key(commit, *limits, name=name))
        if cached is not None:
            run.progress("fetch", f"Commit {commit[:12]} was read before; reusing it", 1.0)
            run.progress("analyse", "Reusing the analysis of this commit", 1.0)
            return cached, commit, True
    with stage_timer("fetch"):
        if by_id and ref is not None:
            checkout = fetch_commit(story.repository_url, ref, work, settings)
        else:
            checkout = fetch_repository(story.repository_url, ref, work, settings)
    commit = checkout_commit(checkout)
    run.progress("fetch", "Repository fetched", 1.0)
    run.checkpoint()
    run.progress("analyse", "Reading the code: languages, layout, modules and imports")
    try:
        with stage_timer("analyse"):
            facts = analyse(
                checkout,
                name=name,
                max_files=settings.max_repo_files,
                max_bytes=settings.max_repo_bytes,
                history_log=read_history(checkout, settings.history_depth),
                history_depth=settings.history_depth,
                processes=settings.analysis_processes,
                seconds_per_file=settings.analysis_file_seconds,
                should_stop=run.stop_wanted(),
                syntax_cache=settings.work_dir / "syntax-cache"
                if settings.syntax_cache_bytes
                else None,
                syntax_cache_bytes=settings.syntax_cache_bytes,
            )
    except AnalysisError as exc:
        raise PermanentError(str(exc), exc.error_type) from None
    except AnalysisStoppedError:
        run.checkpoint()  # raises what stopped it: cancelled, paused or taken over
        raise TransientError("the analysis was stopped and the story goes on") from None
    if commit is not None:
        save_analysis(run.artifacts, analysis_key(commit, *limits, name=name), facts)
    else:
        run.artifacts.put(story_artifact(story.id, "facts"), facts.model_dump_json().encode())
    return facts, commit, False


def retell(run: StoryRun, facts: RepoFacts, outline: Script) -> tuple[Script, str]:
    """The LLM's fact-checked retelling when one is configured and passes; else the outline."""
    if not settings.llm_base_url:
        NARRATIONS.labels(narrator="template", outcome="not_configured").inc()
        return outline, "template"
    run.progress("narrate", "Asking the model to retell the tour in its own words")
    try:
        narration = narrate(
            facts,
            outline,
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout_seconds,
            max_dropped_share=settings.llm_max_dropped_share,
        )
    except NarratorUnavailableError as exc:
        NARRATIONS.labels(narrator="template", outcome="fallback").inc()
        log.warning("LLM narrator not used", extra={"reason": str(exc)})
        run.progress("narrate", f"Keeping the plain narration: {exc}")
        return outline, "template"
    for sentence, why in narration.dropped:
        log.info("dropped an unverifiable sentence", extra={"sentence": sentence, "why": why})
    NARRATIONS.labels(narrator="llm", outcome="used").inc()
    kept = narration.sentences - len(narration.dropped)
    run.progress("narrate", f"The model's retelling passed the fact check: {kept} sentences kept")
    return narration.script, "llm"


def stored_script(run: StoryRun) -> dict[str, Any] | None:
    """The script an earlier delivery wrote before it was cut short, if any."""
    try:
        document: dict[str, Any] = json.loads(
            run.artifacts.get(story_artifact(run.story.id, "script"))
        )
    except (ArtifactNotFoundError, ValueError):
        return None
    return document if "script" in document and "facts" in document else None


def hand_over(run: StoryRun, *, title: str, narrator: str, words: int) -> None:
    key = story_artifact(run.story.id, "script")
    run.advance(
        Status.SYNTHESIZING,
        title=title,
        narrator=narrator,
        artifacts={**run.story.artifacts, "script": key},
    )
    # Enqueued once this worker lets go of the story, so the audio worker can take it at once.
    story_id = run.story.id
    run.after_release(lambda: enqueue_audio(app, story_id, words, settings))
    run.progress("speak", "Waiting for an audio worker")


def generate_story(run: StoryRun) -> None:
    story = run.story
    written = stored_script(run)
    if written is not None:
        script = Script.model_validate(written["script"])
        run.progress("narrate", "The script was written before the restart; handing it on", 1.0)
        digest = written.get("narrator") == "digest"
        hand_over(
            run,
            title=script.title if digest else written["facts"]["name"],
            narrator=written.get("narrator", "template"),
            words=script.words,
        )
        return
    log.info(
        "telling %s at %s: %s for %s, focus %s",
        story.repository_url,
        story.ref or "its default branch",
        story.style,
        story.expertise_level,
        ", ".join(story.focus_areas) or "none",
    )
    run.advance(Status.ANALYZING)
    if story.since is not None:
        tell_digest(run, story.since)
        return
    try:
        with scratch_folder(settings.work_dir, "story-") as work:
            facts, commit, hit = read_facts(run, work)
    except RecursionError:
        # Only a repository's shape recurses this far: folders (or code) nested about a
        # thousand deep. Said as the limit it is, not as a bug of ours.
        raise PermanentError(
            "the repository nests too deeply to read (folders or code about a thousand "
            "levels deep)",
            ErrorType.REPOSITORY_TOO_LARGE,
        ) from None
    run.progress(
        "analyse",
        f"Found {facts.total_files} files, {facts.code_lines} lines of code",
        1.0,
    )
    run.checkpoint()
    cache = {**story.cache, "analysis": "hit" if hit else "miss"}
    run.advance(Status.GENERATING, commit=commit, cache=cache)
    run.progress("narrate", "Writing the chapters")
    with stage_timer("narrate"):
        script = write_script(
            facts, style=story.style, level=story.expertise_level, focus_areas=story.focus_areas
        )
        script, narrator = retell(run, facts, script)
        script = with_evidence(script, facts)
    document: dict[str, Any] = {
        "script": script.model_dump(mode="json"),
        "facts": facts.model_dump(mode="json", exclude={"modules", "symbol_names"}),
        "narrator": narrator,
    }
    run.artifacts.put(story_artifact(story.id, "script"), json.dumps(document, indent=2).encode())
    run.artifacts.delete(story_artifact(story.id, "facts"))
    run.progress("narrate", f"Wrote {len(script.chapters)} chapters, {script.words} words", 1.0)
    run.checkpoint()
    hand_over(run, title=facts.name, narrator=narrator, words=script.words)


def tell_digest(run: StoryRun, since: str) -> None:
    """A change digest: the repository analysed at `since` and at the story's ref (each from
    the analysis cache when it was told before), compared, and told."""
    story = run.story
    until = story.ref or "the default branch"
    with scratch_folder(settings.work_dir, "story-") as work:
        newer, commit, new_hit = facts_at(run, work, story.ref)
    run.checkpoint()
    with scratch_folder(settings.work_dir, "story-") as work:
        older, old_commit, old_hit = facts_at(run, work, since)
    if commit is None or old_commit is None:
        raise PermanentError(
            "a change digest needs a Git repository with both refs", ErrorType.INVALID_REPOSITORY
        )
    run.checkpoint()
    history = History()
    with (
        scratch_folder(settings.work_dir, "story-") as work,
        contextlib.suppress(PermanentError, TransientError),
    ):
        # What the commits, the changelog and the changed files say: parts the digest can
        # do without.
        history = history_between(story.repository_url, story.ref, old_commit, work, settings)
    entries = None
    if history.changelog and older.version and newer.version:
        entries = entries_between(history.changelog, older.version, newer.version)
    hit = "hit" if new_hit and old_hit else "miss"
    commits = group_commits(history.subjects) if history.subjects is not None else None
    run.advance(
        Status.GENERATING,
        commit=commit,
        cache={**story.cache, "analysis": hit},
        since_commits=commits.commits if commits is not None else None,
    )
    run.progress("narrate", f"Comparing {since} ({old_commit[:12]}) with {until}")
    with stage_timer("narrate"):
        change = compare(older, newer)
        script = write_digest(
            change,
            since=since[:12] if is_commit_id(since) else since,
            until=story.ref or commit[:12],
            repository=story.repository_url,
            commits=commits,
            changelog=entries,
            environment=history.environment,
        )
    document: dict[str, Any] = {
        "script": script.model_dump(mode="json"),
        "facts": newer.model_dump(mode="json", exclude={"modules", "symbol_names"}),
        "change": change.model_dump(mode="json"),
        "narrator": "digest",
    }
    run.artifacts.put(story_artifact(story.id, "script"), json.dumps(document, indent=2).encode())
    run.progress("narrate", f"Wrote {len(script.chapters)} chapters, {script.words} words", 1.0)
    run.checkpoint()
    hand_over(run, title=script.title, narrator="digest", words=script.words)


STAGE = Stage(TASK_GENERATE_STORY, ACCEPTS, generate_story)
