"""The voice is pinned once: by version and wheel hash in requirements-voice.txt, which the
images and the Makefile install first; constraints.txt and pyproject.toml must agree."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[3]


def pinned(text: str, name: str) -> str:
    found = re.search(rf"^{re.escape(name)}==([\w.]+)", text, re.M)
    assert found, f"{name} is not pinned"
    return found.group(1)


def test_the_voice_wheel_is_pinned_by_version_and_hash_everywhere_alike() -> None:
    voice = (ROOT / "requirements-voice.txt").read_text()
    wanted = pinned(voice, "hibari-tts")
    assert re.search(r"--hash=sha256:[0-9a-f]{64}", voice)
    assert pinned((ROOT / "constraints.txt").read_text(), "hibari-tts") == wanted
    audio = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["audio"]
    requirement = next(Requirement(r) for r in audio if r.startswith("hibari-tts"))
    assert requirement.specifier.contains(wanted)
    assert version("hibari-tts") == wanted  # what the tests speak with


def test_every_image_with_the_audio_stage_installs_the_voice_by_hash() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.split(r"^FROM ", dockerfile, flags=re.M)
    with_audio = [s for s in stages if re.search(r'pip install .*"\.\[[^"]*audio', s)]
    assert len(with_audio) == 2  # the audio worker, and the gateway for degraded mode
    for stage in with_audio:
        assert "pip install --require-hashes --no-deps -r requirements-voice.txt" in stage
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps -r requirements-voice.txt" in makefile
