"""Every sentence of a story carries its sources, aligned with the captions' cues."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import RepoFacts, analyse
from codestory.narrative.evidence import with_evidence
from codestory.narrative.script import Script, ScriptChapter, evidence_sidecar
from codestory.narrative.template import write_script
from tests.support import SAMPLE_PROJECT
from tests.support import write_files as write


def _told(tmp_path: Path) -> tuple[RepoFacts, Script]:
    facts = analyse(write(tmp_path, SAMPLE_PROJECT), name="checkout")
    return facts, with_evidence(write_script(facts), facts)


def test_each_sentence_naming_a_file_or_definition_points_at_it(tmp_path: Path) -> None:
    _, script = _told(tmp_path)
    for chapter in script.chapters:
        assert len(chapter.evidence) == len(chapter.sentences)
        for sentence, sources in zip(chapter.sentences, chapter.evidence, strict=True):
            for source in sources:
                assert source.path == "." or (tmp_path / source.path).exists(), source
            if "`src/tally/cli.py`" in sentence:
                assert any(s.path == "src/tally/cli.py" for s in sources), sentence
    first = script.chapters[0]
    quoted = first.sentences.index(next(s for s in first.sentences if "In its own words" in s))
    assert any(s.path == "README.md" for s in first.evidence[quoted])  # the quote's source
    where = next(c for c in script.chapters if c.title.startswith("Where it starts"))
    # main -> render -> count_words: each step at its definition's line.
    steps = {s.path for sources in where.evidence for s in sources if s.line}
    assert {"src/tally/cli.py", "src/tally/report.py", "src/tally/counting.py"} <= steps


def test_the_sidecar_numbers_its_entries_as_the_captions_number_their_cues(
    tmp_path: Path,
) -> None:
    _, script = _told(tmp_path)
    sidecar = evidence_sidecar(script)
    assert [e["cue"] for e in sidecar] == list(range(1, len(sidecar) + 1))
    cues = [s for c in script.chapters for s in c.sentences]
    assert [e["text"] for e in sidecar] == cues
    assert sum(1 for e in sidecar if e["evidence"]) >= len(sidecar) // 2


def test_a_script_without_evidence_still_makes_a_sidecar() -> None:
    script = Script(
        title="t", repository="r", chapters=[ScriptChapter(title="One", paragraphs=["A. B."])]
    )
    assert [e["evidence"] for e in evidence_sidecar(script)] == [[], []]


def test_a_count_of_roles_stands_on_the_files_that_declare_them(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# api\n\nApi answers requests.\n",
        "api/__init__.py": "",
        "api/app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        "@app.get('/items')\ndef items():\n    return []\n\n\n"
        "@app.post('/items')\ndef add():\n    return {}\n",
    }
    facts = analyse(write(tmp_path, files), name="api")
    script = with_evidence(write_script(facts), facts)
    told = [
        (sentence, sources)
        for chapter in script.chapters
        for sentence, sources in zip(chapter.sentences, chapter.evidence, strict=True)
        if "HTTP route" in sentence
    ]
    assert told, "the story counts the routes"
    # The handlers, beside the file the sentence names.
    assert {(s.path, s.line) for s in told[0][1]} - {("api/app.py", None)} == {
        ("api/app.py", 7),
        ("api/app.py", 12),
    }
